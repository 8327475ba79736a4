"""Where PhotoSift keeps its files, and how file names survive a trip through SQLite.

Folders come from platformdirs so the app behaves like a native citizen on each OS. Tests (and
portable installs) redirect them with PHOTOSIFT_DATA_DIR / PHOTOSIFT_CACHE_DIR /
PHOTOSIFT_CONFIG_DIR so nothing touches the user's real home.
"""

from __future__ import annotations

import os
from pathlib import Path

from photosift import APP_NAME

_SAFE_SURROGATES = range(0xDC80, 0xDD00)


def _dir(env: str, kind: str) -> Path:
    override = os.environ.get(env)
    if override:
        path = Path(override)
    else:
        import platformdirs

        path = Path(getattr(platformdirs, f"user_{kind}_dir")(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Where the library database lives."""
    return _dir("PHOTOSIFT_DATA_DIR", "data")


def cache_dir() -> Path:
    """Disposable files: downloaded model weights, thumbnails."""
    return _dir("PHOTOSIFT_CACHE_DIR", "cache")


def config_dir() -> Path:
    """User settings."""
    return _dir("PHOTOSIFT_CONFIG_DIR", "config")


def model_cache_dir() -> Path:
    """open_clip / Hugging Face weights downloaded for the user."""
    path = cache_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def engine_cache_dir() -> Path:
    """ONNX builds of models for the CPU engine. Each build is keyed by a hash of the model's
    weights and config, so one folder can serve every library (PHOTOSIFT_ENGINE_DIR overrides
    it; the tests share one across tests to export each model once)."""
    override = os.environ.get("PHOTOSIFT_ENGINE_DIR")
    path = Path(override) if override else cache_dir() / "engines"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "library.sqlite3"


def encode_relpath(relpath: str) -> str:
    """Make a file name storable as SQLite TEXT, reversibly.

    On POSIX a file name is bytes; Python hands undecodable bytes over as lone surrogates
    (surrogateescape), which SQLite cannot store. Those become ``%XX`` and a literal ``%``
    becomes ``%25``; every other character is kept, so ordinary names stay readable in the DB.
    """
    out = []
    for ch in relpath:
        code = ord(ch)
        if ch == "%":
            out.append("%25")
        elif code in _SAFE_SURROGATES:
            out.append(f"%{code - 0xDC00:02X}")
        else:
            out.append(ch)
    return "".join(out)


def decode_relpath(stored: str) -> str:
    """Inverse of :func:`encode_relpath`: the name as the OS gave it (surrogateescape str)."""
    if "%" not in stored:
        return stored
    out = []
    i = 0
    while i < len(stored):
        ch = stored[i]
        if ch == "%" and i + 3 <= len(stored):
            value = int(stored[i + 1 : i + 3], 16)
            out.append("%" if value == 0x25 else chr(0xDC00 + value))
            i += 3
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def display_path(path: str | os.PathLike[str]) -> str:
    """A printable version of a path whose name may contain undecodable bytes."""
    return os.fsencode(path).decode("utf-8", errors="replace")
