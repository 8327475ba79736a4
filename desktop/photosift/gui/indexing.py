"""Runs the core catalog and indexer on its own lane and tells the window what it does.

Why it looks like this:
- Only this lane writes photos and vectors, with its own Store, one batch per transaction: a
  window closed mid-index cancels the token, the current batch commits or rolls back whole,
  and the next start resumes where it stopped (the catalog skips what is recorded, analysis
  what already has a vector).
- Without a model a run only catalogs (photos become browsable); with one it catalogs, then
  analyses. Catalogued batches arrive as ready-made `PhotoItem`s read on the worker
  (`photos_added`), so the GUI thread only inserts rows; analysed batches arrive as ids
  (`photos_analysed`) for the search index.
- Asking to index while a run is under way queues the folders for one more run, rather than
  starting a second writer.
- Switching the library to another model is an ordinary run with the new model: the old
  model's vectors keep serving search meanwhile (the window loads both), a cancelled run is
  resumed by the next start, and `last_model_spec` says which model a finished run was for.
- After the embedding, the same job reads the words in the photos not read yet (the text pass,
  core/library/text_pass.py) unless `read_text` is off; its progress has phase "text".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from photosift.gui.remedies import describe
from photosift.gui.results_model import PhotoItem
from photosift.gui.workers import Job, JobContext, Lane, thread_library

if TYPE_CHECKING:
    from photosift.core.library.catalog import CatalogSummary
    from photosift.core.library.indexer import IndexSummary
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel


@dataclass(frozen=True)
class _Catalogued:
    items: list[PhotoItem]


@dataclass(frozen=True)
class _Analysed:
    photo_ids: list[int]


class IndexController(QObject):
    started = Signal()
    progress = Signal(object)  # core IndexProgress
    photos_added = Signal(list)  # list[PhotoItem] one catalog batch recorded
    photos_analysed = Signal(list)  # list[int] one analysis batch gave vectors
    finished = Signal(object)  # core IndexSummary, or CatalogSummary for a run without model
    failed = Signal(str)
    idle = Signal()  # after finished/failed, when no queued run follows

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db_path = db_path
        self.batch_size = 32  # photos per analysis batch
        self.catalog_batch_size = 128  # photos per catalog batch (core CATALOG_BATCH)
        self.read_text = False  # Settings.read_text: the text pass after embedding
        self._lane = Lane("index", self)
        self._job: Job | None = None
        self._queued: list[Path] | None = None
        self._queued_all = False
        self._queued_model: ClipModel | OnnxClipModel | None = None
        self.last_summary: object | None = None
        self.last_model_spec: str | None = None  # the model of the run `finished` reports

    @property
    def running(self) -> bool:
        return self._job is not None

    @property
    def paused(self) -> bool:
        return self._job is not None and self._job.token.paused

    def start(
        self, model: ClipModel | OnnxClipModel | None, roots: list[Path] | None = None
    ) -> None:
        """Catalog `roots` (None = every folder of the library), then analyse them with
        `model`; `model` None catalogs only. A run queued behind this one keeps the newest
        model asked for (a catalog-only request never drops a model already queued)."""
        if self._job is not None:
            if roots is None:
                self._queued_all = True
            else:
                self._queued = (self._queued or []) + list(roots)
            self._queued_model = model or self._queued_model
            return
        job = Job(lambda ctx: self._work(ctx, model, roots), "index")
        job.progress.connect(self.progress.emit)
        job.partial.connect(self._on_partial)
        job.succeeded.connect(lambda summary: self._on_succeeded(summary, model))
        job.failed.connect(lambda error: self.failed.emit(describe(error)))
        job.finished.connect(lambda: self._on_finished(job))
        self._job = job
        self.started.emit()
        self._lane.submit(job)

    def pause(self) -> None:
        if self._job is not None:
            self._job.pause()

    def resume(self) -> None:
        if self._job is not None:
            self._job.resume()

    def cancel(self) -> None:
        """Stop after the batch in hand; nothing queued runs."""
        self._queued, self._queued_all = None, False
        if self._job is not None:
            self._job.cancel()

    def shutdown(self) -> None:
        self.cancel()
        self._lane.shutdown()

    def _work(
        self, ctx: JobContext, model: ClipModel | OnnxClipModel | None, roots: list[Path] | None
    ) -> CatalogSummary | IndexSummary:
        library = thread_library(ctx, self.db_path)

        def on_catalogued(photo_ids: list[int]) -> None:
            ctx.partial(
                _Catalogued([PhotoItem.from_record(r) for r in library.store.photos(photo_ids)])
            )

        def on_analysed(photo_ids: list[int]) -> None:
            ctx.partial(_Analysed(list(photo_ids)))

        if model is None:
            return library.catalog(
                roots or (), batch_size=self.catalog_batch_size, progress=ctx.progress,
                on_batch=on_catalogued, cancel=ctx.cancel,
            )  # fmt: skip
        summary = library.index(
            model,
            roots or (),
            batch_size=self.batch_size,
            catalog_batch_size=self.catalog_batch_size,
            progress=ctx.progress,
            on_batch=on_analysed,
            on_catalogued=on_catalogued,
            cancel=ctx.cancel,
        )
        library.set_reads_text(self.read_text)
        if not summary.cancelled:
            library.read_text(progress=ctx.progress, cancel=ctx.cancel)
        return summary

    def _on_partial(self, batch: object) -> None:
        if isinstance(batch, _Catalogued):
            self.photos_added.emit(batch.items)
        elif isinstance(batch, _Analysed):
            self.photos_analysed.emit(batch.photo_ids)

    def _on_succeeded(self, summary: object, model: ClipModel | OnnxClipModel | None) -> None:
        self.last_summary = summary
        self.last_model_spec = model.spec if model is not None else None
        self.finished.emit(summary)

    def _on_finished(self, job: Job) -> None:
        if job is not self._job:
            return
        self._job = None
        model = self._queued_model
        if model is None:
            self.idle.emit()
        elif self._queued_all:
            self._queued, self._queued_all = None, False
            self.start(model)
        elif self._queued:
            roots, self._queued = self._queued, None
            self.start(model, roots)
        else:
            self.idle.emit()
