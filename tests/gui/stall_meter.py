"""How long the GUI thread was unable to run: the figure behind "the window never freezes"."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer


class StallMeter:
    """A 10 ms timer on the GUI thread; the longest gap between ticks is the worst stall."""

    def __init__(self) -> None:
        from time import perf_counter

        self._clock = perf_counter
        self.timer = QTimer(interval=10)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.longest_ms = 0.0
        self.ticks = 0
        self._last = 0.0

    def start(self) -> None:
        self._last = self._clock()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = self._clock()
        self.longest_ms = max(self.longest_ms, (now - self._last) * 1000)
        self._last = now
        self.ticks += 1
