"""Command line: `python -m tests.toyworld build OUTDIR` and `python -m tests.toyworld photos OUTDIR`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 640x480, not {text!r}") from None
    if width < 8 or height < 8:
        raise argparse.ArgumentTypeError("both sides must be at least 8 pixels")
    return width, height


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tests.toyworld", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build", help="build (or copy from the cache) the toy CLIP model into OUTDIR"
    )
    build.add_argument("outdir", type=Path)
    photos = commands.add_parser(
        "photos", help="write labelled JPEG photos and labels.csv into OUTDIR"
    )
    photos.add_argument("outdir", type=Path)
    photos.add_argument("--count", type=int, default=48)
    photos.add_argument(
        "--size", type=_size, default=(640, 480), help="WIDTHxHEIGHT (default 640x480)"
    )
    photos.add_argument("--seed", type=int, default=0)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "build":
        from .cache import build_model

        print(build_model(args.outdir).resolve())
    else:
        from .generator import generate_photos

        written = generate_photos(args.outdir, args.count, size=args.size, seed=args.seed)
        print(f"{len(written)} photos in {args.outdir.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
