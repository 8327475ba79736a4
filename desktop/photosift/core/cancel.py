"""A cancel/pause flag shared between a long job and whoever controls it.

Long core jobs (indexing, tagging) run on a worker thread and poll this token between units of
work; the GUI or a signal handler flips it from another thread. Events rather than bare booleans
so a paused job sleeps instead of spinning, and wakes at once when resumed or cancelled.
"""

from __future__ import annotations

import threading


class CancelToken:
    """Thread-safe: `cancel()`, `pause()` and `resume()` may be called from any thread."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def cancel(self) -> None:
        """Ask the job to stop; also wakes a paused job so it can notice."""
        self._cancelled.set()
        self._running.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def pause(self) -> None:
        if not self.cancelled:
            self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_if_paused(self, timeout: float | None = None) -> bool:
        """Block while paused; return False when the job should stop (cancelled).

        `timeout` bounds the wait (None = until resumed or cancelled); a still-paused token
        after the timeout returns True so the caller can loop and report "paused".
        """
        self._running.wait(timeout)
        return not self.cancelled
