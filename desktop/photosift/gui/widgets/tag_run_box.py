"""The "Auto-tag" box: what to tag, how far it got, and whether sidecars are written.

Presentation only: the tag panel connects the buttons to its work and reports back through
``set_ready``, ``show_running``, ``show_progress`` and ``set_status``.

Interface: buttons ``selected_button``, ``folder_button``, ``library_button``, ``cancel_button``;
``xmp_check`` (off unless the owner says otherwise); ``status_text()``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class TagRunBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None, *, write_xmp: bool = False) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Auto-tag"))
        self.selected_button = QPushButton(self.tr("Selected"))
        self.folder_button = QPushButton(self.tr("This Folder"))
        self.library_button = QPushButton(self.tr("Whole Library"))
        self.progress = QProgressBar()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.xmp_check = QCheckBox(self.tr("Write XMP sidecars"))
        self.xmp_check.setToolTip(
            self.tr(
                "Also write the tags into a .xmp file beside each photo, for Lightroom, digiKam and "
                "darktable. The photos themselves are never changed."
            )
        )
        self.xmp_check.setChecked(write_xmp)
        self.model_hint = QLabel(self.tr("Auto-tagging starts working once the model has loaded."))
        self.model_hint.setWordWrap(True)
        self.model_hint.setEnabled(False)
        self._status = QLabel()
        self._status.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (self.selected_button, self.folder_button, self.library_button):
            buttons.addWidget(button)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        column = QVBoxLayout(self)
        column.addLayout(buttons)
        column.addLayout(running)
        column.addWidget(self.xmp_check)
        column.addWidget(self.model_hint)
        column.addWidget(self._status)
        self.show_running(False)

    def set_ready(
        self, *, model_loaded: bool, running: bool, selection_count: int, folder: Path | None
    ) -> None:
        ready = model_loaded and not running
        self.selected_button.setText(self.tr("Selected (%1)").replace("%1", str(selection_count)))
        self.selected_button.setEnabled(ready and selection_count > 0)
        self.folder_button.setEnabled(ready and folder is not None)
        self.folder_button.setToolTip(str(folder) if folder else "")
        self.library_button.setEnabled(ready)
        self.model_hint.setVisible(not model_loaded)

    def show_running(self, running: bool) -> None:
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def set_status(self, text: str) -> None:
        self._status.setText(text)

    def status_text(self) -> str:
        return self._status.text()
