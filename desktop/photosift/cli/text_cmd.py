"""`photosift text PHOTO`: print the words read in a photo, one line of text per line.

For a photo of the library the stored reading is printed (what `text:` searches match); any
other image file, or a library photo the text pass has not reached yet, is read now (nothing
is stored). `--now` reads a library photo again without storing it, e.g. to compare engines.
`--calibrate-gate` and `--forget-gate` (cli/text_gate_cmd.py) set up the quick text check that
`photosift index --text` uses instead of detecting text in every photo.
"""

from __future__ import annotations

import argparse
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
    from photosift.core.model.ocr import TextBox


def register(subparsers: argparse._SubParsersAction) -> None:
    text = subparsers.add_parser(
        "text",
        help="print the words read in a photo",
        description="Print the text read in PHOTO (an image file or #ID of a library photo), "
        "one line per line of text, with the OCR model's confidence. Or, with --calibrate-gate, "
        "measure on the photos already read whether the library's model can pick the photos "
        "with text from their vectors, so that `index --text` skips detecting text in each.",
    )
    text.add_argument(
        "photo", metavar="PHOTO", nargs="?", help="image file, or #ID of a library photo"
    )
    text.add_argument(
        "--now",
        action="store_true",
        help="read the file now even when the library has a reading of it",
    )
    gate = text.add_mutually_exclusive_group()
    gate.add_argument(
        "--calibrate-gate",
        action="store_true",
        help="calibrate the quick text check on the photos read so far and say whether "
        "`index --text` will use it",
    )
    gate.add_argument(
        "--forget-gate",
        action="store_true",
        help="forget the calibration: `index --text` detects text in each photo again",
    )
    add_model_option(
        text, "with --calibrate-gate/--forget-gate: the model (default: the library's)"
    )
    add_device_option(text)
    add_db_option(text)
    add_json_option(text)
    text.set_defaults(func=run_text)


def run_text(args: argparse.Namespace) -> int:
    from photosift.core.errors import QueryError

    if args.calibrate_gate or args.forget_gate:
        from photosift.cli.text_gate_cmd import run_calibrate, run_forget

        if args.photo is not None:
            raise QueryError("PHOTO cannot be given with --calibrate-gate or --forget-gate.")
        return run_calibrate(args) if args.calibrate_gate else run_forget(args)
    if args.photo is None:
        raise QueryError("Name a PHOTO, or use --calibrate-gate or --forget-gate.")
    boxes, source = _reading(args)
    if args.json:
        print_json({"photo": args.photo, "source": source, "lines": [b.to_json() for b in boxes]})
        return 0
    for box in boxes:
        print(f"{box.text}\t{box.confidence:.2f}")
    if not boxes:
        print(f"No text found in {args.photo} ({source}).")
    return 0


def _reading(args: argparse.Namespace) -> tuple[list[TextBox], str]:
    """The stored reading of a library photo, else a reading made now."""
    from photosift.core.errors import QueryError
    from photosift.service.library import PhotoLibrary

    file = Path(args.photo)
    if db_path(args).exists():
        with PhotoLibrary.open(db_path(args), create=False) as library:
            photo_id = library.find_photo(args.photo)
            if photo_id is not None:
                stored = None if args.now else library.photo_text(photo_id)
                if stored is not None:
                    return stored.boxes, f"library: {stored.state.value}, {stored.engine}"
                file = library.store.photo(photo_id).abspath  # type: ignore[union-attr]
    if str(args.photo).startswith("#"):
        raise QueryError(f"{args.photo} is not a photo of the library.")
    if not file.is_file():
        raise QueryError(f"There is no image file '{args.photo}'.")
    return PhotoLibrary.read_file_text(file), "read now"
