"""The CPU engine: ONNX export, torch-free preprocessing and tokenizer, the int8 guard, and the
precision stored with a library. Everything runs on real parts: the trained toy-world model,
open_clip, ONNX Runtime, the shipped probe photos."""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photosift.cli import main
from photosift.core.errors import StoreError
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.model import int8_guard
from photosift.core.model.clip_tokenizer import ClipTokenizer
from photosift.core.model.engine_cache import GuardResult, build_dir, builds, find_build
from photosift.core.model.loader import load_model
from photosift.core.model.onnx_runtime import OnnxClipModel
from photosift.core.model.precision import Engine, Precision
from photosift.core.model.preprocess import NumpyPreprocess
from photosift.core.model.spec import parse_spec
from tests.toyworld import generate_photos

HEAVY = ("torch", "open_clip", "transformers")


def unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(unit(np.asarray(a, np.float64)) * unit(np.asarray(b, np.float64)), axis=1)


@pytest.fixture(scope="module")
def torch_toy(toy_model_spec: str):  # type: ignore[no-untyped-def]
    return load_model(toy_model_spec, device="cpu", engine=Engine.TORCH)


@pytest.fixture(scope="module")
def onnx_toy(toy_model_spec: str) -> OnnxClipModel:
    model = load_model(toy_model_spec, device="cpu", engine=Engine.ONNX)
    assert isinstance(model, OnnxClipModel)
    return model


@pytest.fixture(scope="module")
def toy_photos(tmp_path_factory: pytest.TempPathFactory) -> list[Image.Image]:
    photos = generate_photos(tmp_path_factory.mktemp("toy-photos"), 24, size=(200, 150), seed=7)
    return [Image.open(photo.path).convert("RGB") for photo in photos]


def fp32_twin(model: OnnxClipModel) -> OnnxClipModel:
    """The same build with its fp32 image tower."""
    return OnnxClipModel(dataclasses.replace(model.info, precision=Precision.FP32))


# --- the torch-free parts reproduce open_clip exactly ----------------------------------------


@pytest.mark.parametrize(
    "cfg",
    [
        {
            "size": 64,
            "mean": [0.48, 0.45, 0.40],
            "std": [0.26, 0.26, 0.27],
            "interpolation": "bicubic",
            "resize_mode": "shortest",
        },
        {
            "size": [256, 256],
            "mean": [0.5, 0.5, 0.5],
            "std": [0.5, 0.5, 0.5],
            "interpolation": "bilinear",
            "resize_mode": "shortest",
        },
        {
            "size": 224,
            "mean": [0.48, 0.45, 0.40],
            "std": [0.26, 0.26, 0.27],
            "interpolation": "bicubic",
            "resize_mode": "squash",
        },
    ],
)
def test_numpy_preprocessing_equals_open_clips_transform(cfg: dict) -> None:
    from open_clip.transform import PreprocessCfg, image_transform_v2

    torch_cfg = {
        **cfg,
        "size": tuple(cfg["size"]) if isinstance(cfg["size"], list) else cfg["size"],
    }
    reference = image_transform_v2(PreprocessCfg(**torch_cfg), is_train=False)
    ours = NumpyPreprocess(cfg)
    photos = int8_guard.real_probe_photos()[:3]
    images = [
        photos[0],
        photos[1].resize((333, 517)),
        photos[2].resize((1001, 101)),
        photos[0].resize((31, 47)),
        photos[1].convert("L"),
        photos[2].convert("RGBA"),
        photos[0].resize((cfg["size"] if isinstance(cfg["size"], int) else cfg["size"][0],) * 2),
    ]
    for image in images:
        expected = reference(image).numpy()
        got = ours(image)
        assert got.dtype == np.float32 and got.shape == expected.shape, image
        assert np.array_equal(got, expected), (image, float(np.abs(got - expected).max()))


def test_clip_tokenizer_equals_open_clips() -> None:
    from open_clip.tokenizer import SimpleTokenizer

    texts = [
        "a photo of a dog",
        "Kids on a BEACH at sunset!!",
        "  spaces\tand\nnewlines  ",
        "",
        "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e",
        "\u5317\u4eac\u7684\u72d7",
        "don't we'll they're I'm",
        "&amp; html &lt;entities&gt;",
        "emoji \U0001f436\U0001f3d6",
        "numbers 12345 and 3.14",
        " ".join(["sunset"] * 100),
        "mojibake: caf\u00c3\u00a9",
    ]
    for context in (77, 12):
        expected = SimpleTokenizer(context_length=context)(texts).numpy()
        got = ClipTokenizer(context)(texts)
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, expected)


# --- fidelity --------------------------------------------------------------------------------


def test_onnx_fp32_vectors_match_torch_on_real_photos(
    torch_toy, onnx_toy: OnnxClipModel, toy_photos
) -> None:  # type: ignore[no-untyped-def]
    photos = int8_guard.real_probe_photos() + toy_photos
    fp32 = fp32_twin(onnx_toy)
    image_cos = cosines(torch_toy.encode_images(photos), fp32.encode_images(photos))
    assert image_cos.min() >= 0.9999, image_cos.min()
    prompts = ["a red circle", "a photo of something blue", "a green star on a grey background"]
    text_cos = cosines(torch_toy.encode_texts(prompts), onnx_toy.encode_texts(prompts))
    assert text_cos.min() >= 0.9999, text_cos.min()
    assert onnx_toy.info.torch_min_cosine >= 0.9999


def test_int8_image_tower_is_used_when_the_guard_passes(
    onnx_toy: OnnxClipModel, toy_photos
) -> None:  # type: ignore[no-untyped-def]
    guard = onnx_toy.info.guard
    assert guard is not None and guard.passed and guard.probes == 32
    assert onnx_toy.precision is Precision.INT8
    int8 = onnx_toy.encode_images(toy_photos)
    fp32 = fp32_twin(onnx_toy).encode_images(toy_photos)
    assert not np.array_equal(int8, fp32)  # really a different tower
    assert cosines(int8, fp32).mean() >= int8_guard.MEAN_COSINE_MIN
    # A photo's int8 vector does not depend on the photos it is batched with.
    alone = np.concatenate([onnx_toy.encode_images([photo]) for photo in toy_photos[:4]])
    np.testing.assert_array_equal(alone, int8[:4])


def test_toy_model_still_tells_colours_apart_in_int8(
    onnx_toy: OnnxClipModel, toy_photos, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    labelled = generate_photos(tmp_path, 36, size=(160, 120), seed=11)
    from tests.toyworld import COLORS

    prompts = onnx_toy.encode_texts([f"a photo of something {color}" for color in COLORS])
    images = onnx_toy.encode_images([Image.open(p.path) for p in labelled])
    best = (images @ prompts.T).argmax(axis=1)
    hits = sum(COLORS[b] == p.color for b, p in zip(best, labelled))
    assert hits >= 0.9 * len(labelled), hits


# --- the guard -------------------------------------------------------------------------------


def test_guard_figures() -> None:
    rng = np.random.default_rng(0)
    reference = rng.normal(size=(32, 16))
    same = int8_guard.compare(reference, reference * 3.0)  # scale does not matter
    assert same == GuardResult(1.0, 1.0, 1.0, 32, True)
    noisy = int8_guard.compare(reference, reference + rng.normal(scale=0.5, size=reference.shape))
    assert not noisy.passed and noisy.min_cosine < int8_guard.MIN_COSINE_MIN
    swapped = reference.copy()
    swapped[[0, 1]] = swapped[[1, 0]]  # two probes trade places: every vector but two intact
    result = int8_guard.compare(reference, swapped)
    assert result.mean_cosine < 1.0 and not result.passed


def test_probe_set_is_real_photos_plus_generated_ones() -> None:
    real = int8_guard.real_probe_photos()
    assert len(real) == 10 and all(image.mode == "RGB" and max(image.size) == 320 for image in real)
    generated = int8_guard.generated_probe_photos()
    assert len(generated) == int8_guard.GENERATED_PROBES
    again = int8_guard.generated_probe_photos()
    assert all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(generated, again))
    folder = Path(__file__).resolve().parents[2] / "resources" / "probe_photos"
    assert sum(p.stat().st_size for p in folder.glob("*.jpg")) < 1_000_000
    assert "CC0" in (folder / "README.md").read_text(encoding="utf-8")


def outlier_weights(toy_model_dir: Path, folder: Path, factor: float = 100.0) -> None:
    """The toy model with outlier activations, as real CLIP weights can have them: in every
    image block two LayerNorm output channels are scaled up by ``factor`` and the weights that
    read them scaled down by as much. The network computes the same function in fp32, but
    per-tensor int8 activation scales now spend their range on two channels."""
    from safetensors.torch import load_file, save_file

    weights = {
        name: t.clone()
        for name, t in load_file(str(toy_model_dir / "open_clip_model.safetensors")).items()
    }
    blocks = {
        name.split(".")[3] for name in weights if name.startswith("visual.transformer.resblocks.")
    }
    for block in blocks:
        prefix = f"visual.transformer.resblocks.{block}."
        for norm, reader in (("ln_1", "attn.in_proj_weight"), ("ln_2", "mlp.c_fc.weight")):
            weights[f"{prefix}{norm}.weight"][:2] *= factor
            weights[f"{prefix}{norm}.bias"][:2] *= factor
            weights[f"{prefix}{reader}"][:, :2] /= factor
    save_file(weights, str(folder / "open_clip_model.safetensors"))


def test_a_model_that_fails_the_guard_stays_fp32_and_says_so(
    toy_model_dir: Path,
    onnx_toy: OnnxClipModel,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "model"
    shutil.copytree(toy_model_dir, folder)
    spec = f"local-dir:{folder}"
    before = {info.key for info in builds()}
    same = load_model(spec, device="cpu")  # same weights in another folder: the same build
    assert isinstance(same, OnnxClipModel) and same.info.key == onnx_toy.info.key
    assert {info.key for info in builds()} == before

    outlier_weights(toy_model_dir, folder)
    assert find_build(parse_spec(spec)) is None  # the weights file changed under the spec
    with caplog.at_level(logging.INFO, logger="photosift"):
        model = load_model(spec, device="cpu")
    assert isinstance(model, OnnxClipModel) and model.info.key != onnx_toy.info.key
    photos = int8_guard.real_probe_photos()
    same_function = cosines(model.encode_images(photos), fp32_twin(onnx_toy).encode_images(photos))
    assert same_function.min() >= 0.9999  # in fp32 it is still the toy model
    guard = model.info.guard
    assert guard is not None and not guard.passed
    assert model.precision is Precision.FP32
    assert "image_int8" not in model.info.files
    assert not (build_dir(model.info.key) / "image.int8.onnx").exists()
    assert any("int8 guard FAILED" in r.getMessage() for r in caplog.records)
    assert any(
        r.levelno == logging.WARNING and "int8 is not used" in r.getMessage()
        for r in caplog.records
    )

    assert main(["models"]) == 0
    lines = [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith(f"CPU engine for {spec}")
    ]
    assert len(lines) == 1 and "image tower fp32" in lines[0] and "int8 guard FAILED" in lines[0]


# --- the library records its precision -------------------------------------------------------


def test_library_records_precision_and_refuses_to_mix_after_a_failed_guard(
    onnx_toy: OnnxClipModel, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    generate_photos(photos, 6, size=(120, 90), seed=5)
    with Store(tmp_path / "lib.sqlite3") as store:
        index_library(store, onnx_toy, [photos], workers=1)
        model_id = store.model_by_spec(onnx_toy.spec).id  # type: ignore[union-attr]
        assert store.vector_precisions(model_id) == ["int8"]
        # The same model, had its guard failed (e.g. under another ONNX Runtime): fp32 vectors
        # must not join the int8 ones.
        failed = GuardResult(0.99, 0.9, 0.8, 32, False)
        info = dataclasses.replace(onnx_toy.info, precision=Precision.FP32, guard=failed)
        generate_photos(photos / "more", 2, size=(120, 90), seed=6)
        with pytest.raises(StoreError, match="int8 guard now fails"):
            index_library(store, OnnxClipModel(info, spec=onnx_toy.spec), [photos], workers=1)
        assert store.vector_precisions(model_id) == ["int8"]
        # fp32 vectors from a model whose guard passed may join them.
        index_library(store, fp32_twin(onnx_toy), [photos], workers=1)
        assert store.vector_precisions(model_id) == ["fp32", "int8"]


# --- start-up: no torch once the engine exists ------------------------------------------------

SEARCH_WITHOUT_TORCH = r"""
import json, sys
from photosift.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "heavy": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)


def test_cli_search_on_a_cpu_imports_no_torch_once_the_engine_exists(
    onnx_toy: OnnxClipModel, toy_model_spec: str, tmp_path: Path
) -> None:
    photos = tmp_path / "photos"
    labelled = generate_photos(photos, 12, size=(160, 120), seed=9)
    db = tmp_path / "lib.sqlite3"
    assert (
        main(["index", str(photos), "--db", str(db), "--model", toy_model_spec, "--device", "cpu"])
        == 0
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            SEARCH_WITHOUT_TORCH,
            "search",
            "a red circle",
            "--json",
            "--top",
            "3",
            "--cutoff",
            "off",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    out_lines = result.stdout.strip().splitlines()
    report = json.loads(out_lines[-1])
    assert report == {"code": 0, "heavy": []}, result.stderr
    found = json.loads("\n".join(out_lines[:-1]))["results"]
    assert len(found) == 3
    assert {str(p.path.resolve()) for p in labelled} >= {r["path"] for r in found}


LOAD_WITHOUT_TORCH = r"""
import json, sys
from photosift.core.model.loader import load_model
model = load_model(sys.argv[1])
print(json.dumps({"model": repr(model), "heavy": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)


def test_an_arch_tag_spec_with_a_built_engine_loads_without_open_clip(
    onnx_toy: OnnxClipModel, toy_model_dir: Path
) -> None:
    """Checking an ARCH/TAG name against open_clip's lists would import torch: a spec whose
    build is remembered must not need it. (No real pretrained weights can be downloaded here,
    so the toy model's build is remembered under a catalog-style name.)"""
    from photosift.core.model.engine_cache import remember_build
    from photosift.core.model.spec import ModelSpec

    spec = ModelSpec("pretrained", "ViT-B-32-256", "toy_weights")
    remember_build(
        spec, onnx_toy.info.key, sorted(p for p in toy_model_dir.iterdir() if p.is_file())
    )
    result = subprocess.run(
        [sys.executable, "-c", LOAD_WITHOUT_TORCH, str(spec)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"model": f"OnnxClipModel('{spec}', int8, dim=64)", "heavy": []}
