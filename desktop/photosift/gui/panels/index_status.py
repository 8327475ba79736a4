"""Indexing progress for the status bar: count, rate, time left, and pause/resume/cancel.

It shows what the indexing controller reports and sends the user's buttons back as signals; it
owns no thread and knows nothing of the core beyond the progress fields it displays.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSignalBlocker, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget


def format_duration(seconds: float) -> str:
    # Spelled out (not via a local alias) so that pyside6-lupdate sees the context.
    if seconds < 60:
        return QCoreApplication.translate("IndexStatus", "{n} s").format(n=max(1, round(seconds)))
    if seconds < 3600:
        return QCoreApplication.translate("IndexStatus", "{n} min").format(n=round(seconds / 60))
    return QCoreApplication.translate("IndexStatus", "{h} h {m} min").format(
        h=int(seconds // 3600), m=round(seconds % 3600 / 60)
    )


class IndexStatus(QWidget):
    pause_toggled = Signal(bool)  # True = pause
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(180)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        self.pause_button = QToolButton(self)
        self.pause_button.setText(self.tr("Pause"))
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(self._on_pause_toggled)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText(self.tr("Stop"))
        self.cancel_button.setToolTip(
            self.tr("Stop indexing; what is done is kept and the rest resumes later")
        )
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.pause_button)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)

    def start(self) -> None:
        with QSignalBlocker(self.pause_button):
            self.pause_button.setChecked(False)
            self.pause_button.setText(self.tr("Pause"))
        self.bar.setRange(0, 0)
        self.label.setText(self.tr("Looking for photos…"))
        self.cancel_button.setEnabled(True)
        self.setVisible(True)

    @Slot(object)
    def show_progress(self, progress: object) -> None:
        """`progress` is the core's IndexProgress (done, total, rate, eta_s, phase)."""
        done, total = progress.done, progress.total  # type: ignore[attr-defined]
        counts = {"done": f"{done:,}", "total": f"{total:,}"}
        if total:
            # QProgressBar.setValue repaints synchronously, and a synchronous paint in the status
            # bar flushes the whole window (the grid with thousands of rows): up to 0.6 s per
            # call while cataloguing. With updates off it only schedules an ordinary paint.
            self.bar.setUpdatesEnabled(False)
            self.bar.setRange(0, total)
            self.bar.setValue(done)
            self.bar.setUpdatesEnabled(True)
            self.bar.update()
        if self.pause_button.isChecked():
            parts = [self.tr("Paused at {done} of {total}").format(**counts)]
        elif getattr(progress, "phase", "") == "scanning":
            parts = [self.tr("Looking for photos… {done} found").format(**counts)]
        elif getattr(progress, "phase", "") == "text":
            parts = [self.tr("Reading text in photos: {done} of {total}").format(**counts)]
        elif not total:
            parts = [self.tr("Nothing new to index")]
        else:
            if getattr(progress, "phase", "") == "cataloguing":
                parts = [self.tr("Adding photos: {done} of {total}").format(**counts)]
            else:
                parts = [self.tr("Analysing for search: {done} of {total}").format(**counts)]
            rate = getattr(progress, "rate", 0) or 0
            if rate > 0:
                parts.append(self.tr("{rate} photos/s").format(rate=f"{rate:.1f}"))
            eta = getattr(progress, "eta_s", None)
            if eta is not None:
                parts.append(self.tr("{time} left").format(time=format_duration(eta)))
        self.label.setText(" · ".join(parts))

    def stopping(self) -> None:
        self.label.setText(self.tr("Stopping after the current batch…"))
        self.cancel_button.setEnabled(False)
        self.pause_button.setEnabled(False)

    def finish(self) -> None:
        self.pause_button.setEnabled(True)
        self.setVisible(False)

    def _on_pause_toggled(self, paused: bool) -> None:
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.pause_toggled.emit(paused)
