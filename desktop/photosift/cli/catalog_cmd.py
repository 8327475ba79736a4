"""`photosift add FOLDER` (catalog without a model) and `photosift list` (browse by filters).

Why apart from `index`: a new user should see what the library holds before any model is
downloaded. `add` records every photo (size, capture date, camera, type) in seconds and says
how many are ready for search; `list` prints catalogued photos by date, folder, camera or type,
also without a model. `photosift index` adds the analysis.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.cli.common import add_db_option, add_json_option, db_path, print_json
from photosift.cli.index_cmd import (
    EXIT_CANCELLED,
    ProgressBar,
    add_raw_pairs_option,
    apply_raw_pairs_option,
    ctrl_c_cancels,
    skipped_lines,
)
from photosift.cli.search_cmd import add_filter_options, filters_from

if TYPE_CHECKING:
    from photosift.core.library.catalog import CatalogSummary
    from photosift.core.library.photo_records import PhotoRecord


class ListOrder(str, Enum):
    DATE = "date"  # capture time, else file time, oldest first
    PATH = "path"


def register(subparsers: argparse._SubParsersAction) -> None:
    add = subparsers.add_parser(
        "add",
        help="add folders to the library and catalog their photos (no model needed)",
        description="Add folders and record every photo in them (size, capture date, camera, "
        "type) without a model, so they can be listed and browsed at once. "
        "'photosift index' analyses them for search. With no FOLDER, every folder of the "
        "library is catalogued again.",
    )
    add.add_argument("folders", nargs="*", metavar="FOLDER", type=Path, help="photo folder")
    add_raw_pairs_option(add)
    add_db_option(add)
    add_json_option(add)
    add.set_defaults(func=run_add)

    listing = subparsers.add_parser(
        "list",
        help="list catalogued photos by date, folder, camera or type (no model needed)",
        description="List the library's photos that pass the filters, one per line: "
        "date, camera, size and path.",
    )
    add_filter_options(listing)
    listing.add_argument(
        "--sort",
        choices=[o.value for o in ListOrder],
        default="date",
        help="order of the list (default: date)",
    )
    listing.add_argument(
        "--top", type=int, default=None, metavar="N", help="at most N photos (default: all)"
    )
    add_db_option(listing)
    add_json_option(listing)
    listing.set_defaults(func=run_list)


def run_add(args: argparse.Namespace) -> int:
    from photosift.core.cancel import CancelToken
    from photosift.core.library.folders import resolve_folders
    from photosift.core.library.model_choice import newest_library_spec
    from photosift.service.library import PhotoLibrary

    warnings.filterwarnings("ignore", module=r"PIL\.")  # odd metadata; skips say enough
    if not db_path(args).exists():
        resolve_folders(None, args.folders)  # fail before creating a library for nothing
    with PhotoLibrary.open(db_path(args)) as library:
        folders = resolve_folders(library.store, args.folders)
        apply_raw_pairs_option(library, args)
        token = CancelToken()
        bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
        with ctrl_c_cancels(token):
            summary = library.catalog(folders, progress=bar.update if bar else None, cancel=token)
        if bar:
            bar.clear()
        counts = library.analysis_counts(newest_library_spec(library.store))
    if args.json:
        print_json(
            {
                **summary.to_dict(),
                "ready": counts.ready,
                "total": counts.total,
                "folders": len(folders),
                "db": str(db_path(args)),
            }
        )
    else:
        print(describe_catalog(summary, len(folders), counts.ready, counts.total))
    return EXIT_CANCELLED if summary.cancelled else 0


def describe_catalog(s: CatalogSummary, folders: int, ready: int, total: int) -> str:
    from photosift.core.wording import count_noun, ready_for_search

    head = "Cancelled after cataloguing" if s.cancelled else "Catalogued"
    where = f" in {count_noun(folders, 'folder')}" if folders else ""
    lines = [
        (
            f"{head} {count_noun(s.catalogued, 'new photo')}{where} in {s.seconds:.1f} s: "
            f"{s.unchanged:,} unchanged, {s.moved:,} moved, {s.removed:,} removed."
        )
    ]
    lines += skipped_lines(s.skipped)
    lines += [f"Offline (missing, photos kept): {root}" for root in s.offline_roots]
    lines.append(f"{ready_for_search(ready, total)}.")
    if ready < total:
        lines.append("Run 'photosift index' to analyse the rest for search and tagging.")
    if s.cancelled:
        lines.append("Run the same command again to continue where it stopped.")
    return "\n".join(lines)


def run_list(args: argparse.Namespace) -> int:
    from photosift.core.errors import QueryError
    from photosift.core.paths import display_path
    from photosift.service.library import PhotoLibrary

    if args.top is not None and args.top < 1:
        raise QueryError(f"--top needs a number of at least 1, not {args.top}.")
    with PhotoLibrary.open(db_path(args), create=False) as library:
        records = library.browse(filters_from(args))
        records.sort(key=_date_key if args.sort == ListOrder.DATE.value else _path_key)
        records = records[: args.top]
        raw_files = library.raw_companions(records) if args.json else {}
    if args.json:
        raws = {i: display_path(r.abspath) for i, r in raw_files.items()}
        print_json([_json_row(r, display_path(r.abspath), raws.get(r.id)) for r in records])
        return 0
    for record in records:
        size = f"{record.width}x{record.height}" if record.width else "?"
        camera = record.camera or "-"
        print(f"{_when(record)}\t{camera}\t{size}\t{display_path(record.abspath)}")
    if not records:
        print("No photo in the library passes these filters.", file=sys.stderr)
    return 0


def _date_key(record: PhotoRecord) -> tuple[float, str]:
    return (_timestamp(record), str(record.abspath))


def _path_key(record: PhotoRecord) -> str:
    return str(record.abspath)


def _timestamp(record: PhotoRecord) -> float:
    """Capture time, else the file's modification time (as the date filters use)."""
    return record.taken_at if record.taken_at is not None else record.mtime_ns / 1e9


def _when(record: PhotoRecord) -> str:
    return datetime.fromtimestamp(_timestamp(record)).strftime("%Y-%m-%d %H:%M")


def _json_row(record: PhotoRecord, path: str, raw: str | None = None) -> dict:
    """`raw`: the RAW file of a RAW+JPEG pair this JPEG stands for (None: no such pair)."""
    return {
        "photo_id": record.id, "path": path, "taken": _when(record),
        "camera": record.camera, "width": record.width, "height": record.height,
        "type": record.file_type, "offline": record.offline, "raw": raw,
    }  # fmt: skip
