"""The toy model really aligns images and text, measured on held-out JPEG photos.

Photos come from a seed training never sees, are rendered at 320x240, saved and re-read as
JPEG, and preprocessed by the transform open_clip itself returns for the `local-dir:` folder:
the same route a photo takes through the app.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from tests.toyworld.evaluate import Scores, held_out_photos, load_rgb, open_clip_encoders, score

pytestmark = pytest.mark.slow

MINIMUM = 0.90


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory):
    return held_out_photos(tmp_path_factory.mktemp("held-out"), per_combo=20, size=(320, 240))


@pytest.fixture(scope="module")
def open_clip_scores(toy_model_dir: Path, photos) -> Scores:
    encode_images, encode_texts = open_clip_encoders(toy_model_dir)
    return score(photos, encode_images(load_rgb(photos)), encode_texts)


def test_open_clip_returns_the_saved_preprocessing(toy_model_dir: Path) -> None:
    import open_clip
    from torchvision.transforms import CenterCrop, Resize

    spec = f"local-dir:{toy_model_dir}"
    _, _, preprocess = open_clip.create_model_and_transforms(spec, device="cpu")
    steps = {type(step): step for step in preprocess.transforms}
    assert steps[Resize].size == 64 and steps[CenterCrop].size == (64, 64)
    assert open_clip.get_tokenizer(spec).context_length == 32


def test_held_out_photos_are_real_jpegs(photos) -> None:
    assert len(photos) == 480
    assert photos[0].path.read_bytes()[:2] == b"\xff\xd8"


def test_colour_only_prompts_name_the_colour(open_clip_scores: Scores) -> None:
    assert open_clip_scores.color_accuracy >= MINIMUM, open_clip_scores


def test_shape_only_prompts_name_the_shape(open_clip_scores: Scores) -> None:
    assert open_clip_scores.shape_accuracy >= MINIMUM, open_clip_scores


def test_colour_and_shape_queries_find_the_right_photos(open_clip_scores: Scores) -> None:
    assert open_clip_scores.precision_at_10 >= MINIMUM, open_clip_scores
    assert open_clip_scores.combo_accuracy >= 0.85, open_clip_scores


def test_app_model_adapter_scores_the_same(
    toy_model_spec: str, photos, open_clip_scores: Scores
) -> None:
    if importlib.util.find_spec("photosift.core.model.loader") is None:
        pytest.skip("photosift.core.model.loader is not written yet")
    from photosift.core.model.loader import load_model

    model = load_model(toy_model_spec, device="cpu")
    image_vectors = model.encode_images(load_rgb(photos))
    assert image_vectors.shape == (len(photos), model.dim)
    adapter_scores = score(photos, image_vectors, model.encode_texts)
    for name, value in open_clip_scores.as_dict().items():
        assert adapter_scores.as_dict()[name] == pytest.approx(value, abs=0.01), name
    assert np.allclose(np.linalg.norm(image_vectors, axis=1), 1.0, atol=1e-4)
