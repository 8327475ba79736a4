"""Copying, linking and listing a set of photos: what "export" means for CLI and GUI alike.

Why here: the CLI's `search --export` and the GUI's "Export to Folder…" must name clashing
files the same way and never touch the originals. Files are copied (metadata kept) or
symlinked into one folder; a name already taken there gets " (2)", " (3)"... before its
extension, so nothing is ever overwritten. The work checks a CancelToken between files and
reports progress, so the GUI can run it on a lane.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.core.paths import display_path

if TYPE_CHECKING:
    from photosift.core.cancel import CancelToken
    from photosift.core.library.photo_records import PhotoRecord


class ExportMode(Enum):
    COPY = "copy"
    LINK = "link"  # symbolic links to the originals


class ListFormat(Enum):
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True)
class ExportSummary:
    written: list[Path]  # in the target folder
    failed: list[tuple[Path, str]]  # source, reason
    cancelled: bool


def export_photos(
    photos: Sequence[PhotoRecord],
    folder: Path,
    mode: ExportMode = ExportMode.COPY,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
) -> ExportSummary:
    """Copy or link the photos' files into `folder` (created), never overwriting a file."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    failed: list[tuple[Path, str]] = []
    for done, photo in enumerate(photos):
        if cancel is not None and cancel.cancelled:
            return ExportSummary(written, failed, cancelled=True)
        source = photo.abspath
        try:
            target = _free_name(folder, source.name)
            if mode is ExportMode.LINK:
                os.symlink(source, target)
            else:
                shutil.copy2(source, target)
            written.append(target)
        except OSError as exc:
            failed.append((source, exc.strerror or str(exc)))
        if progress is not None:
            progress(done + 1, len(photos))
    return ExportSummary(written, failed, cancelled=False)


def _free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `name (2).ext`, `name (3).ext`... : the first that does not exist."""
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 2
    while candidate.exists() or candidate.is_symlink():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def photo_fields(photo: PhotoRecord) -> dict[str, object]:
    """A photo as plain JSON/CSV values: the columns of lists and of `--json` outputs."""
    return {
        "photo_id": photo.id,
        "path": display_path(photo.abspath),
        "width": photo.width,
        "height": photo.height,
        "size": photo.size,
        "taken_at": photo.taken_at,
        "camera": photo.camera,
        "file_type": photo.file_type,
    }


def photo_list(photos: Sequence[PhotoRecord], fmt: ListFormat) -> str:
    """The photos as CSV (a header row, then one row per photo) or a JSON array."""
    rows = [photo_fields(p) for p in photos]
    if fmt is ListFormat.JSON:
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["photo_id", "path"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
