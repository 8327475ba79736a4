"""Test setup shared by every test.

- Qt runs offscreen unless the caller chose a platform.
- Every test gets its own data, cache and config folders: nothing touches the real home.
- The toy-world CLIP model is built once (cached under .cache/toyworld, keyed by the hash of
  its generator and trainer) and handed out as a session fixture.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = REPO_ROOT.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every PhotoSift folder at a fresh temporary one for this test."""
    base = tmp_path_factory.mktemp("photosift-home")
    for name in ("DATA", "CACHE", "CONFIG"):
        folder = base / name.lower()
        folder.mkdir()
        monkeypatch.setenv(f"PHOTOSIFT_{name}_DIR", str(folder))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return base


@pytest.fixture(scope="session")
def toy_model_dir() -> Path:
    """A trained toy-world open_clip model saved as a `local-dir:` folder."""
    from tests.toyworld import build_model

    return build_model()


@pytest.fixture(scope="session")
def toy_model_spec(toy_model_dir: Path) -> str:
    """The canonical spec, as libraries store it (`.cache` may be a symlink in a git worktree)."""
    return f"local-dir:{toy_model_dir.resolve()}"


@pytest.fixture(scope="session")
def toy_model(toy_model_spec: str):
    """The toy model loaded through the app's own model adapter (CPU)."""
    from photosift.core.model.loader import load_model

    return load_model(toy_model_spec, device="cpu")


@pytest.fixture
def corpus_dir() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return SHARED_CORPUS
