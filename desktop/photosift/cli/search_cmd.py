"""`photosift search QUERY` and `photosift similar PHOTO`: one result per line, best first.

The model defaults to the one the library was indexed with, so a plain `photosift search dog`
never compares vectors of two different models; the query grammar is in core/query.py.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.cli.common import (
    add_db_option,
    add_device_option,
    add_json_option,
    add_model_option,
    db_path,
    load_model_reporting,
    print_json,
)

if TYPE_CHECKING:
    from photosift.core.search.engine import Filters, SearchEngine, SearchResults

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
    add_json_option(parser)
    add_db_option(parser)
    add_model_option(parser)
    add_device_option(parser)


def _date(text: str) -> float:
    try:
        return datetime.strptime(text, "%Y-%m-%d").timestamp()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{text}'") from exc


def filters_from(args: argparse.Namespace) -> Filters:
    from photosift.core.search.engine import Filters

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


def open_engine(args: argparse.Namespace) -> SearchEngine:
    """Load the library's model (or --model) and its vectors; mismatches are refused."""
    from photosift.core.search.engine import SearchEngine

    engine = SearchEngine(db_path(args), load_model_reporting(choose_spec(args), args.device))
    engine.load()
    return engine


def choose_spec(args: argparse.Namespace) -> str:
    """--model, else the library's model; a --model the library has no vectors for is refused
    before it is loaded (loading may mean a download)."""
    from photosift.core.errors import ModelMismatchError
    from photosift.core.model.loader import parse_spec
    from photosift.core.search.engine import library_model_spec, mismatch_message, newest_library_spec
    from photosift.core.library.store import Store

    with Store(db_path(args), create=False) as store:
        if args.model is None:
            return library_model_spec(store)
        spec = str(parse_spec(args.model))
        if spec in store.library_model_specs():
            return spec
        library_spec = newest_library_spec(store)
        if library_spec is None:
            return library_model_spec(store)  # raises: nothing is indexed yet
        raise ModelMismatchError(mismatch_message(library_spec, spec))


def run_search(args: argparse.Namespace) -> int:
    engine = open_engine(args)
    results = engine.search(
        " ".join(args.query), top_k=_top(args), cutoff=args.cutoff, filters=filters_from(args)
    )
    return _print(engine, results, args)


def run_similar(args: argparse.Namespace) -> int:
    from photosift.core.errors import QueryError

    engine = open_engine(args)
    photo: int | str = args.photo
    if args.photo.startswith("#"):
        if not args.photo[1:].isdigit():
            raise QueryError(f"'{args.photo}' is not a photo id; write it as #123.")
        photo = int(args.photo[1:])
    results = engine.similar(
        photo, top_k=_top(args), cutoff=args.cutoff, filters=filters_from(args)
    )
    return _print(engine, results, args)


def _top(args: argparse.Namespace) -> int:
    from photosift.core.errors import QueryError

    if args.top < 1:
        raise QueryError(f"--top needs a number of at least 1, not {args.top}.")
    return args.top


def _print(engine: SearchEngine, results: SearchResults, args: argparse.Namespace) -> int:
    from photosift.core.paths import display_path

    records = {r.id: r for r in engine.store().photos([h.photo_id for h in results.hits])}
    rows = [(hit, records[hit.photo_id]) for hit in results.hits if hit.photo_id in records]
    if args.json:
        print_json(
            {
                "model": engine.model.spec,
                "considered": results.considered,
                "cut": results.cut,
                "results": [
                    {
                        "photo_id": h.photo_id,
                        "path": display_path(r.abspath),
                        "score": round(h.score, 4),
                        "relevance": round(h.relevance, 2),
                        "offline": r.offline,
                    }
                    for h, r in rows
                ],
            }
        )
        return 0
    for hit, record in rows:
        print(f"{hit.score:.3f}\t{display_path(record.abspath)}")
    if not rows:
        hint = " (try --cutoff loose or off)" if results.cut else ""
        print(f"No photo matches well enough among {results.considered}{hint}.", file=sys.stderr)
    return 0
