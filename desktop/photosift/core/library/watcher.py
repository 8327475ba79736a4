"""Notice new, changed, moved and deleted photos in the library's folders while running.

Why it looks like this:
- The operating system tells us (watchdog: inotify, FSEvents, ReadDirectoryChangesW); there
  is no home-made poller. Events only say *which folder* is dirty: the existing incremental
  rescan of that folder (core.library.indexer) then decides what is new, changed, moved (same
  id, vectors and tags kept) or gone, and marks an unplugged drive offline instead of
  forgetting it. So a lost or reordered event can never corrupt the library.
- Events are debounced: a batch is handed over once the folder has been quiet for
  ``debounce_s`` (or ``max_wait_s`` after the first event, so a 2,000-file camera import is
  indexed in a few batches while it copies, not 2,000 times).
- Events get lost (queue overflow, suspend, network drives), so :func:`watch_library` starts
  with a reconcile scan and runs another when the wall clock jumps ahead of the monotonic one
  (the machine was asleep).
- Linux limits inotify watches (``fs.inotify.max_user_watches``); when a folder cannot be
  watched the watcher says so (:class:`WatchMode.PERIODIC`) and falls back to a reconcile scan
  every ``fallback_interval_s``.
- Only photo files matter: sidecars PhotoSift writes itself (XMP) or the library file never
  trigger a scan. ``watchdog`` is imported lazily.
"""

from __future__ import annotations

import errno
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photosift.core.cancel import CancelToken
from photosift.core.imaging.decode import IMAGE_EXTENSIONS

if TYPE_CHECKING:
    from photosift.core.library.indexer import IndexSummary
    from photosift.core.library.store import Store
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel

DEFAULT_DEBOUNCE_S = 1.0
DEFAULT_MAX_WAIT_S = 10.0
DEFAULT_FALLBACK_INTERVAL_S = 300.0
_RESUME_JUMP_S = 30.0  # wall clock ahead of the monotonic clock by this much: we slept
_WATCH_LIMIT_ERRORS = (errno.ENOSPC, errno.EMFILE)


class WatchMode(Enum):
    EVENTS = "events"  # the operating system reports changes
    PERIODIC = "periodic"  # some folder could not be watched: reconcile scans on a timer


@dataclass(frozen=True)
class WatchEvent:
    """What the headless watcher did: a scan of some folders and its summary."""

    folders: list[Path]
    summary: IndexSummary
    reason: str  # "start", "changes", "resume", "periodic"


class FolderWatcher:
    """watchdog observers on folders; calls `on_dirty(folders)` with debounced batches.

    `on_dirty` runs on the watcher's own dispatch thread. `start()` returns the mode; with
    PERIODIC, `unwatchable` lists the folders the system refused (inotify watch limit).
    """

    def __init__(
        self,
        folders: Sequence[Path],
        on_dirty: Callable[[set[Path]], None],
        *,
        debounce_s: float = DEFAULT_DEBOUNCE_S,
        max_wait_s: float = DEFAULT_MAX_WAIT_S,
        ignore: Sequence[Path] = (),
    ) -> None:
        self.folders = [Path(f) for f in folders]
        self._on_dirty = on_dirty
        self._debounce_s = debounce_s
        self._max_wait_s = max_wait_s
        self._ignore = {str(p) for p in ignore}
        self._dirty: set[Path] = set()
        self._first: float | None = None
        self._last = 0.0
        self._cond = threading.Condition()
        self._stopping = False
        self._observer: Any = None
        self._thread: threading.Thread | None = None
        self.unwatchable: list[Path] = []
        self.mode = WatchMode.EVENTS

    def start(self) -> WatchMode:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                watcher._note(event)

        self._observer = Observer()
        handler = Handler()
        for folder in self.folders:
            try:
                self._observer.schedule(handler, str(folder), recursive=True)
            except OSError as exc:
                if exc.errno not in _WATCH_LIMIT_ERRORS and folder.is_dir():
                    raise
                self.unwatchable.append(folder)  # watch limit, or an unplugged drive
        if self.unwatchable:
            self.mode = WatchMode.PERIODIC
        self._observer.start()
        self._thread = threading.Thread(target=self._dispatch, name="photosift-watch", daemon=True)
        self._thread.start()
        return self.mode

    def stop(self) -> None:
        """Stop observing and dispatching; waits for both threads."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _note(self, event: Any) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "")]
        relevant = [
            Path(p)
            for p in paths
            if p and p not in self._ignore and (event.is_directory or _is_photo(p))
        ]
        # A folder's own "modified" fires for any file written in it: only a folder that
        # appeared, vanished or moved (a whole album copied or renamed) matters.
        ignored = ("opened", "closed_no_write") + (("modified",) if event.is_directory else ())
        if event.event_type in ignored or not relevant:
            return
        with self._cond:
            now = time.monotonic()
            for path in relevant:
                root = self._root_of(path)
                if root is not None:
                    self._dirty.add(root)
            if self._dirty:
                self._first = self._first or now
                self._last = now
                self._cond.notify_all()

    def _root_of(self, path: Path) -> Path | None:
        for folder in self.folders:
            if path == folder or folder in path.parents:
                return folder
        return None

    def _dispatch(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and not self._due():
                    self._cond.wait(timeout=self._wait_time())
                if self._stopping:
                    return
                batch, self._dirty, self._first = self._dirty, set(), None
            self._on_dirty(batch)

    def _due(self) -> bool:
        if not self._dirty or self._first is None:
            return False
        now = time.monotonic()
        return now - self._last >= self._debounce_s or now - self._first >= self._max_wait_s

    def _wait_time(self) -> float | None:
        if self._first is None:
            return None
        now = time.monotonic()
        quiet = self._last + self._debounce_s - now
        return max(0.01, min(quiet, self._first + self._max_wait_s - now))


def _is_photo(path: str) -> bool:
    return Path(path).suffix.lower().lstrip(".") in IMAGE_EXTENSIONS


def watch_library(
    store: Store,
    model: ClipModel | OnnxClipModel,
    *,
    on_event: Callable[[WatchEvent], None] | None = None,
    on_mode: Callable[[WatchMode, list[Path]], None] | None = None,
    cancel: CancelToken | None = None,
    debounce_s: float = DEFAULT_DEBOUNCE_S,
    max_wait_s: float = DEFAULT_MAX_WAIT_S,
    fallback_interval_s: float = DEFAULT_FALLBACK_INTERVAL_S,
    workers: int | None = None,
) -> None:
    """Keep the library's folders indexed until `cancel` (the headless `photosift watch`).

    Runs on the calling thread with its `store`: a reconcile scan first, then one scan of
    the dirty folders per debounced batch, a full reconcile after a sleep, and every
    `fallback_interval_s` when some folder could not be watched.
    """
    from photosift.core.library.indexer import index_library

    cancel = cancel or CancelToken()
    report = on_event or (lambda _e: None)
    pending: set[Path] = set()
    wake = threading.Condition()

    def dirty(folders: set[Path]) -> None:
        with wake:
            pending.update(folders)
            wake.notify_all()

    def scan(folders: list[Path], reason: str) -> None:
        summary = index_library(store, model, folders, workers=workers, cancel=cancel)
        report(WatchEvent(folders, summary, reason))

    roots = [Path(root.path) for root in store.roots()]
    scan(roots, "start")
    watcher = FolderWatcher(
        roots, dirty, debounce_s=debounce_s, max_wait_s=max_wait_s, ignore=_library_files(store)
    )
    mode = watcher.start()
    if on_mode is not None:
        on_mode(mode, watcher.unwatchable)
    last_reconcile = time.monotonic()
    wall, mono = time.time(), time.monotonic()
    try:
        while not cancel.cancelled:
            with wake:
                wake.wait_for(lambda: bool(pending) or cancel.cancelled, timeout=0.5)
                batch = sorted(pending)
                pending.clear()
            if cancel.cancelled:
                break
            slept = (time.time() - wall) - (time.monotonic() - mono) > _RESUME_JUMP_S
            periodic = (
                mode is WatchMode.PERIODIC
                and time.monotonic() - last_reconcile >= fallback_interval_s
            )
            wall, mono = time.time(), time.monotonic()
            if slept or periodic:
                scan(roots, "resume" if slept else "periodic")
                last_reconcile = time.monotonic()
            elif batch:
                scan(batch, "changes")
    finally:
        watcher.stop()


def _library_files(store: Store) -> list[Path]:
    base = store.path
    return [base, base.with_name(base.name + "-wal"), base.with_name(base.name + "-shm")]
