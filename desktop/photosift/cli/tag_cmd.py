"""`photosift tag` (zero-shot auto-tagging), `photosift tags PHOTO`, `photosift vocabulary`.

Tagging never decodes a photo: it scores the stored vectors against the vocabulary, so the
library must be indexed first (with the same model). Manual and rejected tags survive re-runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from photosift.cli.common import (
    add_db_option,
    add_device_option,
    add_json_option,
    add_model_option,
    db_path,
    load_model_reporting,
    positive_int,
    print_json,
)
from photosift.core.errors import Remedy

if TYPE_CHECKING:
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.core.tagging.tagger import TagProgress
    from photosift.core.tagging.vocabulary import Label
    from photosift.service.library import PhotoLibrary


def register(subparsers: argparse._SubParsersAction) -> None:
    tag = subparsers.add_parser(
        "tag",
        help="auto-tag photos with the vocabulary",
        description="Tag photos with every vocabulary label whose calibrated score passes its "
        "threshold. PATHs are folders or files of the library; none = the whole library.",
    )
    tag.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="folder or photo in the library"
    )
    tag.add_argument(
        "--labels",
        metavar="FILE|L1,L2",
        help="only these labels: a file with one per line, or a comma list "
        "(labels not yet in the vocabulary are added)",
    )
    tag.add_argument(
        "--threshold",
        type=_fraction,
        metavar="X",
        help="score 0..1 a label must reach (default 0.15; higher = fewer, surer tags)",
    )
    tag.add_argument(
        "--write-xmp",
        action="store_true",
        help="also write the tags to NAME.EXT.xmp sidecars beside the photos",
    )
    _common(tag)
    tag.set_defaults(func=run_tag)

    tags = subparsers.add_parser(
        "tags",
        help="show every label's score for one photo, or review its tags",
        description="Rank the vocabulary for PHOTO (a file or #ID). --accept/--reject/--add/"
        "--remove review its tags first, as the GUI's tag panel does (repeat each or "
        "comma-separate labels); manual tags and rejections survive auto-tagging.",
    )
    tags.add_argument("photo", metavar="PHOTO")
    tags.add_argument(
        "--top", type=positive_int, default=None, metavar="N", help="show only the N best labels"
    )
    for action, text in REVIEW_ACTIONS.items():
        tags.add_argument(
            f"--{action}", dest=action, action="append", default=[], metavar="L", help=text
        )
    tags.add_argument(
        "--write-xmp",
        action="store_true",
        help="also write the reviewed tags to the photo's XMP sidecar",
    )
    _common(tags)
    tags.set_defaults(func=run_tags)

    vocabulary = subparsers.add_parser(
        "vocabulary",
        help="list or edit the auto-tagging labels",
        description="List or edit the labels auto-tagging uses.",
    )
    _common(vocabulary, model=False)
    actions = vocabulary.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="list the labels (the default)")
    add = actions.add_parser("add", help="add a label, or change one")
    add.add_argument("name", metavar="NAME")
    add.add_argument(
        "--prompt",
        dest="prompts",
        action="append",
        metavar="P",
        help="a text describing the label (repeat; default: templates around NAME)",
    )
    add.add_argument("--group", metavar="G")
    add.add_argument("--threshold", type=_fraction, metavar="X", help="0..1 (see `tag`)")
    remove = actions.add_parser("remove", help="delete a label and its tags")
    remove.add_argument("name", metavar="NAME")
    rename = actions.add_parser("rename", help="rename a label, keeping its tags")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    listing.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print machine-readable JSON"
    )
    for parser in (listing, add, remove, rename):
        add_db_option(parser)  # its default is "not given", so it never hides the parent's --db
    vocabulary.set_defaults(func=run_vocabulary, action="list")


REVIEW_ACTIONS: dict[str, str] = {
    "accept": "keep an auto tag L (it becomes manual)",
    "reject": "reject tag L (auto tagging never assigns it again)",
    "add": "tag the photo with L by hand (a new label is added to the vocabulary)",
    "remove": "take tag L off (a manual tag is deleted, an auto one rejected)",
}


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got '{text}'")
    return value


def _common(parser: argparse.ArgumentParser, *, model: bool = True) -> None:
    add_db_option(parser)
    add_model_option(parser)
    if model:
        add_device_option(parser)
    add_json_option(parser)


def _loaded(args: argparse.Namespace, library: PhotoLibrary) -> ClipModel | OnnxClipModel:
    """The library's model (or --model); see core/library/model_choice.py."""
    from photosift.core.library.model_choice import ModelUse

    return load_model_reporting(library.store, args.model, ModelUse.QUERY, args.device)


def run_tag(args: argparse.Namespace) -> int:
    from photosift.service.library import PhotoLibrary

    with PhotoLibrary.open(db_path(args), create=False) as library:
        labels = _labels(library, args.labels) if args.labels else None
        write_xmp = True if args.write_xmp else None
        tagger = library.tagger(_loaded(args, library), labels, write_xmp=write_xmp)
        photo_ids = _photo_ids(library, args.paths) if args.paths else None
        summary, _ids = library.tag(
            tagger,
            photo_ids=photo_ids,
            threshold=args.threshold,
            progress=_progress if sys.stderr.isatty() else None,
        )
        if sys.stderr.isatty():
            print(file=sys.stderr)
    if args.json:
        print_json(vars(summary))
        return 0
    print(
        f"Tagged {summary.photos} photos with {summary.labels} labels: "
        f"{summary.assigned} auto tags."
    )
    if summary.not_analysed:
        print(
            f"{summary.not_analysed} photos are not analysed yet and were left out; "
            "run 'photosift index', then tag again."
        )
    if tagger.tags.write_xmp:
        print(f"Wrote {summary.sidecars_written} XMP sidecars.")
    for error in summary.sidecar_errors:
        print(f"photosift: warning: {error}", file=sys.stderr)
    return 0


def _progress(progress: TagProgress) -> None:
    print(
        f"\rtagging {progress.done}/{progress.total} ({progress.rate:.0f} photos/s)",
        end="",
        file=sys.stderr,
        flush=True,
    )


def _labels(library: PhotoLibrary, spec: str) -> list[Label]:
    path = Path(spec).expanduser()
    if path.is_file():
        names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        names = [n for n in names if n and not n.startswith("#")]
    else:
        names = [n.strip() for n in spec.split(",") if n.strip()]
    added = library.add_missing_labels(names)
    if added:
        print(f"Added to the vocabulary: {', '.join(added)}", file=sys.stderr)
    return library.labels(names)


def _photo_ids(library: PhotoLibrary, paths: list[Path]) -> list[int]:
    """The library's photos in these folders and files, in order (each folder's by id)."""
    from photosift.core.library.filters import Filters

    ids: list[int] = []
    for path in paths:
        if path.is_dir():
            ids += library.photo_ids(Filters(folder=path)).tolist()
        else:
            ids.append(library.photo_id(path))
    return ids


def run_tags(args: argparse.Namespace) -> int:
    from photosift.core.errors import QueryError
    from photosift.service.library import PhotoLibrary

    with PhotoLibrary.open(db_path(args), create=False) as library:
        photo_id = library.photo_id(args.photo)
        _review(library, photo_id, args)
        scores = library.tagger(_loaded(args, library)).label_scores(photo_id)[: args.top]
        if not scores:
            raise QueryError(
                f"{args.photo} has no vector yet.", remedy=Remedy.INDEX_FOLDER, model=args.model
            )
    if args.json:
        print_json([vars(s) for s in scores])
        return 0
    from photosift.core.library.tag_records import TagState

    marks = {TagState.ASSIGNED: "[x]", TagState.REJECTED: "[-]", None: "[ ]"}
    for s in scores:
        source = f" ({s.source.value})" if s.source else ""
        print(f"{marks[s.state]} {s.score:6.2f}  {s.label}{source}")
    return 0


def _review(library: PhotoLibrary, photo_id: int, args: argparse.Namespace) -> None:
    """Apply --accept/--reject/--add/--remove with the service's tag edits (the GUI's)."""
    from photosift.service.library import TagAction

    edits = [
        (TagAction(action), name.strip())
        for action in REVIEW_ACTIONS
        for value in getattr(args, action)
        for name in value.split(",")
        if name.strip()
    ]
    if not edits:
        return
    library.change_tags([photo_id], edits, write_xmp=True if args.write_xmp else None)
    done = ", ".join(f"{action.value} {name}" for action, name in edits)
    print(f"Reviewed: {done}.", file=sys.stderr)


def run_vocabulary(args: argparse.Namespace) -> int:
    from photosift.service.library import PhotoLibrary

    with PhotoLibrary.open(db_path(args)) as library:
        if args.action == "add":
            label, added = library.save_label(
                args.name, group=args.group, prompts=args.prompts, threshold=args.threshold
            )
            print(f"{'Added' if added else 'Updated'} '{label.name}'.")
        elif args.action == "remove":
            library.tag_book().remove_label(args.name)
            print(f"Removed '{args.name}' and its tags.")
        elif args.action == "rename":
            label = library.tag_book().rename_label(args.old, args.new)
            print(f"Renamed '{args.old}' to '{label.name}'.")
        else:
            _list(library.labels(), args.json)
    return 0


def _list(labels: list, as_json: bool) -> None:
    if as_json:
        print_json(
            [
                {
                    "name": label.name,
                    "group": label.group,
                    "prompts": list(label.prompts or []),
                    "threshold": label.threshold,
                }
                for label in labels
            ]
        )
        return
    group = object()
    for label in labels:
        if label.group != group:
            group = label.group
            print(f"{group or 'ungrouped'}:")
        extra = f"  threshold {label.threshold:g}" if label.threshold is not None else ""
        prompts = f"  prompts: {' | '.join(label.prompts)}" if label.prompts else ""
        print(f"  {label.name}{extra}{prompts}")
