"""The quick text check (the CLIP gate of the text pass): calibrate, show, forget, off the GUI thread.

Why a lane of its own: calibrating encodes the gate's prompts with the model and reads every
labelled photo's vector from SQLite; none of that may run on the GUI thread, and it should not
wait behind an indexing batch. The answers are the service's plain `GateCalibration` values
(core/library/text_gate_calibration.py), passed on as signals.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, SignalInstance

from photosift.gui.remedies import describe
from photosift.gui.workers import Job, JobContext, Lane, thread_library

if TYPE_CHECKING:
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel


class TextGateController(QObject):
    shown = Signal(object)  # GateCalibration | None: what the library holds for the model
    calibrated = Signal(object)  # GateCalibration: a new calibration, stored
    forgotten = Signal(bool)  # whether there was a calibration to forget
    failed = Signal(str)  # the error with the GUI's remedy (too few photos read, ...)

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self._lane = Lane("text-gate", self)

    @property
    def busy(self) -> bool:
        return self._lane.busy

    def show(self, model_spec: str) -> None:
        """Look up the stored calibration for `model_spec` (answer: `shown`)."""
        self._submit(
            lambda ctx: thread_library(ctx, self.db_path).text_gate(model_spec),
            "text-gate-show", self.shown,
        )  # fmt: skip

    def calibrate(self, model: ClipModel | OnnxClipModel) -> None:
        """Calibrate on the photos read so far and store it (answer: `calibrated` or `failed`)."""
        self._submit(
            lambda ctx: thread_library(ctx, self.db_path).calibrate_text_gate(model),
            "text-gate-calibrate", self.calibrated,
        )  # fmt: skip

    def forget(self, model_spec: str) -> None:
        """Forget the calibration: indexing detects text in each photo again (`forgotten`)."""
        self._submit(
            lambda ctx: thread_library(ctx, self.db_path).forget_text_gate(model_spec),
            "text-gate-forget", self.forgotten,
        )  # fmt: skip

    def _submit(
        self, work: Callable[[JobContext], object], name: str, answer: SignalInstance
    ) -> None:
        job = Job(work, name)
        job.succeeded.connect(answer.emit)
        job.failed.connect(lambda error: self.failed.emit(describe(error)))
        self._lane.submit(job)

    def shutdown(self) -> None:
        self._lane.cancel_all()
        self._lane.shutdown()
