"""Progress of a long byte transfer (a model download, a model folder copy) as users read it.

One `TransferMeter` per transfer turns byte counts into `TransferProgress` reports with speed
and time left, for the CLI's stderr line and the GUI's progress dialog alike. The speed is
measured over the last few seconds (a download slows and speeds up), and neither speed nor
time left is reported before a second of data: an early estimate from one burst is a lie
users remember. Reports are throttled; the last one (everything done) is always delivered.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from photosift.core.cancel import CancelToken

__all__ = [
    "ProgressCallback",
    "TransferCancelled",
    "TransferMeter",
    "TransferProgress",
    "format_bytes",
]

_WINDOW_S = 5.0  # speed is measured over this many recent seconds
_MIN_SPAN_S = 1.0  # no speed or time left before this much data
_REPORT_EVERY_S = 0.2


def format_bytes(count: float) -> str:
    """Bytes in decimal units, as download sizes are quoted (605 MB, 1.5 GB)."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{int(count)} B"


def _format_duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


@dataclass(frozen=True)
class TransferProgress:
    """One report. `resumed_bytes` of `done_bytes` were already on disk from an earlier try."""

    done_bytes: int
    total_bytes: int
    resumed_bytes: int
    bytes_per_s: float | None  # None until there is enough data to say
    eta_s: float | None
    current: str  # the file being transferred

    @property
    def fraction(self) -> float:
        return self.done_bytes / self.total_bytes if self.total_bytes else 1.0

    def describe(self) -> str:
        """ "312.4 MB of 605.0 MB (52 %) · 8.1 MB/s · 36 s left"."""
        percent = int(self.fraction * 100)  # rounded down, as progress bars do: 100 % means done
        text = f"{format_bytes(self.done_bytes)} of {format_bytes(self.total_bytes)} ({percent}%)"
        if self.bytes_per_s:
            text += f" · {format_bytes(self.bytes_per_s)}/s"
        if self.eta_s is not None and self.done_bytes < self.total_bytes:
            text += f" · {_format_duration(self.eta_s)} left"
        return text


ProgressCallback = Callable[[TransferProgress], None]


class TransferCancelled(Exception):
    """Raised inside a transfer loop when its CancelToken is cancelled; the caller turns it
    into a message that says what was kept."""


class TransferMeter:
    """Counts bytes of one transfer, checks the cancel token, and reports progress.

    `add(n)` is called for every chunk, before it is written: a cancelled token raises
    TransferCancelled there, so the chunk in hand is not counted and the byte counts stay equal
    to what is on disk.
    """

    def __init__(
        self,
        total_bytes: int,
        *,
        resumed_bytes: int = 0,
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total_bytes = total_bytes
        self.resumed_bytes = resumed_bytes
        self._progress = progress
        self._cancel = cancel
        self._clock = clock
        self._finished_bytes = 0  # files completed
        self._file_bytes = 0  # the current file
        self._current = ""
        self._samples: deque[tuple[float, int]] = deque()
        self._last_report = float("-inf")

    @property
    def done_bytes(self) -> int:
        return self._finished_bytes + self._file_bytes

    def check_cancel(self) -> None:
        if self._cancel is not None and self._cancel.cancelled:
            raise TransferCancelled

    def start_file(self, name: str, already: int = 0) -> None:
        """A new file starts, `already` bytes of it on disk (a resumed download)."""
        self.check_cancel()
        self._current, self._file_bytes = name, already
        if not self._samples:
            self._samples.append((self._clock(), self.done_bytes))
        self.report()

    def restart_file(self, already: int) -> None:
        """The current file's count is reset (e.g. the server ignored a Range request)."""
        self._file_bytes = already

    def add(self, count: int) -> None:
        self.check_cancel()
        self._file_bytes += count
        self.report()

    def end_file(self) -> None:
        self._finished_bytes += self._file_bytes
        self._file_bytes = 0

    def report(self, *, force: bool = False) -> None:
        now = self._clock()
        if self._progress is None or (not force and now - self._last_report < _REPORT_EVERY_S):
            return
        self._last_report = now
        done = self.done_bytes
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= _WINDOW_S:
            self._samples.popleft()
        since, then = self._samples[0]
        speed = (done - then) / (now - since) if now - since >= _MIN_SPAN_S else None
        eta = (self.total_bytes - done) / speed if speed else None
        self._progress(
            TransferProgress(done, self.total_bytes, self.resumed_bytes, speed, eta, self._current)
        )
