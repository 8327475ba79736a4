"""Test setup shared by every test.

- Qt runs offscreen unless the caller chose a platform.
- Every test gets its own data, cache and config folders: nothing touches the real home.
- The toy-world CLIP model is built once (cached under .cache/toyworld, keyed by the hash of
  its generator and trainer) and handed out as a session fixture.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.hub_server import HubServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
# PHOTOSIFT_CORPUS points at the corpus from a checkout that is not next to ../shared (a worktree).
SHARED_CORPUS = Path(os.environ.get("PHOTOSIFT_CORPUS") or REPO_ROOT.parent / "shared" / "corpus")


@pytest.fixture(scope="session", autouse=True)
def shared_engine_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """ONNX engine builds are keyed by a hash of the weights, so tests can share them: each
    model is exported once per session instead of once per test. Set for the whole session
    (not per test) so that module- and session-scoped model fixtures, which are created before
    any test's own folders, build there too."""
    folder = tmp_path_factory.mktemp("engines")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PHOTOSIFT_ENGINE_DIR", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    shared_engine_dir: Path,
) -> Path:
    """Point every PhotoSift folder at a fresh temporary one for this test."""
    base = tmp_path_factory.mktemp("photosift-home")
    for name in ("DATA", "CACHE", "CONFIG"):
        folder = base / name.lower()
        folder.mkdir()
        monkeypatch.setenv(f"PHOTOSIFT_{name}_DIR", str(folder))
    monkeypatch.setenv("PHOTOSIFT_ENGINE_DIR", str(shared_engine_dir))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return base


@pytest.fixture(scope="session")
def toy_model_dir() -> Path:
    """A trained toy-world open_clip model saved as a `local-dir:` folder."""
    from tests.toyworld import build_model

    return build_model()


@pytest.fixture(scope="session")
def toy_model_spec(toy_model_dir: Path) -> str:
    """The spec as the app records it: a local-dir path with symlinks resolved (a worktree's
    .cache may be a link to a shared cache)."""
    return f"local-dir:{toy_model_dir.resolve()}"


@pytest.fixture(scope="session")
def toy_model(toy_model_spec: str):
    """The toy model loaded through the app's own model adapter (CPU)."""
    from photosift.core.model.loader import load_model

    return load_model(toy_model_spec, device="cpu")


@pytest.fixture(scope="session")
def second_model_spec(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A second, different real model (tests/second_model.py) as a `local-dir:` spec."""
    from tests.second_model import write_second_model

    folder = write_second_model(tmp_path_factory.mktemp("second-model") / "second-clip")
    return f"local-dir:{folder.resolve()}"


@pytest.fixture
def corpus_dir() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def text_reader():
    """The real OCR models (rapidocr-onnxruntime), loaded once."""
    pytest.importorskip("rapidocr_onnxruntime")
    from photosift.core.model.ocr import TextReader

    return TextReader()


@pytest.fixture(scope="session")
def text_library(tmp_path_factory: pytest.TempPathFactory, toy_model, text_reader):  # type: ignore[no-untyped-def]
    """Photos with English and Chinese words, indexed with the toy model and read (shared:
    copy the file before changing it). Skips without a CJK font."""
    from tests.textlibrary import build_text_library
    from tests.textphotos import cjk_font

    if cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    return build_text_library(tmp_path_factory.mktemp("text-library"), toy_model, text_reader)


@pytest.fixture(scope="session")
def labelled_library(tmp_path_factory: pytest.TempPathFactory, toy_model):  # type: ignore[no-untyped-def]
    """Just enough photos with words (20) and without (52) to calibrate the CLIP text gate,
    indexed with the toy model, with readings stored (shared: copy the file before changing)."""
    from photosift.core.library.text_gate_calibration import MIN_WITH_TEXT, MIN_WITHOUT_TEXT
    from tests.textlibrary import build_labelled_library

    return build_labelled_library(
        tmp_path_factory.mktemp("labelled-library"), toy_model,
        with_text=MIN_WITH_TEXT, without_text=MIN_WITHOUT_TEXT + 2,
    )  # fmt: skip


@pytest.fixture
def hub(toy_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    """The toy model served in the Hugging Face repo layout (TOY_REPO) from a real HTTP server
    on 127.0.0.1, with the Hub client pointed at it (tests/hub_server.py).

    The download tests are about fetching weights: they run the torch path, since an ONNX build
    the session already made for this spec (tests share one engine folder) would answer
    without them."""
    from tests.hub_server import TOY_REPO, HubServer, point_hub_client_at

    monkeypatch.setenv("PHOTOSIFT_ENGINE", "torch")
    with HubServer({TOY_REPO: toy_model_dir}) as server:
        point_hub_client_at(server.url, monkeypatch)
        yield server
