"""Options and error handling shared by every subcommand."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from photosift.core.errors import PhotoSiftError


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="FILE",
        type=Path,
        default=argparse.SUPPRESS,
        help="library database (default: library.sqlite3 in the user's data folder)",
    )


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")


def add_model_option(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    parser.add_argument(
        "--model",
        metavar="SPEC",
        help=help_text
        or "model spec: NAME/PRETRAINED, hf-hub:ORG/REPO or local-dir:FOLDER "
        "(default: the model the library was indexed with, else the default model)",
    )


def add_device_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda", "mps"),
        default="auto",
        help="where the model runs (default: auto = CUDA, then MPS, then CPU)",
    )


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1 (0 or -3 is a mistake, not "none")."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{text}'")
    return value


def plain_path(path: str | os.PathLike[str]) -> str:
    """A path for one line of plain output: backslash, newline, tab and carriage return are
    written as backslash escapes, so a file name holding a newline cannot split the line."""
    from photosift.core.paths import display_path

    text = display_path(path)
    return text.translate({ord("\\"): "\\\\", ord("\n"): "\\n", ord("\t"): "\\t", ord("\r"): "\\r"})


def db_path(args: argparse.Namespace) -> Path:
    """The --db given anywhere on the command line, else the default library."""
    given = getattr(args, "db", None)
    if given is not None:
        return Path(given).expanduser()
    from photosift.core.paths import default_db_path

    return default_db_path()


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def run_command(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command; a PhotoSiftError becomes one line on stderr and exit status 1."""
    try:
        return func(args)
    except PhotoSiftError as exc:
        from photosift.cli.remedies import describe

        print(f"photosift: error: {describe(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("photosift: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`photosift search ... | head`): not an error worth a trace.
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        # A full disk, a damaged or read-only library, a number SQLite cannot hold: one line
        # that says so (and that the data committed so far is safe), not a traceback.
        from photosift.core.library.store_failures import explain_failure

        explained = explain_failure(exc, db_path(args))
        if explained is None:
            raise
        print(f"photosift: error: {explained}", file=sys.stderr)
        return 1
