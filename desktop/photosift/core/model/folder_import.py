"""Import a model folder: copy it into the model cache and use the copy.

Why: a library remembers its model by spec, and ``local-dir:/media/usb/clip`` stops working the
day the stick is unplugged or the folder is tidied away. A copy under
``<model cache>/imported/NAME-HASH`` belongs to PhotoSift. The hash is of the copied content,
so importing the same model twice keeps one copy (and one spec), and a different model with the
same folder name gets its own. The copy is written to a hidden staging folder and renamed into
place only when complete: a cancelled or failed copy leaves no half model behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from pathlib import Path

from photosift.core.cancel import CancelToken
from photosift.core.errors import ModelUnavailableError
from photosift.core.model.fetch import check_local_dir
from photosift.core.model.transfer import (
    ProgressCallback,
    TransferCancelled,
    TransferMeter,
    format_bytes,
)
from photosift.core.paths import model_cache_dir

__all__ = [
    "LARGE_FOLDER_BYTES",
    "folder_size",
    "import_model_folder",
    "imported_models_dir",
    "is_imported",
]

#: Above this the GUI asks before copying (the default model is ~600 MB; the toy model 14 MB).
LARGE_FOLDER_BYTES = 100_000_000
_CHUNK = 1024 * 1024


def imported_models_dir() -> Path:
    path = model_cache_dir() / "imported"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _files(folder: Path) -> list[Path]:
    """Every file in `folder` (symlinks followed: a Hub snapshot folder holds links to blobs)."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in _files(folder))


def is_imported(folder: Path) -> bool:
    """Whether `folder` already is a copy in the model cache (importing it again is pointless)."""
    return folder.resolve().parent == imported_models_dir().resolve()


def import_model_folder(
    folder: Path, *, progress: ProgressCallback | None = None, cancel: CancelToken | None = None
) -> Path:
    """Copy the open_clip model folder `folder` into the model cache; returns the copy's path.

    ModelUnavailableError when `folder` is not a model folder, the copy fails (nothing is
    kept) or `cancel` is cancelled.
    """
    folder = folder.expanduser().resolve()
    check_local_dir(folder)
    if is_imported(folder):
        return folder
    files = _files(folder)
    meter = TransferMeter(sum(p.stat().st_size for p in files), progress=progress, cancel=cancel)
    staging = imported_models_dir() / f".{uuid.uuid4().hex}.partial"
    digest = hashlib.sha256()
    try:
        for source in files:
            relative = source.relative_to(folder).as_posix()
            digest.update(relative.encode("utf-8", "surrogateescape") + b"\0")
            _copy(source, staging / relative, meter, digest)
        meter.report(force=True)
        target = imported_models_dir() / f"{_safe_name(folder.name)}-{digest.hexdigest()[:12]}"
        if target.is_dir():  # this very model was imported before
            shutil.rmtree(staging)
        else:
            os.replace(staging, target)
        return target
    except TransferCancelled:
        shutil.rmtree(staging, ignore_errors=True)
        raise ModelUnavailableError(
            f"Copying the model folder {folder} was cancelled; nothing was kept."
        ) from None
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ModelUnavailableError(
            f"The model folder {folder} could not be copied into {imported_models_dir()} ({exc}); "
            f"it needs {format_bytes(meter.total_bytes)} of free space there."
        ) from exc


def _copy(source: Path, target: Path, meter: TransferMeter, digest: hashlib._Hash) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    meter.start_file(source.name)
    with source.open("rb") as reader, target.open("wb") as writer:
        for block in iter(lambda: reader.read(_CHUNK), b""):
            meter.add(len(block))
            digest.update(block)
            writer.write(block)
    meter.end_file()
    shutil.copystat(source, target)


def _safe_name(name: str) -> str:
    """A folder name that is fine on every file system (and still recognisable)."""
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "model"
