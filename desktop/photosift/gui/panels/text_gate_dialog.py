"""The "quick text check" dialog: calibrate the CLIP gate of the text pass, see it, forget it.

Interface (for the main window)::

    dialog = TextGateDialog(controller, model, parent=settings_dialog)  # model may be None
    dialog.open()          # asks the controller what the library holds for the model

- ``calibrate()`` / ``forget()`` are what the buttons do; ``status_text()`` is what the dialog
  says now (the measured numbers and whether indexing uses the check, or an error).

Why a dialog of its own, opened from Settings: calibrating takes a few seconds and reports
numbers a person should read before deciding anything, which a check box cannot show. All the
work runs on the controller's lane (gui/text_gate.py); the dialog only asks and shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photosift.gui.text_gate import TextGateController

if TYPE_CHECKING:
    from photosift.core.library.text_gate_calibration import GateCalibration
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel


class TextGateDialog(QDialog):
    def __init__(
        self,
        controller: TextGateController,
        model: ClipModel | OnnxClipModel | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Quick Text Check"))
        self._controller = controller
        self._model = model
        self._stored = False  # the library holds a calibration for the model (can forget it)
        self._build()
        controller.shown.connect(self._show)
        controller.calibrated.connect(self._show)
        controller.forgotten.connect(self._on_forgotten)
        controller.failed.connect(self._show_error)
        if model is None:
            self._status.setText(self.tr("Load a model first: the check is calibrated per model."))
        else:
            self._set_busy(True)
            controller.show(model.spec)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        about = QLabel(
            self.tr(
                "Reading text first looks for text in every photo, about half a second each. "
                "If the model can tell photos with text from the others by their vectors, "
                "indexing skips that look. Calibrating measures this on the photos whose text "
                "has been read (at least 20 with words and 50 without)."
            )
        )
        about.setWordWrap(True)
        layout.addWidget(about)
        self._status = QLabel()
        self._status.setWordWrap(True)
        layout.addWidget(self._status)
        row = QHBoxLayout()
        self.calibrate_button = QPushButton(self.tr("Calibrate"))
        self.calibrate_button.clicked.connect(self.calibrate)
        self.forget_button = QPushButton(self.tr("Forget Calibration"))
        self.forget_button.clicked.connect(self.forget)
        row.addWidget(self.calibrate_button)
        row.addWidget(self.forget_button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.calibrate_button.setEnabled(self._model is not None)
        self.forget_button.setEnabled(False)

    # -- what the buttons do ---------------------------------------------------------------
    def calibrate(self) -> None:
        if self._model is None:
            return
        self._set_busy(True)
        self._status.setText(self.tr("Calibrating…"))
        self._controller.calibrate(self._model)

    def forget(self) -> None:
        if self._model is None:
            return
        self._set_busy(True)
        self._controller.forget(self._model.spec)

    def status_text(self) -> str:
        return self._status.text()

    # -- answers ---------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self.calibrate_button.setEnabled(not busy and self._model is not None)
        self.forget_button.setEnabled(False)

    def _on_forgotten(self, _was_there: bool) -> None:
        self._show(None)

    def _show(self, result: GateCalibration | None) -> None:
        self._set_busy(False)
        self._stored = result is not None
        self.forget_button.setEnabled(self._stored)
        if result is None:
            self._status.setText(self.tr("Not calibrated: indexing looks for text in every photo."))
            return
        measured = (
            self.tr(
                "Measured on %1 photos with words and %2 without: it keeps %3% of the photos "
                "with text and skips %4% of the others."
            )
            .replace("%1", str(result.with_text))
            .replace("%2", str(result.without_text))
            .replace("%3", f"{result.recall:.0%}".rstrip("%"))
            .replace("%4", f"{result.skipped:.0%}".rstrip("%"))
        )
        if result.used:
            verdict = self.tr(
                "Used: indexing decides from each photo's vector whether to read its text."
            )
        elif result.useful:
            verdict = self.tr("Not used: the library searches with another model.")
        else:
            verdict = self.tr(
                "Not used: it would miss too many photos with text or skip too few others, "
                "so indexing keeps looking for text in every photo."
            )
        self._status.setText(f"{measured}\n{verdict}")

    def _show_error(self, message: str) -> None:
        self._set_busy(False)
        self.forget_button.setEnabled(self._stored)
        self._status.setText(message)
