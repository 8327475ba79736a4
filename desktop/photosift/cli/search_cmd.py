"""`photosift search QUERY` and `photosift similar PHOTO`: one result per line, best first.

The model defaults to the one the library was indexed with, so a plain `photosift search dog`
never compares vectors of two different models; the query grammar is in core/query.py. While
the library switches to another model (`photosift index --model NEW` not finished), searches
keep the old model's complete vectors and say how far the new one is.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
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
    load_model_reporting,
    plain_path,
    print_json,
)

if TYPE_CHECKING:
    from photosift.core.library.analysis_records import AnalysisCounts
    from photosift.core.library.filters import Filters
    from photosift.core.library.model_choice import ModelSwitch
    from photosift.core.library.photo_records import PhotoRecord
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.core.search.engine import SearchEngine
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
    add_filter_options(parser)
    _add_export_options(parser)
    add_json_option(parser)
    add_db_option(parser)
    add_model_option(parser)
    add_device_option(parser)


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """--folder, --after, --before, --camera, --tag, --type, --online-only (see filters_from)."""
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
        "--include-offline",
        action="store_true",
        help="also show photos whose folder or drive is offline (left out by default)",
    )
    parser.add_argument("--online-only", action="store_true", help=argparse.SUPPRESS)


def _add_export_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--export", type=Path, metavar="DIR", help="also copy the results' files into DIR"
    )
    parser.add_argument(
        "--link", action="store_true", help="with --export: symbolic links instead of copies"
    )
    parser.add_argument(
        "--without-raw",
        dest="with_raw",
        action="store_false",
        help="with --export: only the JPEG of a RAW+JPEG pair shown as one photo (by default "
        "its RAW file comes along)",
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
        exclude_offline=not args.include_offline,
    )


@contextmanager
def open_for_query(
    args: argparse.Namespace,
) -> Iterator[tuple[PhotoLibrary, ClipModel | OnnxClipModel]]:
    """The library and its model (or --model, refused before loading when it has no vectors);
    a first download shows its progress on stderr."""
    from photosift.core.library.model_choice import ModelUse
    from photosift.service.library import PhotoLibrary

    with PhotoLibrary.open(db_path(args), create=False) as library:
        yield library, load_model_reporting(library.store, args.model, ModelUse.QUERY, args.device)


def run_search(args: argparse.Namespace) -> int:
    with open_for_query(args) as (library, model):
        engine = library.search_engine(model)
        query = " ".join(args.query)
        results = engine.search(
            query, top_k=_top(args), cutoff=args.cutoff, filters=filters_from(args)
        )
        words = any(t.kind == "words" for t in results.terms)
        if not results.hits and words and not library.reads_text():
            print("This library does not read the text in photos; turn it on with "
                  "`photosift index --text`.", file=sys.stderr)  # fmt: skip
        found, counts = library.fill(results), library.analysis_counts(model.spec)
        export_if_asked(library, [f.record for f in found.photos], args)
        return _print(
            model.spec, found, counts, args, warning=_query_warning(engine, query),
            switch=_switch(library, model.spec), raws=_raw_paths(library, found, args),
        )  # fmt: skip


def _switch(library: PhotoLibrary, searched_with: str) -> ModelSwitch | None:
    """The model switch under way when this search used the old model's vectors."""
    switch = library.model_switch()
    return switch if switch is not None and switch.serving == searched_with else None


def _query_warning(engine: SearchEngine, query: str) -> str | None:
    """One line when the model cannot read the query (or it holds emoji), else None."""
    notices = engine.query_notices(query)
    if not notices:
        return None
    line = " ".join(n.message for n in notices)
    return line + " " + _multilingual_advice() if any(n.unreadable for n in notices) else line


def _multilingual_advice() -> str:
    """How to get the multilingual model, for a query the loaded model cannot read."""
    from photosift.core.model.catalog import multilingual_entry
    from photosift.core.model.fetch import is_entry_cached

    entry = multilingual_entry()
    where = "already downloaded" if is_entry_cached(entry) else f"a {entry.download_mb} MB download"
    return (
        f"The Multilingual model ({where}) reads it: "
        f"`photosift index --model {entry.spec}` re-indexes the library with it."
    )


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
        found = library.fill(results)
        counts = library.analysis_counts(model.spec)
        export_if_asked(library, [f.record for f in found.photos], args)
        return _print(
            model.spec, found, counts, args, switch=_switch(library, model.spec),
            raws=_raw_paths(library, found, args),
        )  # fmt: skip


def _raw_paths(library: PhotoLibrary, found: Found, args: argparse.Namespace) -> dict[int, str]:
    """For --json: the RAW file behind each JPEG result standing for a RAW+JPEG pair."""
    from photosift.core.paths import display_path

    if not (args.json or getattr(args, "format", "text") == "json"):
        return {}
    companions = library.raw_companions([f.record for f in found.photos])
    return {photo_id: display_path(raw.abspath) for photo_id, raw in companions.items()}


def export_if_asked(
    library: PhotoLibrary, photos: Sequence[PhotoRecord], args: argparse.Namespace
) -> None:
    """--export DIR [--link] [--without-raw]: the photos' files (and the RAW files of the
    pairs they stand for) into DIR; what could not be exported is named on stderr."""
    from photosift.core.paths import display_path
    from photosift.service.export import ExportMode

    if getattr(args, "export", None) is None:
        return
    mode = ExportMode.LINK if args.link else ExportMode.COPY
    done = library.export(photos, args.export, mode, with_raw=args.with_raw)
    for source, why in done.failed:
        print(f"photosift: not exported {display_path(source)}: {why}", file=sys.stderr)
    verb = "Linked" if args.link else "Copied"
    raws = f", {done.raws} of them RAW files beside their JPEG" if done.raws else ""
    print(
        f"{verb} {len(done.written)} files to {display_path(args.export)}{raws}.", file=sys.stderr
    )


def _top(args: argparse.Namespace) -> int:
    from photosift.core.errors import QueryError

    if args.top < 1:
        raise QueryError(f"--top needs a number of at least 1, not {args.top}.")
    return args.top


def _print(
    model_spec: str,
    found: Found,
    counts: AnalysisCounts,
    args: argparse.Namespace,
    warning: str | None = None,
    switch: ModelSwitch | None = None,
    raws: dict[int, str] | None = None,
) -> int:
    from photosift.core.paths import display_path

    raws = raws or {}
    if getattr(args, "format", "text") == "csv":
        from photosift.service.export import ListFormat, photo_list

        sys.stdout.write(photo_list([f.record for f in found.photos], ListFormat.CSV))
        return 0
    if args.json or getattr(args, "format", "text") == "json":
        print_json(
            {
                "model": model_spec,
                "pending": counts.pending,
                "considered": found.considered,
                "cut": found.cut,
                "warning": warning,
                "switch": None
                if switch is None
                else {"to": switch.target, "ready": switch.ready, "total": switch.total},
                "results": [
                    {
                        "photo_id": f.record.id,
                        "path": display_path(f.record.abspath),
                        "score": round(f.score, 4),
                        "relevance": round(f.relevance, 2),
                        "offline": f.record.offline,
                        "words": f.words,
                        "raw": raws.get(f.record.id),
                    }
                    for f in found.photos
                ],
            }
        )
        return 0
    if warning:
        print(f"photosift: warning: {warning}", file=sys.stderr)
    for f in found.photos:
        words = "\ttext" if f.words else ""
        print(f"{f.score:.3f}\t{plain_path(f.record.abspath)}{words}")
    if not found.photos:
        hint = " (try --cutoff loose or off)" if found.cut else ""
        print(f"No photo matches well enough among {found.considered}{hint}.", file=sys.stderr)
    elif found.cut:
        print(
            f"{found.cut} weaker result{'s' if found.cut != 1 else ''} hidden by the "
            f"{args.cutoff} cut-off; --cutoff off shows them.",
            file=sys.stderr,
        )
    if switch is not None:
        print(f"{switch.describe()} (run 'photosift index' to continue).", file=sys.stderr)
    if counts.pending:
        from photosift.core.wording import count_noun

        print(
            f"Searched {counts.ready:,} of {count_noun(counts.total, 'photo')}; "
            f"{counts.pending:,} not analysed yet (run 'photosift index').",
            file=sys.stderr,
        )
    return 0
