"""`photosift search QUERY` and `photosift similar PHOTO`: one result per line, best first.

The model defaults to the one the library was indexed with, so a plain `photosift search dog`
never compares vectors of two different models; the query grammar is in core/query.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.cli.common import (
    add_db_option,
    add_device_option,
    add_json_option,
    add_model_option,
    db_path,
    print_json,
)

if TYPE_CHECKING:
    from photosift.core.library.filters import Filters
    from photosift.core.model.loader import ClipModel
    from photosift.service.library import Found, PhotoLibrary

QUERY_HELP = (
    "Words are one text term; +TERM adds, -TERM subtracts, N:TERM weighs a term; a path "
    'ending in .jpg/.png/... is an image; #ID is a library photo; "quotes" keep text literal. '
    "Quote the query in the shell: photosift search 'beach +sunset -people' (a query that "
    "starts with '-' needs -- before it)."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    search = subparsers.add_parser(
        "search",
        help="find photos by text, image or a combined query",
        description="Find photos matching a query. " + QUERY_HELP,
    )
    search.add_argument(
        "query", nargs="+", metavar="QUERY", help="the query (quote it in the shell)"
    )
    _add_common(search)
    search.set_defaults(func=run_search)

    similar = subparsers.add_parser(
        "similar",
        help="find photos like a photo",
        description="Find photos like PHOTO: a photo in the library or any image file.",
    )
    similar.add_argument("photo", metavar="PHOTO", help="image file, or #ID of a library photo")
    _add_common(similar)
    similar.set_defaults(func=run_similar)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--top", type=int, default=20, metavar="N", help="at most N results (default 20)"
    )
    parser.add_argument(
        "--cutoff",
        choices=("strict", "normal", "loose", "off"),
        default="normal",
        help="drop results that do not stand out from the library for this query (default normal)",
    )
    parser.add_argument("--folder", type=Path, metavar="P", help="only photos in this folder")
    parser.add_argument(
        "--after", type=_date, metavar="YYYY-MM-DD", help="taken on or after this day"
    )
    parser.add_argument("--before", type=_date, metavar="YYYY-MM-DD", help="taken before this day")
    parser.add_argument("--camera", metavar="C", help="camera make/model contains C")
    parser.add_argument("--tag", metavar="T", help="only photos tagged T")
    parser.add_argument(
        "--type",
        dest="types",
        action="append",
        default=[],
        metavar="EXT",
        help="file type, e.g. jpg (repeat or comma-separate for several)",
    )
    parser.add_argument(
        "--online-only", action="store_true", help="leave out photos on offline drives"
    )
    _add_export_options(parser)
    add_json_option(parser)
    add_db_option(parser)
    add_model_option(parser)
    add_device_option(parser)


def _add_export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--export", type=Path, metavar="DIR", help="also copy the results' files into DIR"
    )
    parser.add_argument(
        "--link", action="store_true", help="with --export: symbolic links instead of copies"
    )
    parser.add_argument(
        "--format",
        choices=("text", "csv", "json"),
        default="text",
        help="how to print the results (json is the same as --json)",
    )


def _date(text: str) -> float:
    try:
        return datetime.strptime(text, "%Y-%m-%d").timestamp()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{text}'") from exc


def filters_from(args: argparse.Namespace) -> Filters:
    from photosift.core.library.filters import Filters

    types = tuple(t.strip() for value in args.types for t in value.split(",") if t.strip())
    return Filters(
        folder=args.folder,
        after=args.after,
        before=args.before,
        camera=args.camera,
        tag=args.tag,
        file_types=types,
        exclude_offline=args.online_only,
    )


@contextmanager
def open_for_query(args: argparse.Namespace) -> Iterator[tuple[PhotoLibrary, ClipModel]]:
    """The library and its model (or --model, refused before loading when it has no vectors)."""
    from photosift.core.library.model_choice import ModelUse
    from photosift.service.library import PhotoLibrary

    with PhotoLibrary.open(db_path(args), create=False) as library:
        yield library, library.load_model(args.model, ModelUse.QUERY, args.device).model


def run_search(args: argparse.Namespace) -> int:
    with open_for_query(args) as (library, model):
        engine = library.search_engine(model)
        results = engine.search(
            " ".join(args.query), top_k=_top(args), cutoff=args.cutoff, filters=filters_from(args)
        )
        return _print(model.spec, library.fill(results), args)


def run_similar(args: argparse.Namespace) -> int:
    from photosift.core.errors import QueryError

    with open_for_query(args) as (library, model):
        engine = library.search_engine(model)
        photo: int | str = args.photo
        if args.photo.startswith("#"):
            if not args.photo[1:].isdigit():
                raise QueryError(f"'{args.photo}' is not a photo id; write it as #123.")
            photo = int(args.photo[1:])
        results = engine.similar(
            photo, top_k=_top(args), cutoff=args.cutoff, filters=filters_from(args)
        )
        return _print(model.spec, library.fill(results), args)


def _export(found: Found, args: argparse.Namespace) -> None:
    from photosift.core.paths import display_path
    from photosift.service.export import ExportMode, export_photos

    mode = ExportMode.LINK if args.link else ExportMode.COPY
    done = export_photos([f.record for f in found.photos], args.export, mode)
    for source, why in done.failed:
        print(f"photosift: not exported {display_path(source)}: {why}", file=sys.stderr)
    verb = "Linked" if args.link else "Copied"
    print(f"{verb} {len(done.written)} files to {display_path(args.export)}.", file=sys.stderr)


def _top(args: argparse.Namespace) -> int:
    from photosift.core.errors import QueryError

    if args.top < 1:
        raise QueryError(f"--top needs a number of at least 1, not {args.top}.")
    return args.top


def _print(model_spec: str, found: Found, args: argparse.Namespace) -> int:
    from photosift.core.paths import display_path

    if getattr(args, "export", None) is not None:
        _export(found, args)
    if getattr(args, "format", "text") == "csv":
        from photosift.service.export import ListFormat, photo_list

        sys.stdout.write(photo_list([f.record for f in found.photos], ListFormat.CSV))
        return 0
    if args.json or getattr(args, "format", "text") == "json":
        print_json(
            {
                "model": model_spec,
                "considered": found.considered,
                "cut": found.cut,
                "results": [
                    {
                        "photo_id": f.record.id,
                        "path": display_path(f.record.abspath),
                        "score": round(f.score, 4),
                        "relevance": round(f.relevance, 2),
                        "offline": f.record.offline,
                    }
                    for f in found.photos
                ],
            }
        )
        return 0
    for f in found.photos:
        print(f"{f.score:.3f}\t{display_path(f.record.abspath)}")
    if not found.photos:
        hint = " (try --cutoff loose or off)" if found.cut else ""
        print(f"No photo matches well enough among {found.considered}{hint}.", file=sys.stderr)
    return 0
