"""Copying, linking and listing a set of photos: what "export" means for CLI and GUI alike.

Why here: the CLI's `search --export` and the GUI's "Export to Folder…" must name clashing
files the same way and never touch the originals. Files are copied (metadata kept) or
symlinked into one folder; a name already taken there gets " (2)", " (3)"... before its
extension, so nothing is ever overwritten. The work checks a CancelToken between files and
reports progress, so the GUI can run it on a lane.

A JPEG (or HEIF) that stands for a joined RAW+JPEG pair is the photo the user sees, but a
photographer exporting it expects the RAW too: its RAW companion (`companions`, found by
`PhotoLibrary.export`, on by default) goes along, numbered with its JPEG so the two still pair
in the target folder (IMG_1 (2).JPG beside IMG_1 (2).CR2). A RAW that is gone is reported as
not exported, like any file that cannot be read; it never stops the export.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
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
    written: list[Path]  # in the target folder: the photos' files and their RAW companions
    failed: list[tuple[Path, str]]  # source, reason
    cancelled: bool
    raws: int = 0  # of `written`, the RAW files that came along with their JPEG


def export_photos(
    photos: Sequence[PhotoRecord],
    folder: Path,
    mode: ExportMode = ExportMode.COPY,
    *,
    companions: Mapping[int, PhotoRecord] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: CancelToken | None = None,
) -> ExportSummary:
    """Copy or link the photos' files into `folder` (created), never overwriting a file.

    `companions` are files to export beside a photo, by its id (a JPEG's RAW); one that is
    also among `photos`, or already exported with another photo, is not written twice.
    Progress counts photos, a photo with its companion being one step."""
    folder.mkdir(parents=True, exist_ok=True)
    companions = companions or {}
    exported = {p.id for p in photos}
    written: list[Path] = []
    failed: list[tuple[Path, str]] = []
    raws = 0
    for done, photo in enumerate(photos):
        if cancel is not None and cancel.cancelled:
            return ExportSummary(written, failed, cancelled=True, raws=raws)
        companion = companions.get(photo.id)
        if companion is not None and companion.id in exported:
            companion = None  # exported by itself, or with an earlier photo
        sources = [photo.abspath] if companion is None else [photo.abspath, companion.abspath]
        if companion is not None:
            exported.add(companion.id)
        targets = _free_names(folder, sources)
        for source, target in zip(sources, targets, strict=True):
            try:
                _put(source, target, mode)
            except OSError as exc:
                failed.append((source, exc.strerror or str(exc)))
                continue
            written.append(target)
            if target is not targets[0]:  # the companion
                raws += 1
        if progress is not None:
            progress(done + 1, len(photos))
    return ExportSummary(written, failed, cancelled=False, raws=raws)


def _put(source: Path, target: Path, mode: ExportMode) -> None:
    """Copy (metadata kept) or link `source` at `target`; a missing source fails either way
    (a symbolic link to it would dangle)."""
    if mode is ExportMode.LINK:
        if not source.exists():
            raise FileNotFoundError(2, "No such file or directory", str(source))
        os.symlink(source, target)
    else:
        shutil.copy2(source, target)


def _free_names(folder: Path, sources: Sequence[Path]) -> list[Path]:
    """`folder/name` for each source's name, or all of them as `name (2).ext`, `name (3).ext`...:
    the first number free for every one, so a JPEG and its RAW keep one name."""
    names = [s.name for s in sources]
    candidates = [folder / n for n in names]
    number = 2
    while any(c.exists() or c.is_symlink() for c in candidates):
        candidates = [folder / f"{Path(n).stem} ({number}){Path(n).suffix}" for n in names]
        number += 1
    return candidates


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
