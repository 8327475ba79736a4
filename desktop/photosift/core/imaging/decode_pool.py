"""A decode thread pool that survives hung decoders.

Why not concurrent.futures: its pool joins its (non-daemon) threads at exit and cannot retire
a thread stuck inside a C decoder. The indexer needs a hung file to cost one TIMEOUT skip, not
the whole run or a process that never exits, so this pool writes such a thread off, replaces
it, and makes every worker a daemon.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

WORKER_NAME = "photosift-decode"


class DecodeTimeout(Exception):
    """A task ran longer than the pool's timeout; its thread was written off."""


@dataclass
class _Task:
    payload: Any
    future: Future = field(default_factory=Future)
    started: float | None = None
    thread: threading.Thread | None = None


class DecodePool:
    """Daemon worker threads that survive hung tasks.

    concurrent.futures' pool joins its (non-daemon) threads at exit and cannot retire one
    stuck in a C decoder; here a task past `timeout` is reported as DecodeTimeout, its thread
    is left to finish (or not) on its own and a fresh thread takes its place.
    """

    def __init__(self, fn: Callable[[Any], Any], *, workers: int, timeout: float) -> None:
        self._fn, self._timeout = fn, timeout
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._abandoned: set[threading.Thread] = set()
        self._threads: set[threading.Thread] = set()
        self._lock = threading.Lock()
        for _ in range(max(1, workers)):
            self._spawn()

    def _spawn(self) -> None:
        thread = threading.Thread(target=self._work, name=WORKER_NAME, daemon=True)
        with self._lock:
            self._threads.add(thread)
        thread.start()

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            task = self._queue.get()
            if task is None:
                return
            if not task.future.set_running_or_notify_cancel():
                continue
            task.thread, task.started = me, time.monotonic()
            try:
                task.future.set_result(self._fn(task.payload))
            except BaseException as exc:
                task.future.set_exception(exc)
            with self._lock:
                if me in self._abandoned:
                    self._threads.discard(me)
                    return

    def submit(self, payload: Any) -> _Task:
        task = _Task(payload)
        self._queue.put(task)
        return task

    def result(self, task: _Task) -> Any:
        """Wait for `task`; DecodeTimeout once it has *run* (not queued) past the timeout."""
        while True:
            started = task.started
            wait = 0.2 if started is None else started + self._timeout - time.monotonic()
            try:
                return task.future.result(timeout=max(wait, 0.0))
            except FutureTimeout:
                if task.started is None or time.monotonic() - task.started < self._timeout:
                    continue
            with self._lock:
                if task.future.done():
                    return task.future.result()
                if task.thread is not None:
                    self._abandoned.add(task.thread)
                    self._threads.discard(task.thread)
            self._spawn()
            raise DecodeTimeout

    def close(self) -> None:
        """Drop queued tasks, stop the workers and wait for those still running.

        Waiting matters: a worker still inside torch or a C decoder when the interpreter
        finalises is killed by pthread_exit, and unwinding that through C++ aborts the process
        ("terminate called without an active exception"). A running task is waited for at most
        `timeout`; a hung (abandoned) thread is never waited for.
        """
        while True:
            try:
                task = self._queue.get_nowait()
            except queue.Empty:
                break
            if task is not None:
                task.future.cancel()
        with self._lock:
            threads = list(self._threads)
        for _ in threads:
            self._queue.put(None)
        deadline = time.monotonic() + self._timeout
        for thread in threads:
            if thread is threading.current_thread():
                continue
            thread.join(max(0.0, deadline - time.monotonic()))


def stuck_workers() -> list[threading.Thread]:
    """Decode threads still alive: hung inside a decoder, or still finishing after close()."""
    return [t for t in threading.enumerate() if t.name == WORKER_NAME and t.is_alive()]
