"""Loads the CLIP model on its own lane after the window is up.

Why: `import torch, open_clip` alone takes 4-5 s and loading weights more; the window must
appear in under a second and stay usable for browsing meanwhile (or for good, when the model
cannot be had). So the import happens here, inside the worker, never on the GUI thread's path.

Which model: the service's policy for browsing (core/library/model_choice.py: the user's
setting, else the model the library was indexed with, else the default). `ready` carries the
service's `LoadedModel`, which also lists the models the library has vectors for, so the window
can say "indexed with another model" and offer to re-index. When the chosen model is one the
library is switching to, the library's own model is loaded too (`LoadedModel.serving`): its
vectors serve searches while the indexing lane re-embeds with the new one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from photosift.gui.workers import Job, JobContext, Lane

if TYPE_CHECKING:
    from collections.abc import Sequence

    from photosift.core.cancel import CancelToken
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.core.model.transfer import ProgressCallback, TransferProgress
    from photosift.service.library import LoadedModel


def load_for_library(
    requested: str | None,
    device: str,
    db_path: Path,
    *,
    import_folder: bool = False,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    in_memory: Sequence[ClipModel | OnnxClipModel] = (),
) -> LoadedModel:
    """Runs on the worker: import a chosen model folder into the model cache when asked, then
    choose the model for this library (service policy) and load it (downloading on first use),
    with the library's own model while switching to it (`in_memory`: models already loaded)."""
    from photosift.core.library.model_choice import ModelUse
    from photosift.service.library import PhotoLibrary

    if import_folder and requested and requested.startswith("local-dir:"):
        from photosift.core.model.folder_import import import_model_folder

        copy = import_model_folder(
            Path(requested.removeprefix("local-dir:")), progress=progress, cancel=cancel
        )
        requested = f"local-dir:{copy}"
    with PhotoLibrary.open(db_path) as library:
        loaded = library.load_model(
            requested, ModelUse.BROWSE, device, progress=progress, cancel=cancel
        )
        return library.with_serving_model(loaded, device, cancel=cancel, in_memory=in_memory)


class ModelLoader(QObject):
    """Owns the model lane. Signals: `loading(spec_or_empty)`, `transfer(TransferProgress)` (a
    first-run download or a model folder being copied), `ready(LoadedModel)`,
    `unavailable(message)` (no weights and no way to fetch them), `cancelled(message)` (the user
    stopped a download or copy: what was kept), `failed(message)`."""

    loading = Signal(str)
    transfer = Signal(object)
    ready = Signal(object)
    unavailable = Signal(str)
    cancelled = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lane = Lane("model", self)
        self.loaded: LoadedModel | None = None
        self._device = ""  # the device asked for by the latest load
        self._job: Job | None = None

    @property
    def busy(self) -> bool:
        return self._lane.busy

    def load(
        self, requested: str | None, device: str, db_path: Path, *, import_folder: bool = False
    ) -> None:
        """Start loading; a load already under way is superseded (its result is dropped).
        `import_folder`: `requested` is local-dir:FOLDER, to be copied into the model cache first."""

        previous = self.loaded
        in_memory = (
            [m for m in (previous.model, previous.serving) if m is not None]
            if previous is not None and device == self._device
            else []
        )  # switching from the model in use: it serves searches meanwhile, not loaded twice
        self._device = device

        def work(ctx: JobContext) -> LoadedModel:
            return load_for_library(
                requested,
                device,
                db_path,
                import_folder=import_folder,
                progress=ctx.progress,
                cancel=ctx.cancel,
                in_memory=in_memory,
            )

        job = Job(work, "load-model")
        job.progress.connect(lambda progress: self._on_progress(job, progress))
        job.succeeded.connect(lambda loaded: self._on_loaded(job, loaded))
        job.failed.connect(lambda error: self._on_failed(job, error))
        self._job = job
        self.loading.emit(requested or "")
        self._lane.submit(job, supersede=True)

    def cancel(self) -> None:
        """Stop the download or copy under way (the worker stops within one chunk)."""
        if self._job is not None:
            self._job.cancel()

    def _on_progress(self, job: Job, progress: TransferProgress) -> None:
        if job is self._job:
            self.transfer.emit(progress)

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

        if job.cancelled and isinstance(error, ModelUnavailableError):
            self.cancelled.emit(str(error))
        elif isinstance(error, ModelUnavailableError):
            self.unavailable.emit(str(error))  # the dialog itself offers the model folder
        elif isinstance(error, PhotoSiftError):
            self.failed.emit(describe(error))
        else:
            self.failed.emit(self.tr("The model could not be loaded: {error}").format(error=error))

    def shutdown(self) -> None:
        self._lane.shutdown()
