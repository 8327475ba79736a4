"""`photosift index` (bring a library up to date) and `photosift skipped` (what was left out).

Ctrl-C does not kill the run: the first one asks the indexer to stop after the batch in hand
(everything before it is committed), the summary says "cancelled" and the exit status is 130;
a second Ctrl-C interrupts at once, which the per-batch commits also survive.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from photosift.cli.common import (
    add_db_option,
    add_device_option,
    add_json_option,
    add_model_option,
    db_path,
    print_json,
)
from photosift.core.errors import PhotoSiftError

if TYPE_CHECKING:
    from photosift.core.cancel import CancelToken
    from photosift.core.library.indexer import IndexProgress, IndexSummary

EXIT_CANCELLED = 130


def register(subparsers: argparse._SubParsersAction) -> None:
    index = subparsers.add_parser(
        "index",
        help="add folders to the library and embed their photos",
        description="Add folders to the library and embed every photo in them. Only new and "
        "changed files are decoded; moved files keep their vectors and tags. With no FOLDER, "
        "every folder of the library is scanned again.",
    )
    index.add_argument("folders", nargs="*", metavar="FOLDER", type=Path, help="photo folder")
    add_model_option(index)
    add_device_option(index)
    add_db_option(index)
    index.add_argument("--batch-size", type=_positive, default=32, metavar="N",
                       help="photos per model forward pass and per commit (default: 32)")
    index.add_argument("--workers", type=_positive, default=None, metavar="N",
                       help="decoding threads (default: number of CPUs, at most 8); with "
                       "--cluster, embedding workers (default: one per GPU, else per 2 CPUs)")
    index.add_argument("--cluster", metavar="ADDRESS",
                       help="embed on a Ray cluster: a running cluster's address, or 'local' to "
                       "start one on this machine with --workers workers (needs the 'cluster' "
                       "extra; photo folders must be at the same path on every node)")
    index.add_argument("--reindex", action="store_true",
                       help="forget this model's vectors and skipped files, then embed "
                       "everything again")
    add_json_option(index)
    index.set_defaults(func=run_index)

    skipped = subparsers.add_parser(
        "skipped",
        help="list files that could not be indexed, with the reason",
        description="List the files the indexer skipped (corrupt, not an image, too large, ...).",
    )
    add_db_option(skipped)
    add_json_option(skipped)
    skipped.set_defaults(func=run_skipped)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got '{text}'")
    return value


class NoFoldersError(PhotoSiftError):
    """`photosift index` with no folder on a library that has none."""


def run_index(args: argparse.Namespace) -> int:
    from photosift.core.cancel import CancelToken
    from photosift.core.library.folders import resolve_folders
    from photosift.core.library.model_choice import ModelUse
    from photosift.service.library import PhotoLibrary

    if args.cluster:
        from photosift.cluster.session import import_ray

        import_ray()  # without the extra, say how to install it before loading anything
    # Pillow warns about odd metadata on stderr; the summary and `photosift skipped` already
    # say everything a user needs, and the warnings would break the progress line.
    warnings.filterwarnings("ignore", module=r"PIL\.")
    if not db_path(args).exists():
        resolve_folders(None, args.folders)  # fail before creating a library for nothing
    with PhotoLibrary.open(db_path(args)) as library:
        folders = resolve_folders(library.store, args.folders)
        if not folders and not library.roots():
            raise NoFoldersError(
                "The library has no folders yet. Name one to index: photosift index FOLDER"
            )
        model = library.load_model(args.model, ModelUse.INDEX, args.device).model
        if args.cluster:
            from photosift.cli.index_cluster import run_cluster_index

            return run_cluster_index(args, library, model, folders)
        token = CancelToken()
        bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
        with ctrl_c_cancels(token):
            summary = library.index(
                model, folders, reindex=args.reindex, batch_size=args.batch_size,
                workers=args.workers, progress=bar.update if bar else None, cancel=token,
            )  # fmt: skip
        if bar:
            bar.clear()
    if args.json:
        print_json({**summary.to_dict(), "model": model.spec, "db": str(db_path(args))})
    else:
        print(describe_summary(summary))
    return EXIT_CANCELLED if summary.cancelled else 0


def run_skipped(args: argparse.Namespace) -> int:
    from photosift.core.imaging.decode import SkipReason
    from photosift.core.paths import display_path
    from photosift.service.library import PhotoLibrary

    with PhotoLibrary.open(db_path(args), create=False) as library:
        records = library.store.skipped_files()
    rows = [
        {
            "path": display_path(r.path),
            "reason": r.reason,
            "description": _description(SkipReason, r.reason),
            "detail": r.detail,
        }
        for r in records
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("No skipped files.")
    for row in rows:
        detail = f" ({row['detail']})" if row["detail"] else ""
        print(f"{row['path']}: {row['description']}{detail}")
    return 0


def _description(reasons: type, value: str) -> str:
    try:
        return reasons(value).description
    except ValueError:
        return value


def describe_summary(s: IndexSummary) -> str:
    from photosift.core.imaging.decode import SkipReason

    head = "Cancelled after indexing" if s.cancelled else "Indexed"
    lines = [
        f"{head} {s.indexed} photos in {s.seconds:.1f} s: {s.unchanged} unchanged, "
        f"{s.moved} moved, {s.removed} removed."
    ]
    skipped = s.skipped
    if skipped:
        lines.append(f"Skipped {sum(skipped.values())} files (see 'photosift skipped'):")
        lines += [f"  {n:>6}  {_description(SkipReason, r)}" for r, n in skipped.items()]
    for root in s.offline_roots:
        lines.append(f"Offline (missing, photos kept): {root}")
    if s.cancelled:
        lines.append("Run the same command again to continue where it stopped.")
    return "\n".join(lines)


@contextmanager
def ctrl_c_cancels(token: CancelToken) -> Iterator[None]:
    """First Ctrl-C cancels cleanly, a second one interrupts (KeyboardInterrupt)."""
    def handler(signum: int, frame: object) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        print("\nphotosift: stopping after the current batch (Ctrl-C again to abort)",
              file=sys.stderr)

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class ProgressBar:
    """One carriage-return-updated line on a terminal, at most ten redraws a second."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self._last = 0.0
        self._shown = 0

    def update(self, p: IndexProgress) -> None:
        now = time.monotonic()
        final = p.phase == "done" or p.done == p.total
        if now - self._last < 0.1 and not final:
            return
        self._last = now
        self._write(self._line(p))

    def _line(self, p: IndexProgress) -> str:
        done, total = p.done, p.total
        if p.phase == "scanning":
            return f"Scanning... {done} image files found"
        filled = int(self.width * done / total) if total else self.width
        eta = _clock(p.eta_s) if p.eta_s is not None else "--:--"
        return (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} "
            f"{p.rate:.1f} photos/s ETA {eta}"
        )

    def _write(self, line: str) -> None:
        padding = " " * max(0, self._shown - len(line))
        self.stream.write(f"\r{line}{padding}")
        self.stream.flush()
        self._shown = len(line)

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
