"""Run core work off the GUI thread and hear about it through Qt signals.

Why it looks like this:
- The core reports through plain callbacks and checks a `CancelToken`; a `Job` turns those
  callbacks into signals (`progress`, `partial`) and its return value into `succeeded`.
- A `Lane` is one long-lived QThread that runs its jobs one after another. Each kind of work gets
  its own lane (model loading, indexing, searching, tagging), so an interactive search never
  waits behind an indexing batch, and only the indexing lane writes photos to SQLite.
- Cancelling sets the job's token directly from the GUI thread. A queued "cancel" slot would
  never run while the worker thread is busy inside the very loop it is meant to stop.
- Thread-bound resources (an sqlite3 connection may only be used, and closed, by the thread that
  opened it) live in `JobContext.state`, a dict private to the lane's thread; the lane closes
  them on its own thread when it shuts down.
- One owner: the lane holds its thread (`quit -> finished -> deleteLater` on shutdown) and every
  job until the job's `finished`. A job object stays on the GUI thread (only its work runs on the
  lane's thread), so its signals reach GUI-thread receivers queued, lambdas included, and a
  caller holding a finished job can still read it; Python frees it when nobody does.

Use::

    def work(ctx: JobContext):                  # runs on the lane's thread
        store = thread_store(ctx, db_path)      # that thread's own Store, kept open
        return tag_photos(store, ..., progress=ctx.progress, cancel=ctx.cancel)

    job = Job(work, "tagging")
    job.progress.connect(self.on_progress)      # handlers (methods, lambdas) run on the GUI
    job.succeeded.connect(self.on_done)         # thread, queued there by Qt
    job.failed.connect(self.on_failed)          # receives the exception (PhotoSiftError: show str)
    self.lane.submit(job)                       # self.lane = Lane("tagging", parent=self)
    ...
    job.cancel()                                # or lane.cancel_all(); lane.shutdown() on close
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

from photosift.core.cancel import CancelToken

if TYPE_CHECKING:
    from photosift.core.library.store import Store
    from photosift.service.library import PhotoLibrary

log = logging.getLogger(__name__)

R = TypeVar("R")


class JobContext:
    """What a job function gets: the cancel token, two reporting callbacks and lane state."""

    def __init__(self, job: Job, state: dict[str, Any]) -> None:
        self._job = job
        self.cancel: CancelToken = job.token
        self.state = state

    @property
    def cancelled(self) -> bool:
        return self.cancel.cancelled

    def progress(self, value: object) -> None:
        """Pass as the core's `progress=` callback; becomes `Job.progress` on the GUI side."""
        self._job.progress.emit(value)

    def partial(self, value: object) -> None:
        """Report part of the result early (e.g. photos committed by one indexing batch)."""
        self._job.partial.emit(value)


class Job(QObject, Generic[R]):
    """One piece of work for a lane, returning an R. `finished` always comes last, whatever happened.

    Qt signals carry `object`; `on_success`/`on_failure` are the typed way to connect (as
    superqt's typed workers do), so a receiver's parameter type is checked against R.
    """

    progress = Signal(object)
    partial = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, function: Callable[[JobContext], R], name: str = "job") -> None:
        super().__init__()
        self.setObjectName(name)
        self._function = function
        self.token = CancelToken()
        self.done = False

    def on_success(self, slot: Callable[[R], object]) -> Job[R]:
        """Connect `slot` to the job's result (queued to the GUI thread); returns the job."""
        self.succeeded.connect(slot)
        return self

    def on_failure(self, slot: Callable[[Exception], object]) -> Job[R]:
        """Connect `slot` to the job's exception (queued to the GUI thread); returns the job."""
        self.failed.connect(slot)
        return self

    def cancel(self) -> None:
        """Ask the job to stop at its next check. Safe from any thread; does not wait."""
        self.token.cancel()

    def pause(self) -> None:
        self.token.pause()

    def resume(self) -> None:
        self.token.resume()

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def run(self, state: dict[str, Any]) -> None:
        """Called on the lane's thread. A job cancelled before it started does no work."""
        try:
            if not self.token.cancelled:
                value = self._function(JobContext(self, state))
                self.succeeded.emit(value)
        except Exception as exc:  # the GUI shows it; a worker thread must never die silently
            if not isinstance(exc, _expected_errors()):
                log.exception("%s failed", self.objectName())
            self.failed.emit(_as_library_error(exc, state))
        finally:
            self.done = True
            self.finished.emit()


def _as_library_error(exc: Exception, state: dict[str, Any]) -> Exception:
    """A raw storage failure (SQLite's "disk I/O error" on a full disk) as the library's own
    error, judged against the lane's library file as the CLI judges it against --db."""
    from photosift.core.errors import PhotoSiftError
    from photosift.core.library.store_failures import explain_failure

    if isinstance(exc, PhotoSiftError):
        return exc
    paths = [store.path for key, store in state.items() if key.startswith("store:")]
    return explain_failure(exc, paths[0] if len(paths) == 1 else None) or exc


def _expected_errors() -> tuple[type[Exception], ...]:
    from photosift.core.errors import PhotoSiftError

    return (PhotoSiftError,)


class _Runner(QObject):
    """Lives on the lane's thread; runs each job it is handed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.state: dict[str, Any] = {}

    @Slot(object)
    def run_job(self, job: Job) -> None:
        job.run(self.state)

    @Slot()
    def release_state_and_quit(self) -> None:
        """Close thread-bound resources (Stores, engines) on the thread that opened them.

        Queued behind every job already handed over, and it ends the thread's event loop itself:
        a `quit()` from outside could end the loop before this ran.
        """
        for value in self.state.values():
            close = getattr(value, "close", None)
            if callable(close):
                try:
                    close()
                except Exception:
                    log.exception("closing %r failed", value)
        self.state.clear()
        QThread.currentThread().quit()


class Lane(QObject):
    """A named worker thread that owns its jobs. Jobs submitted to it run one at a time."""

    idle = Signal()
    _dispatch = Signal(object)
    _release = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._jobs: list[Job] = []
        self._thread = QThread()
        self._thread.setObjectName(f"photosift-{name}")
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._dispatch.connect(self._runner.run_job)
        self._release.connect(self._runner.release_state_and_quit)
        self._thread.finished.connect(self._thread.deleteLater)
        self._thread.start()
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def jobs(self) -> list[Job]:
        """Jobs submitted and not yet finished, oldest first."""
        return list(self._jobs)

    def submit(self, job: Job, *, supersede: bool = False) -> Job:
        """Queue `job`; with `supersede`, earlier jobs of this lane are cancelled first.

        Connect the job's signals before submitting: it may start at once. After `shutdown()`
        nothing new starts (late signals during a window's close may still ask): the job is
        cancelled and never runs.
        """
        if self._closed:
            log.debug("lane %s is shut down; %s not run", self.objectName(), job.objectName())
            job.cancel()
            return job
        if supersede:
            self.cancel_all()
        self._jobs.append(job)
        job.finished.connect(self._on_job_finished)
        self._dispatch.emit(job)
        return job

    def run(
        self, function: Callable[[JobContext], R], name: str = "job", **handlers: Callable[..., Any]
    ) -> Job[R]:
        """Shortcut: build a Job, connect `succeeded=`, `failed=`, `progress=`... handlers, submit."""
        job = Job(function, name)
        for signal_name, handler in handlers.items():
            getattr(job, signal_name).connect(handler)
        return self.submit(job)

    def cancel_all(self) -> None:
        for job in self._jobs:
            job.cancel()

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Cancel everything, release thread state, stop the thread. True if it stopped in time.

        A thread still busy after `timeout_ms` (a forward pass, a model load: work that cannot
        be interrupted) is left to finish on its own, kept referenced so Qt never destroys a
        running thread; the app's exit does not wait for it (see app.run_app)."""
        if self._closed:
            return True
        self._closed = True
        self.cancel_all()
        for job in self._jobs:
            job.resume()
        self._release.emit()
        stopped = self._thread.wait(max(0, timeout_ms))
        if not stopped:
            log.warning(
                "lane %s still busy after %d ms; not waiting for it", self.objectName(), timeout_ms
            )
            # The thread and the runner living on it must outlive this lane (whose parent may
            # be deleted next); both go when the thread has finished.
            _still_running[self._thread] = self._runner
            self._thread.finished.connect(
                lambda thread=self._thread: _still_running.pop(thread, None)
            )
        # Let go of the jobs now: the lane's parent may be deleted next. A "finished" already
        # queued is delivered even after the disconnect, so `_on_job_finished` checks `_closed`.
        for job in self._jobs:
            job.finished.disconnect(self._on_job_finished)
        self._jobs.clear()
        return stopped

    @Slot()
    def _on_job_finished(self) -> None:
        """Let go of the one job whose `finished` this is, and say `idle` after the last one.

        Only the sender goes: `Job.done` turns true on the worker thread, so other jobs may be
        done there while their `succeeded` still waits in the GUI thread's queue. Dropping them
        here would free them (the lane is often their only owner) and lose those results, and
        `idle` would come before them.
        """
        if self._closed:  # a late delivery after shutdown(), maybe to a deleted lane: touch no Qt
            return
        finished = self.sender()
        self._jobs = [job for job in self._jobs if job is not finished]
        if not self._jobs:
            self.idle.emit()


_still_running: dict[QThread, _Runner] = {}


def lanes_still_running() -> int:
    """Lane threads that outlived their shutdown() and are still finishing their job."""
    return sum(1 for thread in _still_running if thread.isRunning())


class Deadline:
    """One time budget shared by several waits (closing the window stops every lane)."""

    def __init__(self, seconds: float) -> None:
        self._end = time.monotonic() + seconds

    def remaining_ms(self) -> int:
        return max(0, int((self._end - time.monotonic()) * 1000))


def thread_store(ctx: JobContext, db_path: Path) -> Store:
    """The lane thread's own Store for `db_path`, opened on first use and kept open.

    sqlite3 connections belong to the thread that opened them, so each lane has its own; the
    lane closes it on its thread at shutdown.
    """
    from photosift.core.library.store import Store

    key = f"store:{db_path}"
    store = ctx.state.get(key)
    if store is None:
        store = ctx.state[key] = Store(db_path)
    return store


def thread_library(ctx: JobContext, db_path: Path) -> PhotoLibrary:
    """The library service on the lane thread's own Store (see `thread_store`)."""
    from photosift.service.library import PhotoLibrary

    return PhotoLibrary(thread_store(ctx, db_path))
