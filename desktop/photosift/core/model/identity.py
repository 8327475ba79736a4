"""A model folder is known by its content, not its name (issue 16).

New weights copied into the same ``local-dir:`` folder keep the spec string, but vectors from
the old weights are meaningless next to the new ones: the query photo no longer finds itself,
and later indexing would mix two vector spaces under one model id. So a local model's identity
is a SHA-256 over its config and weight files; the library records it and treats a changed
hash as a new model (see ``Store.register_model``).

Hashing 600 MB of weights takes a second or two, so each file's digest is cached (in the
user's cache folder) by path, size and mtime: a folder that did not change costs a few stats.

The folder is also checked here before anything reads it: only regular files are opened (a
FIFO named ``open_clip_config.json`` would hang loading), and the config has a size limit.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
from pathlib import Path

from photosift.core.errors import ModelUnavailableError
from photosift.core.paths import cache_dir

MAX_CONFIG_BYTES = 1024 * 1024
#: Files of a model folder that make up the model (others, like a README, are ignored).
MODEL_SUFFIXES = (".json", ".safetensors", ".bin", ".pt", ".pth", ".txt", ".model")
_CACHE_NAME = "model-hashes.json"
_lock = threading.Lock()


def check_model_folder(folder: Path) -> None:
    """Refuse a model folder whose files are not regular files, or whose config is huge."""
    for path in _model_files(folder):
        try:
            info = os.stat(path)
        except OSError:
            continue  # a dangling link: check_local_dir reports what is missing
        if not stat.S_ISREG(info.st_mode):
            raise ModelUnavailableError(
                f"{path} is not a regular file (a pipe, device or folder); the model cannot be "
                "read from it. Replace it with the real file."
            )
        if path.suffix == ".json" and info.st_size > MAX_CONFIG_BYTES:
            raise ModelUnavailableError(
                f"{path} is {info.st_size:,} bytes, far too large for a model config "
                f"(limit {MAX_CONFIG_BYTES:,}). Replace it with the real file."
            )


def content_hash(folder: Path) -> str:
    """SHA-256 over the names and contents of the model's files (cached per file)."""
    check_model_folder(folder)
    with _lock:
        cache = _load_cache()
        overall = hashlib.sha256()
        changed = False
        for path in _model_files(folder):
            info = path.stat()
            key = str(path.resolve())
            entry = cache.get(key)
            if not (isinstance(entry, list) and entry[:2] == [info.st_size, info.st_mtime_ns]):
                entry = [info.st_size, info.st_mtime_ns, _file_digest(path)]
                cache[key], changed = entry, True
            overall.update(f"{path.name}\0{entry[2]}\n".encode())
        if changed:
            _save_cache(cache)
    return overall.hexdigest()


def _model_files(folder: Path) -> list[Path]:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [
        folder / name
        for name in names
        if not name.startswith(".") and name.lower().endswith(MODEL_SUFFIXES)
    ]


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cache_path() -> Path:
    return cache_dir() / _CACHE_NAME


def _load_cache() -> dict[str, list]:
    try:
        data = json.loads(_cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_cache(cache: dict[str, list]) -> None:
    """Best effort: a cache that cannot be written only costs a re-hash next time."""
    target = _cache_path()
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(json.dumps(cache), encoding="utf-8")
        os.replace(temp, target)
    except OSError:
        temp.unlink(missing_ok=True)
