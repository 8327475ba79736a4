"""The open_clip adapter: spec parsing, safe/offline loading, preprocessing and embeddings.

Most tests use a tiny random-weight model written in open_clip's local-dir format by the test
itself (fast, no training); a few use the trained toy-world model from the shared fixture.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from photosift.cli.remedies import cli_remedy
from photosift.core.errors import ModelUnavailableError
from photosift.core.model.catalog import CATALOG, DEFAULT_MODEL_SPEC
from photosift.core.model.devices import DeviceUnavailableError, available_devices, choose_device
from photosift.core.model.fetch import is_cached
from photosift.core.model.loader import load_model, random_model
from photosift.core.model.precision import Engine
from photosift.core.model.spec import InvalidModelSpecError, ModelSpec, parse_spec
from photosift.core.paths import model_cache_dir

TINY_MODEL_CFG = {
    "embed_dim": 24,
    "vision_cfg": {"image_size": 32, "layers": 1, "width": 32, "patch_size": 8, "head_width": 16},
    "text_cfg": {"context_length": 12, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}
# SigLIP-style normalisation, unlike open_clip's default: proves the cfg comes from the folder.
TINY_PREPROCESS_CFG = {
    "size": [32, 32],
    "mode": "RGB",
    "mean": [0.5, 0.5, 0.5],
    "std": [0.5, 0.5, 0.5],
    "interpolation": "bicubic",
    "resize_mode": "shortest",
    "fill_color": 0,
}
COMMIT = "0123456789abcdef0123456789abcdef01234567"
UNREACHABLE_HUB = "https://hub.photosift.invalid"  # .invalid never resolves (RFC 2606)


def write_tiny_model(folder: Path) -> Path:
    """A real open_clip CLIP with random weights, saved the way open_clip loads local-dir."""
    import open_clip
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(1)
    model = open_clip.CLIP(**TINY_MODEL_CFG)
    save_file(
        {k: v.contiguous() for k, v in model.state_dict().items()},
        str(folder / "open_clip_model.safetensors"),
    )
    config = {"model_cfg": TINY_MODEL_CFG, "preprocess_cfg": TINY_PREPROCESS_CFG}
    (folder / "open_clip_config.json").write_text(json.dumps(config), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_model(tmp_path_factory.mktemp("tiny") / "tiny-clip")


@pytest.fixture(scope="module")
def tiny(tiny_dir: Path):
    """The torch adapter (the ONNX engine has its own tests in test_onnx_engine.py)."""
    return load_model(f"local-dir:{tiny_dir}", device="cpu", engine=Engine.TORCH)


def fake_hub_cache(repo: str, files: dict[str, Path | bytes]) -> Path:
    """Lay files out exactly as the Hugging Face client caches a download."""
    repo_dir = model_cache_dir() / f"models--{repo.replace('/', '--')}"
    snapshot = repo_dir / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    (repo_dir / "refs").mkdir()
    (repo_dir / "refs" / "main").write_text(COMMIT)
    for name, content in files.items():
        data = content.read_bytes() if isinstance(content, Path) else content
        (snapshot / name).write_bytes(data)
    return snapshot


@pytest.fixture
def online_but_unreachable(monkeypatch: pytest.MonkeyPatch) -> str:
    """Downloads allowed, but the Hub lives at an address that can never resolve."""
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "ENDPOINT", UNREACHABLE_HUB)
    return "hub.photosift.invalid"


@pytest.fixture
def local_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Downloads allowed, from a Hub on 127.0.0.1 that answers 404 and records each request."""
    from huggingface_hub import constants

    requests: list[str] = []

    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_GET = do_HEAD

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.HTTPServer(("127.0.0.1", 0), NotFound)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    for name in (
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    template = constants.HUGGINGFACE_CO_URL_TEMPLATE.replace(constants.ENDPOINT, endpoint)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", template)
    monkeypatch.setattr(constants, "ENDPOINT", endpoint)
    try:
        yield requests
    finally:
        server.shutdown()
        server.server_close()


def test_importing_models_does_not_import_torch() -> None:
    code = (
        "import sys, photosift.core.model.loader, photosift.core.model.catalog, photosift.core.model.devices, "
        "photosift.cli.models_cmd\n"
        "print(sorted(m for m in ('torch', 'open_clip', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --- spec parsing -------------------------------------------------------------------------


def test_parse_pretrained_spec_is_canonicalised() -> None:
    spec = parse_spec("  vit-b-32-256/DataComp-s34b-b86k ")
    assert spec == ModelSpec("pretrained", "ViT-B-32-256", "datacomp_s34b_b86k")
    assert str(spec) == DEFAULT_MODEL_SPEC
    assert spec.open_clip_name == "ViT-B-32-256"
    assert parse_spec(str(spec)) == spec


def test_parse_hf_hub_spec() -> None:
    spec = parse_spec("hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K")
    assert spec == ModelSpec("hf-hub", "laion/CLIP-ViT-B-32-laion2B-s34B-b79K")
    assert str(spec) == spec.open_clip_name == "hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K"


def test_parse_local_dir_resolves_home_and_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert parse_spec("local-dir:~/models/tiny") == ModelSpec(
        "local-dir", str(tmp_path / "models" / "tiny")
    )
    monkeypatch.chdir(tmp_path)
    spec = parse_spec("local-dir:./here/../tiny")
    assert str(spec) == f"local-dir:{tmp_path / 'tiny'}"
    assert parse_spec(str(spec)) == spec


def test_parse_random_spec() -> None:
    assert str(parse_spec("random:vit-b-32-256")) == "random:ViT-B-32-256"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "not a model spec"),
        ("hf-hub:", "nothing after 'hf-hub:'"),
        ("hf-hub:just-a-name", "hf-hub:ORG/REPO"),
        ("local-dir:", "nothing after 'local-dir:'"),
        ("ViT-B-32/laion2b/extra", "not a model spec"),
        ("s3:bucket/model", "not a model spec"),
    ],
)
def test_malformed_specs_are_rejected(text: str, expected: str) -> None:
    with pytest.raises(InvalidModelSpecError, match=expected.replace("(", r"\(")):
        parse_spec(text, check=False)


def test_unknown_architecture_lists_close_matches() -> None:
    with pytest.raises(InvalidModelSpecError) as err:
        parse_spec("ViT-B-33/laion2b_s34b_b79k")
    message = str(err.value)
    assert "'ViT-B-33'" in message
    assert "ViT-B-32" in message


def test_unknown_tag_lists_the_available_ones() -> None:
    with pytest.raises(InvalidModelSpecError) as err:
        parse_spec("ViT-B-32-256/datacomp")
    assert "datacomp_s34b_b86k" in str(err.value)


def test_architecture_without_weights_says_how_to_complete_it() -> None:
    with pytest.raises(InvalidModelSpecError, match="ViT-B-32-256/TAG"):
        parse_spec("ViT-B-32-256")


def test_a_bare_hub_repo_suggests_the_hf_hub_prefix() -> None:
    with pytest.raises(InvalidModelSpecError, match="hf-hub:someorg/SomeRepo"):
        parse_spec("someorg/SomeRepo")


def test_catalog_names_exist_in_open_clip() -> None:
    import open_clip

    pretrained = set(open_clip.list_pretrained())
    assert any(entry.spec == DEFAULT_MODEL_SPEC for entry in CATALOG)
    for entry in CATALOG:
        spec = parse_spec(entry.spec)
        assert str(spec) == entry.spec
        assert (spec.name, spec.tag) in pretrained
        assert (
            open_clip.get_pretrained_cfg(spec.name, spec.tag)["hf_hub"].rstrip("/") == entry.hf_repo
        )
        assert open_clip.get_model_config(spec.name)["embed_dim"] == entry.dim


# --- loading a local-dir model --------------------------------------------------------------


def test_local_dir_model_loads_with_its_own_preprocessing(tiny, tiny_dir: Path) -> None:
    assert tiny.spec == f"local-dir:{tiny_dir.resolve()}"
    assert tiny.device == "cpu"
    assert tiny.dim == 24
    assert tiny.preprocess_cfg == TINY_PREPROCESS_CFG
    json.dumps(tiny.preprocess_cfg)  # stored with the index
    assert tiny.input_size == 32
    assert is_cached(tiny.spec)


def test_embeddings_are_unit_length_float32(tiny) -> None:
    images = [Image.new("RGB", (40 + 7 * i, 30), (30 * i, 200, 90)) for i in range(3)]
    vectors = tiny.encode_images(images)
    texts = tiny.encode_texts(["a red square", "a blue circle"])
    for array, rows in ((vectors, 3), (texts, 2)):
        assert array.dtype == np.float32
        assert array.shape == (rows, 24)
        np.testing.assert_allclose(np.linalg.norm(array, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(texts[0], texts[1])


def test_batches_give_the_same_vectors_as_one_call(tiny) -> None:
    images = [Image.new("RGB", (48, 36), (i * 40, 255 - i * 40, 128)) for i in range(5)]
    whole = tiny.encode_images(images)
    split = tiny.encode_images(images, batch_size=2)
    by_hand = tiny.encode_prepared([tiny.preprocess(image) for image in images])
    np.testing.assert_allclose(whole, split, atol=1e-5)
    np.testing.assert_allclose(whole, by_hand, atol=1e-5)
    texts = [f"photo number {i}" for i in range(5)]
    np.testing.assert_allclose(
        tiny.encode_texts(texts), tiny.encode_texts(texts, batch_size=2), atol=1e-5
    )


def test_empty_inputs_give_empty_arrays(tiny) -> None:
    for array in (tiny.encode_texts([]), tiny.encode_images([])):
        assert array.shape == (0, 24)
        assert array.dtype == np.float32


def test_too_long_text_is_truncated_not_rejected(tiny) -> None:
    # The tiny model's context is 12 tokens: both texts share their first 10 words, so after
    # truncation they are the same token sequence and must embed identically.
    long_text = " ".join(["sunset"] * 200)
    vectors = tiny.encode_texts([long_text, long_text + " with a dog", "sunset"])
    assert vectors.shape == (3, 24)
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)
    assert not np.allclose(vectors[0], vectors[2], atol=1e-3)


def test_preprocess_crops_the_centre_instead_of_squashing(tiny) -> None:
    image = Image.new("RGB", (200, 100), (0, 255, 0))
    image.paste((255, 0, 0), (0, 0, 50, 100))  # left quarter red
    image.paste((0, 0, 255), (150, 0, 200, 100))  # right quarter blue
    tensor = tiny.preprocess(image)
    assert tuple(tensor.shape) == (3, 32, 32)
    assert str(tensor.dtype) == "torch.float32"
    pixels = (tensor * 0.5 + 0.5).clamp(0, 1)  # undo the folder's mean/std of 0.5
    mean_rgb = pixels.mean(dim=(1, 2)).tolist()
    assert mean_rgb[1] > 0.95, mean_rgb
    assert mean_rgb[0] < 0.05 and mean_rgb[2] < 0.05, mean_rgb
    edges = pixels[:, :, [0, -1]].mean(dim=(1, 2)).tolist()  # a squash would put red/blue here
    assert edges[1] > 0.9 and edges[0] < 0.1 and edges[2] < 0.1, edges


def test_preprocess_runs_in_threads(tiny) -> None:
    from concurrent.futures import ThreadPoolExecutor

    images = [Image.new("RGB", (64 + i, 48), (i * 20, 100, 200)) for i in range(12)]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(tiny.preprocess, images))
    for image, tensor in zip(images, threaded):
        assert bool((tiny.preprocess(image) == tensor).all())


# --- errors while loading --------------------------------------------------------------------


def test_missing_weights_while_offline_explain_the_way_out() -> None:
    cache = model_cache_dir()
    with pytest.raises(ModelUnavailableError) as err:
        load_model("ViT-B-32/laion2b_s34b_b79k", device="cpu")
    message = str(err.value)
    assert "'ViT-B-32/laion2b_s34b_b79k'" in message
    assert str(cache) in message
    assert "offline" in message
    assert "model folder you already have" in message
    assert "--model local-dir:" in cli_remedy(err.value)  # the CLI words the way out
    assert "open_clip_config.json" in message and "open_clip_model.safetensors" in message
    assert "Traceback" not in message and "\n" not in message
    assert list(cache.iterdir()) == []  # nothing half-downloaded


def test_missing_weights_without_network_fail_fast_with_offline_message(
    online_but_unreachable: str,
) -> None:
    with pytest.raises(ModelUnavailableError) as err:
        load_model(DEFAULT_MODEL_SPEC, device="cpu")
    message = str(err.value)
    assert "appears to be offline" in message
    assert online_but_unreachable in message
    assert "605 MB" in message  # the catalog's download size
    assert "model folder you already have" in message
    assert "--model local-dir:" in cli_remedy(err.value)  # the CLI words the way out


def test_a_failed_download_reports_the_short_reason(local_hub: list[str]) -> None:
    with pytest.raises(ModelUnavailableError) as err:
        load_model("ViT-B-32/laion2b_s34b_b79k", device="cpu")
    message = str(err.value)
    assert message.startswith("Downloading the model 'ViT-B-32/laion2b_s34b_b79k' failed: ")
    assert "404" in message
    assert "model folder you already have" in message
    assert "--model local-dir:" in cli_remedy(err.value)  # the CLI words the way out
    assert any("laion/CLIP-ViT-B-32-laion2B-s34B-b79K" in path for path in local_hub)


def test_a_cached_hub_model_loads_without_touching_the_network(
    tiny_dir: Path, local_hub: list[str]
) -> None:
    fake_hub_cache(
        "someorg/tiny-clip",
        {
            "open_clip_config.json": tiny_dir / "open_clip_config.json",
            "open_clip_model.safetensors": tiny_dir / "open_clip_model.safetensors",
        },
    )
    assert is_cached("hf-hub:someorg/tiny-clip")
    model = load_model("hf-hub:someorg/tiny-clip", device="cpu")
    assert model.spec == "hf-hub:someorg/tiny-clip"
    assert model.dim == 24
    assert model.preprocess_cfg == TINY_PREPROCESS_CFG
    assert local_hub == []


def test_a_broken_cached_model_is_reported_then_fetched_again_when_online(
    tiny_dir: Path, request: pytest.FixtureRequest
) -> None:
    fake_hub_cache(
        "someorg/broken-clip",
        {
            "open_clip_config.json": tiny_dir / "open_clip_config.json",
            "open_clip_model.safetensors": b"not really safetensors",
        },
    )
    with pytest.raises(ModelUnavailableError) as offline:
        load_model("hf-hub:someorg/broken-clip", device="cpu")
    assert str(offline.value).startswith(
        f"The model 'hf-hub:someorg/broken-clip' could not be loaded from the model cache ({model_cache_dir()}): "
    )
    hub_requests = request.getfixturevalue("local_hub")  # now downloads are allowed
    with pytest.raises(
        ModelUnavailableError, match="^Downloading the model 'hf-hub:someorg/broken-clip' failed"
    ):
        load_model("hf-hub:someorg/broken-clip", device="cpu")
    assert any("someorg/broken-clip" in path for path in hub_requests)


def test_a_local_dir_must_exist_and_hold_config_and_weights(tmp_path: Path, tiny_dir: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="does not exist"):
        load_model(f"local-dir:{tmp_path / 'nowhere'}", device="cpu")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelUnavailableError, match="has no open_clip_config.json"):
        load_model(f"local-dir:{empty}", device="cpu")
    (empty / "open_clip_config.json").write_text((tiny_dir / "open_clip_config.json").read_text())
    with pytest.raises(ModelUnavailableError, match="has no weights file"):
        load_model(f"local-dir:{empty}", device="cpu")
    assert not is_cached(f"local-dir:{empty}")


def test_weights_that_do_not_fit_the_config_are_a_clear_error(
    tmp_path: Path, tiny_dir: Path
) -> None:
    folder = tmp_path / "mismatch"
    folder.mkdir()
    config = {
        "model_cfg": {**TINY_MODEL_CFG, "embed_dim": 16},
        "preprocess_cfg": TINY_PREPROCESS_CFG,
    }
    (folder / "open_clip_config.json").write_text(json.dumps(config))
    (folder / "open_clip_model.safetensors").write_bytes(
        (tiny_dir / "open_clip_model.safetensors").read_bytes()
    )
    with pytest.raises(
        ModelUnavailableError, match=f"The model folder {folder} could not be loaded"
    ):
        load_model(f"local-dir:{folder}", device="cpu")


def test_hugging_face_text_towers_need_transformers(monkeypatch: pytest.MonkeyPatch) -> None:
    """transformers is an optional extra: without it the multilingual model says what to install.
    A None entry in sys.modules is how Python itself marks a module as not importable."""
    pytest.importorskip("open_clip")
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(
        ModelUnavailableError, match=r"pip install transformers.*photosift\[multilingual\]"
    ):
        load_model("xlm-roberta-base-ViT-B-32/laion5b_s13b_b90k", device="cpu")


# --- devices and random models ---------------------------------------------------------------


def test_choose_device() -> None:
    assert choose_device("cpu") == "cpu"
    assert choose_device("CPU") == "cpu"
    assert choose_device("auto") == available_devices()[0]
    with pytest.raises(DeviceUnavailableError, match="Unknown device 'tpu'"):
        choose_device("tpu")


def test_asking_for_a_missing_gpu_is_a_clear_error() -> None:
    missing = [name for name in ("cuda", "mps") if name not in available_devices()]
    if not missing:
        pytest.skip("this computer has both CUDA and MPS")
    with pytest.raises(DeviceUnavailableError, match="--device auto or --device cpu"):
        choose_device(missing[0])


@pytest.mark.slow
def test_random_model_is_reproducible() -> None:
    first = random_model("ViT-B-32-256", device="cpu")
    assert first.spec == "random:ViT-B-32-256"
    assert first.dim == 512
    assert first.input_size == 256
    assert first.preprocess_cfg["mean"] == pytest.approx([0.48145466, 0.4578275, 0.40821073])
    again = load_model("random:ViT-B-32-256", device="cpu")
    image = Image.new("RGB", (300, 260), (120, 60, 200))
    np.testing.assert_allclose(
        first.encode_images([image]), again.encode_images([image]), atol=1e-5
    )


# --- the trained toy-world model --------------------------------------------------------------


def test_toy_model_loads_with_the_config_of_its_folder(toy_model, toy_model_dir: Path) -> None:
    config = json.loads((toy_model_dir / "open_clip_config.json").read_text())
    assert toy_model.spec == f"local-dir:{toy_model_dir.resolve()}"
    assert toy_model.dim == config["model_cfg"]["embed_dim"]
    for key, value in config["preprocess_cfg"].items():
        expected = list(value) if isinstance(value, (list, tuple)) else value
        if key == "size" and isinstance(value, int):
            expected = [value, value]
        assert toy_model.preprocess_cfg[key] == expected, key
    vectors = toy_model.encode_texts(["a red circle", " ".join(["blue"] * 500)])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_toy_model_tells_colours_apart_through_the_adapter(toy_model) -> None:
    """A wrong preprocess (size, crop or normalisation) would wreck this, unlike unit checks."""
    from tests.toyworld import COLORS, SHAPES, render

    rng = np.random.default_rng(7)
    combos = [(shape, color) for shape in SHAPES for color in COLORS]
    photos = [render(shape, color, size=(320, 240), rng=rng) for shape, color in combos]
    prompts = toy_model.encode_texts([f"a photo of something {color}" for color in COLORS])
    best = (toy_model.encode_images(photos) @ prompts.T).argmax(axis=1)
    truth = np.array([COLORS.index(color) for _, color in combos])
    assert float(np.mean(best == truth)) >= 0.9  # chance is 1/6
