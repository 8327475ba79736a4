"""`photosift duplicates`: groups of exact copies and near-duplicates, the keeper first.

Nothing is removed unless `--trash` is given; then the files to remove (every photo of a group
but the suggested keeper) are listed first and moved to the system trash only after a "yes"
(or `--yes`, for scripts, which still prints the list). The kept photos are never touched.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from photosift.cli.common import add_db_option, add_json_option, db_path, print_json

if TYPE_CHECKING:
    from photosift.core.library.photo_records import PhotoRecord
    from photosift.core.search.duplicates import DuplicateGroup
    from photosift.service.library import PhotoLibrary

KEEP_WHY = {
    "largest": "largest",
    "original": "same size, biggest file: the original",
    "oldest": "oldest",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "duplicates",
        help="find exact copies and near-duplicates",
        description="List groups of exact copies and near-duplicates (resized, recompressed, "
        "cropped, burst shots), the suggested photo to keep first. Nothing is removed without "
        "--trash, which lists the files and asks before moving them to the system trash.",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        metavar="X",
        help="vector similarity for near-duplicates, 0..1 (default 0.90; higher = stricter)",
    )
    parser.add_argument(
        "--trash",
        action="store_true",
        help="move every photo but the suggested keeper of each group to the system trash",
    )
    parser.add_argument("--yes", action="store_true", help="with --trash: do not ask")
    add_json_option(parser)
    add_db_option(parser)
    parser.set_defaults(func=run_duplicates)


def run_duplicates(args: argparse.Namespace) -> int:
    from photosift.core.errors import QueryError
    from photosift.service.library import PhotoLibrary

    if args.threshold is not None and not 0.0 < args.threshold <= 1.0:
        raise QueryError(f"--threshold needs a similarity between 0 and 1, not {args.threshold}.")
    with PhotoLibrary.open(db_path(args), create=False) as library:
        report = library.find_duplicates(threshold=args.threshold)
        if args.json:
            print_json(
                {"compared": report.compared, "groups": [_group_json(g) for g in report.groups]}
            )
        else:
            _print_groups(report.groups)
        if not args.trash:
            return 0
        return _trash(library, report.groups, assume_yes=args.yes)


def _trash(library: PhotoLibrary, groups: list[DuplicateGroup], *, assume_yes: bool) -> int:
    from photosift.core.paths import display_path

    remove = [photo for group in groups for photo in group.others]
    if not remove:
        print("Nothing to move to the trash.", file=sys.stderr)
        return 0
    print(f"These {len(remove)} files will be moved to the trash:", file=sys.stderr)
    for photo in remove:
        print(f"  {display_path(photo.abspath)}", file=sys.stderr)
    if not assume_yes:
        if not sys.stdin.isatty():
            print(
                "photosift: not confirmed (add --yes to confirm without a prompt)", file=sys.stderr
            )
            return 1
        answer = input(f"Move {len(remove)} files to the trash? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("Nothing was moved.", file=sys.stderr)
            return 1
    keep = [group.keep.id for group in groups]
    done = library.trash_photos([photo.id for photo in remove], keep=keep)
    for path, why in done.failed:
        print(f"photosift: left {display_path(path)}: {why}", file=sys.stderr)
    print(f"Moved {len(done.moved)} files to the trash.", file=sys.stderr)
    return 0 if not done.failed else 1


def _print_groups(groups: list[DuplicateGroup]) -> None:
    if not groups:
        print("No duplicates found.", file=sys.stderr)
    for number, group in enumerate(groups, start=1):
        print(
            f"group {number}: {group.kind.value}, {len(group.photos)} photos, "
            f"similarity {group.similarity:.3f}"
        )
        for photo in group.photos:
            mark = f"keep ({KEEP_WHY[group.keep_reason.value]})" if photo is group.keep else "    "
            print(f"  {mark}\t{_describe(photo)}")


def _describe(photo: PhotoRecord) -> str:
    from photosift.core.paths import display_path

    size = f"{photo.width}x{photo.height}" if photo.width and photo.height else "?x?"
    when = photo.taken_at if photo.taken_at is not None else photo.mtime_ns / 1e9
    day = datetime.fromtimestamp(when).strftime("%Y-%m-%d")
    return f"{size}\t{photo.size / 1e6:.2f} MB\t{day}\t{display_path(photo.abspath)}"


def _group_json(group: DuplicateGroup) -> dict:
    from photosift.core.paths import display_path
    from photosift.service.export import photo_fields

    return {
        "kind": group.kind.value,
        "similarity": round(group.similarity, 4),
        "keep": group.keep.id,
        "keep_reason": group.keep_reason.value,
        "photos": [
            {**photo_fields(p), "folder": display_path(p.abspath.parent)} for p in group.photos
        ],
    }
