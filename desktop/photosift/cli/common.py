"""Options and error handling shared by every subcommand."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from photosift.core.errors import PhotoSiftError

if TYPE_CHECKING:
    from photosift.core.library.model_choice import ModelUse
    from photosift.core.library.store import Store
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.core.model.transfer import TransferProgress


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
    sys.stdout.flush()  # a reader of a pipe gets the answer now, not at interpreter exit


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
        from photosift.cli.remedies import describe

        print(f"photosift: error: {describe(explained)}", file=sys.stderr)
        return 1


class DownloadPrinter:
    """A first-run model download's progress on stderr: one line redrawn on a terminal, a line
    every ten seconds in a log, and always the last one (the whole model downloaded)."""

    def __init__(self, spec: str, stream: TextIO, *, every_s: float = 10.0) -> None:
        self.spec, self.stream, self.every_s = spec, stream, every_s
        self._tty = stream.isatty()
        self.last: TransferProgress | None = None
        self._printed_at = float("-inf")

    @property
    def unfinished(self) -> bool:
        return self.last is not None and self.last.done_bytes < self.last.total_bytes

    def update(self, progress: TransferProgress) -> None:
        from photosift.core.model.transfer import format_bytes

        if self.last is None:
            from photosift.core.paths import model_cache_dir

            resuming = (
                f", resuming at {format_bytes(progress.resumed_bytes)}"
                if progress.resumed_bytes
                else ""
            )
            self.stream.write(
                f"Downloading the model {self.spec} ({format_bytes(progress.total_bytes)}{resuming}) into "
                f"{model_cache_dir()}; Ctrl-C stops it and the next run resumes.\n"
            )
        final = progress.done_bytes >= progress.total_bytes
        repeat = final and self.last is not None and self.last.done_bytes >= self.last.total_bytes
        self.last = progress
        now = time.monotonic()
        if repeat:
            return
        if self._tty:
            self.stream.write(f"\r{progress.describe()}\x1b[K" + ("\n" if final else ""))
        elif final or now - self._printed_at >= self.every_s:
            self._printed_at = now
            self.stream.write(progress.describe() + "\n")
        self.stream.flush()


def load_model_reporting(
    store: Store | None, requested: str | None, use: ModelUse, device: str
) -> ClipModel | OnnxClipModel:
    """The model policy's choice, loaded; a download's progress shows on stderr."""
    from photosift.core.library.model_choice import choose_model
    from photosift.service.library import load_chosen_model

    printer = DownloadPrinter(choose_model(store, requested, use).spec, sys.stderr)
    try:
        return load_chosen_model(store, requested, use, device, progress=printer.update).model
    except KeyboardInterrupt:
        if printer.unfinished:
            end_of_bar = "\n" if sys.stderr.isatty() else ""
            print(
                f"{end_of_bar}photosift: download interrupted; run the command again to resume it.",
                file=sys.stderr,
            )
        raise


def import_model_reporting(spec: str) -> str:
    """`--copy-model`: copy a local-dir model into the model cache; returns the copy's spec."""
    from photosift.core.model.folder_import import (
        folder_size,
        import_model_folder,
        is_imported,
    )
    from photosift.core.model.spec import parse_spec
    from photosift.core.model.transfer import format_bytes

    parsed = parse_spec(spec, check=False)
    if parsed.kind != "local-dir":
        raise PhotoSiftError(
            f"--copy-model copies a model folder: use it with --model local-dir:FOLDER, not {spec}."
        )
    source = Path(parsed.name)
    if is_imported(source):
        return str(parsed)
    copy = import_model_folder(source)
    print(
        f"Copied the model folder {source} ({format_bytes(folder_size(copy))}) to {copy}; the library uses the copy.",
        file=sys.stderr,
    )
    return f"local-dir:{copy}"
