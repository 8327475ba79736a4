"""Loads the CLIP model on its own lane after the window is up.

Why: `import torch, open_clip` alone takes 4-5 s and loading weights more; the window must
appear in under a second and stay usable for browsing meanwhile (or for good, when the model
cannot be had). So the import happens here, inside the worker, never on the GUI thread's path.

Which model: the service's policy for browsing (core/library/model_choice.py: the user's
setting, else the model the library was indexed with, else the default). `ready` carries the
service's `LoadedModel`, which also lists the models the library has vectors for, so the window
can say "indexed with another model" and offer to re-index.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from photosift.gui.workers import Job, Lane

if TYPE_CHECKING:
    from photosift.service.library import LoadedModel


def load_for_library(requested: str | None, device: str, db_path: Path) -> LoadedModel:
    """Runs on the worker: choose the model for this library (service policy), then load it."""
    from photosift.core.library.model_choice import ModelUse
    from photosift.service.library import PhotoLibrary

    with PhotoLibrary.open(db_path) as library:
        return library.load_model(requested, ModelUse.BROWSE, device)


class ModelLoader(QObject):
    """Owns the model lane. Signals: `loading(spec_or_empty)`, `ready(LoadedModel)`,
    `unavailable(message)` (no weights and no way to fetch them), `failed(message)`."""

    loading = Signal(str)
    ready = Signal(object)
    unavailable = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lane = Lane("model", self)
        self.loaded: LoadedModel | None = None
        self._job: Job | None = None

    @property
    def busy(self) -> bool:
        return self._lane.busy

    def load(self, requested: str | None, device: str, db_path: Path) -> None:
        """Start loading; a load already under way is superseded (its result is dropped)."""
        job = Job(lambda ctx: load_for_library(requested, device, db_path), "load-model")
        job.succeeded.connect(lambda loaded: self._on_loaded(job, loaded))
        job.failed.connect(lambda error: self._on_failed(job, error))
        self._job = job
        self.loading.emit(requested or "")
        self._lane.submit(job, supersede=True)

    def _on_loaded(self, job: Job, loaded: LoadedModel) -> None:
        if job is not self._job:
            return
        self.loaded = loaded
        self.ready.emit(loaded)

    def _on_failed(self, job: Job, error: Exception) -> None:
        if job is not self._job:
            return
        from photosift.core.errors import ModelUnavailableError, PhotoSiftError
        from photosift.gui.remedies import describe

        if isinstance(error, ModelUnavailableError):
            self.unavailable.emit(str(error))  # the dialog itself offers the model folder
        elif isinstance(error, PhotoSiftError):
            self.failed.emit(describe(error))
        else:
            self.failed.emit(self.tr("The model could not be loaded: {error}").format(error=error))

    def shutdown(self) -> None:
        self._lane.shutdown()
