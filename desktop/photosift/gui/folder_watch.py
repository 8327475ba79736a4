"""Folder watching while the app runs: changed folders are handed to the indexer.

Why it looks like this: the core's FolderWatcher (watchdog) reports dirty library folders
from its own thread; a signal carries them to the GUI thread, which asks the existing
IndexController to rescan just those folders (it queues them behind a running index, and
the indexing lane stays the only writer). Starting and stopping observers walks the folder
trees (inotify watches every subfolder), so that runs on a lane of its own, never on the GUI
thread. The window already rescans every folder when its model is ready (events were not
heard while the app was closed); this asks for another reconcile when the wall clock jumps ahead of the monotonic clock (the
machine slept). When the system cannot watch a folder (Linux inotify limit), `mode_changed`
says so and a timer reconciles periodically instead.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from photosift.gui.workers import JobContext, Lane

if TYPE_CHECKING:
    from photosift.core.library.watcher import FolderWatcher

RESUME_CHECK_MS = 10_000
RESUME_JUMP_S = 30.0
PERIODIC_MS = 300_000


class FolderWatchController(QObject):
    dirty = Signal(list)  # list[Path]: library folders with changes, debounced
    reconcile = Signal()  # every folder should be rescanned (start, resume, periodic)
    mode_changed = Signal(object, list)  # WatchMode, list[Path] that cannot be watched

    def __init__(self, library_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library_file = library_file
        self._lane = Lane("watch", self)
        self._folders: list[Path] = []
        self._watcher: FolderWatcher | None = None
        self._wall, self._mono = time.time(), time.monotonic()
        self._resume_timer = QTimer(self)
        self._resume_timer.timeout.connect(self._check_resume)
        self._resume_timer.start(RESUME_CHECK_MS)
        self._periodic = QTimer(self)
        self._periodic.timeout.connect(self.reconcile.emit)

    @property
    def folders(self) -> list[Path]:
        return list(self._folders)

    def set_folders(self, folders: Sequence[Path]) -> None:
        """Watch exactly these folders (restarts the observers only when the set changed)."""
        wanted = sorted(Path(f) for f in folders)
        if wanted == self._folders:
            return
        self._folders = wanted

        def work(ctx: JobContext) -> tuple[object, list[Path]]:
            from photosift.core.library.watcher import FolderWatcher

            if self._watcher is not None:
                self._watcher.stop()
                self._watcher = None
            if not wanted:
                return None, []
            files = [
                self._library_file,
                self._library_file.with_name(self._library_file.name + "-wal"),
            ]
            watcher = FolderWatcher(
                wanted, lambda dirty: self.dirty.emit(sorted(dirty)), ignore=files
            )
            mode = watcher.start()
            self._watcher = watcher
            return mode, watcher.unwatchable

        self._lane.run(work, "watch", succeeded=self._on_started)

    def _on_started(self, result: tuple[object, list[Path]]) -> None:
        from photosift.core.library.watcher import WatchMode

        mode, unwatchable = result
        if mode is None:
            return
        if mode is WatchMode.PERIODIC:
            self._periodic.start(PERIODIC_MS)
        else:
            self._periodic.stop()
        self.mode_changed.emit(mode, unwatchable)

    def _check_resume(self) -> None:
        wall, mono = time.time(), time.monotonic()
        if (wall - self._wall) - (mono - self._mono) > RESUME_JUMP_S:
            self.reconcile.emit()  # the machine slept: events may have been lost
        self._wall, self._mono = wall, mono

    def shutdown(self) -> None:
        """Stop the timers, let a starting watcher finish starting, then stop it (this waits
        for watchdog's threads: none may outlive the window)."""
        self._resume_timer.stop()
        self._periodic.stop()
        self._lane.shutdown()
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None
