"""Finding duplicates and trashing the ones the user marked, on a lane of their own.

Why a lane: reading every vector, the neighbour search and decoding candidate thumbnails take
seconds on a large library; trashing files is file-system I/O. Neither may run on the GUI
thread, and neither should wait behind an indexing batch or a search. Answers come back as
signals carrying the core's plain values (DuplicateReport, Trashed).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from photosift.gui.remedies import describe
from photosift.gui.workers import Job, JobContext, Lane, thread_library


class DuplicatesController(QObject):
    found = Signal(object)  # DuplicateReport
    trashed = Signal(object)  # Trashed
    failed = Signal(str)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self._lane = Lane("duplicates", self)
        self._search: Job | None = None

    def find(self, threshold: float) -> None:
        """Look for duplicate groups; a newer request supersedes one still running."""

        def work(ctx: JobContext) -> object:
            return thread_library(ctx, self.db_path).find_duplicates(
                threshold=threshold, cancel=ctx.cancel
            )

        self.cancel()  # not the lane's supersede: that would also cancel a queued trash job
        job = Job(work, "duplicates")

        def answer(report: object) -> None:
            if not job.cancelled:  # a newer search is on its way
                self.found.emit(report)

        job.succeeded.connect(answer)
        job.failed.connect(lambda error: self.failed.emit(describe(error)))
        self._search = self._lane.submit(job)

    def trash(self, photo_ids: Sequence[int], keep: Sequence[int]) -> None:
        """Move the photos' files to the system trash (the user confirmed the list)."""
        remove, kept = list(photo_ids), list(keep)
        job = Job(
            lambda ctx: thread_library(ctx, self.db_path).trash_photos(remove, keep=kept), "trash"
        )
        job.succeeded.connect(self.trashed.emit)
        job.failed.connect(lambda error: self.failed.emit(describe(error)))
        self._lane.submit(job)  # the lane holds the job until its own `finished`

    def cancel(self) -> None:
        if self._search is not None:
            self._search.cancel()

    def shutdown(self) -> None:
        self._lane.cancel_all()
        self._lane.shutdown()
