"""The `photosift` command: no subcommand opens the app; subcommands work headless.

Each subcommand lives in its own module exposing `register(subparsers)`; the heavy imports
(torch, open_clip, Qt) happen inside the command that needs them, so `--help` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from photosift import __version__
from photosift.cli.common import add_db_option, run_command

COMMAND_MODULES = (
    "catalog_cmd",
    "index_cmd",
    "search_cmd",
    "text_cmd",
    "tag_cmd",
    "models_cmd",
    "duplicates_cmd",
    "albums_cmd",
    "watch_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="photosift",
        description="Find photos by what is in them. With no command, opens the PhotoSift app.",
    )
    parser.add_argument("--version", action="version", version=f"PhotoSift {__version__}")
    add_db_option(parser)
    parser.add_argument(
        "--screenshot",
        metavar="FILE",
        help="render the main window offscreen to a PNG file and exit",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="index a few generated photos with --model, run one search, exit 0 on success",
    )
    parser.add_argument(
        "--screenshot-query",
        metavar="TEXT",
        help="with --screenshot and --model: show the results of this search",
    )
    parser.add_argument("--model", metavar="SPEC", help="model spec for --self-test/--screenshot")
    parser.add_argument(
        "--add-folder",
        metavar="FOLDER",
        action="append",
        type=Path,
        help="add this photo folder to the library when the app starts (repeatable; also with --screenshot)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"photosift.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from photosift.cli.self_test import run_self_test  # headless: no Qt, no display

        return run_self_test(args.model)
    if args.command is None:
        return run_command(_run_gui, args)
    return run_command(args.func, args)


def entry() -> None:
    """The `photosift` console script and `python -m photosift`: main(), then leave.

    A decoder thread hung inside C code (written off after its timeout) would make the normal
    interpreter shutdown abort the process; output is flushed and the process leaves at once
    instead, with the command's own exit status. main() stays safe to call in-process.
    """
    code = main()
    from photosift.core.imaging.decode_pool import stuck_workers

    if stuck_workers():
        from photosift.process_exit import flush_and_exit

        flush_and_exit(code)
    sys.exit(code)


def _run_gui(args: argparse.Namespace) -> int:
    from photosift.gui.app import run_app

    return run_app(args)


if __name__ == "__main__":
    entry()
