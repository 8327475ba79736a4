"""`photosift watch [DIR...]`: keep the library indexed as files come and go (headless).

Useful on a NAS or a server: adds the folders given (none = every folder of the library),
runs a reconcile scan, then indexes new, changed, moved and deleted photos within seconds of
the change. One line per scan on stderr. Ctrl-C (or SIGTERM) stops it cleanly between batches.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from photosift.cli.common import add_db_option, add_device_option, add_model_option, db_path

if TYPE_CHECKING:
    from photosift.core.library.watcher import WatchEvent, WatchMode


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "watch",
        help="keep the library indexed while files change (Ctrl-C stops)",
        description="Watch the library's folders (or add DIR first) and index new, changed, "
        "moved and deleted photos as they happen. Ctrl-C stops it.",
    )
    parser.add_argument("folders", nargs="*", type=Path, metavar="DIR", help="folders to add")
    parser.add_argument(
        "--debounce",
        type=float,
        default=None,
        metavar="S",
        help="wait until a folder is quiet for S seconds before indexing (default 1)",
    )
    add_db_option(parser)
    add_model_option(parser)
    add_device_option(parser)
    parser.set_defaults(func=run_watch)


def run_watch(args: argparse.Namespace) -> int:
    from photosift.core.cancel import CancelToken
    from photosift.core.library.model_choice import ModelUse
    from photosift.service.library import PhotoLibrary

    cancel = CancelToken()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        cancel.cancel()

    previous = signal.signal(signal.SIGTERM, stop)
    with PhotoLibrary.open(db_path(args)) as library:
        if args.folders:
            library.add_folders(args.folders)
        model = library.load_model(args.model, ModelUse.INDEX, args.device).model
        try:
            library.watch(
                model, on_event=_print_event, on_mode=_print_mode, cancel=cancel,
                debounce_s=args.debounce,
            )  # fmt: skip
        except KeyboardInterrupt:
            cancel.cancel()
        finally:
            signal.signal(signal.SIGTERM, previous)
    print("photosift: stopped watching", file=sys.stderr)
    return 0


def _print_mode(mode: WatchMode, unwatchable: list[Path]) -> None:
    from photosift.core.library.watcher import WatchMode
    from photosift.core.paths import display_path

    if mode is WatchMode.EVENTS:
        print("photosift: watching for changes (Ctrl-C stops)", file=sys.stderr)
        return
    names = ", ".join(display_path(p) for p in unwatchable)
    print(
        f"photosift: cannot watch {names} (system watch limit reached, or the folder is "
        "offline): rescanning periodically instead. On Linux, raise "
        "fs.inotify.max_user_watches to watch everything.",
        file=sys.stderr,
    )


def _print_event(event: WatchEvent) -> None:
    s = event.summary
    skipped = sum(s.skipped.values())
    print(
        f"photosift: {event.reason}: {len(event.folders)} folders, {s.indexed} indexed, "
        f"{s.moved} moved, {s.removed} removed, {skipped} skipped"
        + (f", offline: {', '.join(s.offline_roots)}" if s.offline_roots else ""),
        file=sys.stderr,
        flush=True,
    )
