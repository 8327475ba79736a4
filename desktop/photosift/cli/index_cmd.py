"""`photosift index` (bring a library up to date) and `photosift skipped` (what was left out).

Ctrl-C does not kill the run: the first one asks the indexer to stop after the batch in hand
(everything before it is committed), the summary says "cancelled" and the exit status is 130;
a second Ctrl-C interrupts at once, which the per-batch commits also survive.
"""

from __future__ import annotations

import argparse
import os
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
    import_model_reporting,
    load_model_reporting,
    positive_int,
    print_json,
)
from photosift.core.errors import PhotoSiftError

if TYPE_CHECKING:
    from photosift.core.cancel import CancelToken
    from photosift.core.library.indexer import IndexProgress, IndexSummary
    from photosift.core.library.text_pass import TextProgress, TextSummary
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.service.library import PhotoLibrary

EXIT_CANCELLED = 130


def register(subparsers: argparse._SubParsersAction) -> None:
    index = subparsers.add_parser(
        "index",
        help="add folders, catalog their photos and analyse them for search",
        description="Add folders to the library, catalog every photo in them (as "
        "'photosift add' does), then analyse (embed) what is not analysed yet. Only new and "
        "changed files are decoded; moved files keep their vectors and tags. With no FOLDER, "
        "every folder of the library is scanned again.",
    )
    index.add_argument("folders", nargs="*", metavar="FOLDER", type=Path, help="photo folder")
    add_model_option(index)
    add_device_option(index)
    add_db_option(index)
    index.add_argument(
        "--batch-size",
        type=positive_int,
        default=32,
        metavar="N",
        help="photos per model forward pass and per commit (default: 32)",
    )
    index.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        metavar="N",
        help="decoding threads (default: number of CPUs, at most 8); with --cluster, "
        "embedding workers (default: one per GPU, else one per 2 CPUs)",
    )
    index.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="embed on a Ray cluster: a running cluster's address, or 'local' to start one on "
        "this machine with --workers workers (needs the 'cluster' extra; photo folders must "
        "be at the same path on every node)",
    )
    index.add_argument(
        "--reindex",
        action="store_true",
        help="forget this model's vectors and skipped files, then embed everything again",
    )
    index.add_argument(
        "--forget-missing",
        action="store_true",
        help="after the scan, forget for good (with their tags) the photos whose "
        "files are gone or whose folder is offline, instead of keeping them for "
        "the grace period or until the folder returns",
    )
    index.add_argument(
        "--copy-model",
        action="store_true",
        help="with --model local-dir:FOLDER: copy the model folder into PhotoSift's "
        "model cache and index with the copy, so the library keeps working if "
        "FOLDER is moved or deleted",
    )
    text = index.add_mutually_exclusive_group()
    text.add_argument(
        "--no-text",
        dest="read_text",
        action="store_false",
        default=None,
        help="stop reading the words in photos, now and in later runs (the default)",
    )
    text.add_argument(
        "--text",
        dest="read_text",
        action="store_true",
        help="read the words in photos (OCR: slow on a CPU), now and in later runs; a "
        "library setting, like the GUI's Settings switch",
    )
    add_raw_pairs_option(index)
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


def add_raw_pairs_option(parser: argparse.ArgumentParser) -> None:
    """--join-raw-pairs / --separate-raw-pairs: the library setting, as --text/--no-text is."""
    pairs = parser.add_mutually_exclusive_group()
    pairs.add_argument(
        "--join-raw-pairs",
        dest="join_raw_pairs",
        action="store_true",
        default=None,
        help="list a RAW+JPEG (or RAW+HEIF) pair shot together (same folder and name) as one "
        "photo, its JPEG (or HEIF), now and in later runs (the default); a library setting, "
        "like the GUI's Settings switch",
    )
    pairs.add_argument(
        "--separate-raw-pairs",
        dest="join_raw_pairs",
        action="store_false",
        help="list both files of a RAW+JPEG pair, now and in later runs",
    )


def apply_raw_pairs_option(library: PhotoLibrary, args: argparse.Namespace) -> None:
    if getattr(args, "join_raw_pairs", None) is not None:
        library.set_joins_raw_pairs(args.join_raw_pairs)


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
    model = None
    # --copy-model: the library uses a copy in the model cache, so moving FOLDER breaks nothing.
    requested = import_model_reporting(args.model) if args.copy_model and args.model else args.model
    if not db_path(args).exists():
        # Fail before creating a library for nothing: bad folders, a model that cannot load.
        resolve_folders(None, args.folders)
        if not args.folders:
            raise NoFoldersError(
                "The library has no folders yet. Name one to index: photosift index FOLDER"
            )
        model = load_model_reporting(None, requested, ModelUse.INDEX, args.device)
    with PhotoLibrary.open(db_path(args)) as library:
        folders = resolve_folders(library.store, args.folders)
        if not folders and not library.roots():
            raise NoFoldersError(
                "The library has no folders yet. Name one to index: photosift index FOLDER"
            )
        if model is None:
            model = load_model_reporting(library.store, requested, ModelUse.INDEX, args.device)
        apply_raw_pairs_option(library, args)  # what is listed, whichever driver indexes
        if args.cluster:
            from photosift.cli.index_cluster import run_cluster_index

            return run_cluster_index(args, library, model, folders)
        # Until the summary is printed: a late Ctrl-C must not become a traceback (or an exit
        # by signal) after the work is done and committed.
        with ctrl_c_cancels(token := CancelToken()):
            return _index_and_report(library, model, folders, args, token)


def _index_and_report(
    library: PhotoLibrary,
    model: ClipModel | OnnxClipModel,
    folders: list[Path],
    args: argparse.Namespace,
    token: CancelToken,
) -> int:
    from photosift.core.wording import ready_for_search

    bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    if args.read_text is not None:
        library.set_reads_text(args.read_text)
    summary = library.index(
        model, folders, reindex=args.reindex, batch_size=args.batch_size,
        workers=args.workers, progress=bar.update if bar else None, cancel=token,
    )  # fmt: skip
    text = None
    if not summary.cancelled:
        text = library.read_text(progress=bar.update_text if bar else None, cancel=token)
    if bar:
        bar.clear()
    if args.forget_missing and not summary.cancelled:
        summary.purged += library.forget_missing()
    counts = library.analysis_counts(model.spec)
    cancelled = summary.cancelled or (text is not None and text.cancelled)
    if args.json:
        text_data = vars(text) if text is not None else None
        print_json({**summary.to_dict(), "model": model.spec, "db": str(db_path(args)),
                    "ready": counts.ready, "total": counts.total, "text": text_data,
                    "switch": switch_data(library)})  # fmt: skip
    else:
        print(describe_summary(summary))
        print(
            switch_line(library, model.spec) or f"{ready_for_search(counts.ready, counts.total)}."
        )
        if text is not None:
            print(describe_text(text))
    return EXIT_CANCELLED if cancelled else 0


def switch_data(library: PhotoLibrary) -> dict[str, str] | None:
    """The model switch under way, for --json (None: none)."""
    switch = library.model_switch()
    return None if switch is None else {"from": switch.serving, "to": switch.target}


def switch_line(library: PhotoLibrary, model_spec: str) -> str | None:
    """After a run with `model_spec` that left a switch to it unfinished: what searches use."""
    switch = library.model_switch()
    if switch is None or switch.target != model_spec:
        return None
    return f"{switch.describe()}; searches use {switch.serving} until it is complete."


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
    from photosift.core.paths import display_path

    head = "Cancelled after indexing" if s.cancelled else "Indexed"
    lines = [
        f"{head} {s.indexed} photos in {s.seconds:.1f} s: {s.unchanged} unchanged, "
        f"{s.moved} moved, {s.removed} removed."
    ]
    lines += skipped_lines(s.skipped)
    for root in s.offline_roots:
        lines.append(f"Offline (missing, photos kept): {root}")
    if s.offline:
        lines.append(
            f"{s.offline} photos offline, kept with their tags (folder missing, unmounted or "
            "unreadable); they come back when it does:"
        )
        lines += [f"  {display_path(folder)}" for folder in s.offline_folders]
    if s.restored:
        lines.append(f"{s.restored} offline or removed photos are back, with their tags.")
    if s.removed:
        lines.append(
            f"The {s.removed} removed photos are hidden but kept with their tags for the grace "
            "period, in case the files come back; 'photosift index --forget-missing' forgets "
            "them now."
        )
    if s.purged:
        lines.append(f"Forgot {s.purged} photos whose files are gone.")
    for folder in s.unreadable_folders:
        lines.append(f"Could not read the folder (photos in it kept): {display_path(folder)}")
    if s.cancelled:
        lines.append("Run the same command again to continue where it stopped.")
    return "\n".join(lines)


def skipped_lines(skipped: dict[str, int]) -> list[str]:
    """'Skipped N files' and one line per reason; nothing when none were skipped."""
    from photosift.core.imaging.decode import SkipReason
    from photosift.core.wording import count_noun

    if not skipped:
        return []
    return [f"Skipped {count_noun(sum(skipped.values()), 'file')} (see 'photosift skipped'):"] + [
        f"  {n:>6}  {_description(SkipReason, r)}" for r, n in skipped.items()
    ]


def describe_text(s: TextSummary) -> str:
    head = "Cancelled after reading" if s.cancelled else "Read"
    return (
        f"{head} the text of {s.read + s.gated_out + s.failed} photos in {s.seconds:.1f} s: "
        f"words found in {s.with_text}, {s.gated_out} without text, {s.failed} unreadable."
    )


@contextmanager
def ctrl_c_cancels(token: CancelToken) -> Iterator[None]:
    """First Ctrl-C cancels cleanly, a second one interrupts (KeyboardInterrupt)."""

    def handler(signum: int, frame: object) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        # os.write, not print: the handler may interrupt a print to stderr, and a buffered
        # stream refuses a reentrant write (RuntimeError) where the raw descriptor does not.
        os.write(
            sys.stderr.fileno(),
            b"\nphotosift: stopping after the current batch (Ctrl-C again to abort)\n",
        )

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

    def update_text(self, p: TextProgress) -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and p.done != p.total:
            return
        self._last = now
        filled = int(self.width * p.done / p.total) if p.total else self.width
        self._write(
            f"Reading text [{'#' * filled}{'.' * (self.width - filled)}] {p.done}/{p.total}"
        )

    def _line(self, p: IndexProgress) -> str:
        done, total = p.done, p.total
        if p.phase == "scanning":
            return f"Scanning... {done} image files found"
        verb = "Cataloguing" if p.phase == "cataloguing" else "Analysing"
        filled = int(self.width * done / total) if total else self.width
        eta = _clock(p.eta_s) if p.eta_s is not None else "--:--"
        rate = f"{p.rate:.1f} photos/s" if p.rate > 0 else "-- photos/s"
        return (
            f"{verb} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {rate} ETA {eta}"
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
