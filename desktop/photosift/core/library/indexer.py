"""Index a library: catalog it (no model), then analyse what is pending with the model.

Shape of a run, and why:
- Phase one is core.library.catalog: list, stat and read headers, so every photo is in the
  library (browsable, filterable) before any model work starts. It also applies moves,
  removals and offline verdicts in one transaction: a removal is soft (the photo is hidden, and
  forgotten with its tags only after REMOVAL_GRACE_DAYS or when the user confirms,
  `Store.purge_removed`); a photo whose folder is unavailable is offline, never removed.
- Phase two embeds the catalogued photos that have no vector of this model yet, read from the
  store (`Store.pending_photos`), so a run killed in either phase resumes exactly where it
  stopped. Each batch (vectors + skips) is one transaction: a kill loses at most the batch in
  flight.
- Decoding (Pillow releases the GIL) and preprocessing run on worker threads; the forward pass
  runs on the calling thread. Only a window of a few batches is submitted at a time, so memory
  stays flat however large the library.
- A decode that exceeds `decode_timeout` is recorded as TIMEOUT and abandoned: a thread cannot
  be killed, so its worker is written off and replaced, and every worker is a daemon so that a
  hung decoder never keeps the process alive.
- Cancel is checked between files and honoured by committing the part-batch collected so far;
  pause is honoured between batches.
- Indexing with a model other than the one the library searches with is a model switch
  (core/library/model_choice.py): the old vectors keep serving search until a run with the
  new model completes, and only then does the new model become the library's.
"""

from __future__ import annotations

import os
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photosift.core.cancel import CancelToken
from photosift.core.errors import Remedy, StoreError
from photosift.core.imaging.decode import ImageSkip, SkipReason
from photosift.core.imaging.decode_pool import DecodePool, DecodeTimeout
from photosift.core.library.analysis_records import PendingPhoto
from photosift.core.library.batches import Prepared, commit_outcomes, prepare_file
from photosift.core.library.catalog import CATALOG_BATCH, CatalogSummary, catalog_library
from photosift.core.library.model_choice import begin_model_switch, finish_model_switch
from photosift.core.library.photo_records import photo_abspath
from photosift.core.library.progress import IndexPhase, IndexProgress, RateEstimator
from photosift.core.library.raw_pairs import joins_raw_pairs
from photosift.core.library.scanner import FoundFile, Work
from photosift.core.library.store import Store
from photosift.core.paths import decode_relpath, display_path

if TYPE_CHECKING:
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel

DEFAULT_DECODE_TIMEOUT = 30.0
WINDOW_BATCHES = 2  # batches decoded ahead of the one being embedded


@dataclass
class IndexSummary(CatalogSummary):
    """The catalog phase's counts plus the analysis phase's."""

    indexed: int = 0  # photos analysed (given a vector) by this run


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def index_library(
    store: Store,
    model: ClipModel | OnnxClipModel,
    roots: Sequence[str | Path] | None = None,
    *,
    batch_size: int = 32,
    catalog_batch_size: int = CATALOG_BATCH,
    workers: int | None = None,
    progress: Callable[[IndexProgress], None] | None = None,
    on_batch: Callable[[list[int]], None] | None = None,
    on_catalogued: Callable[[list[int]], None] | None = None,
    cancel: CancelToken | None = None,
    decode_timeout: float = DEFAULT_DECODE_TIMEOUT,
    include_hidden: bool = False,
) -> IndexSummary:
    """Catalog the folders, then bring the library's vectors for `model` up to date.

    `roots` are added to the library first (None = every root it has). Skipped files are not
    errors: they are counted in the summary and listed by `Store.skipped_files()`.
    `on_catalogued` gets the ids of each catalogued batch, `on_batch` those of each analysed
    batch.
    """
    cancel = cancel or CancelToken()
    workers = workers or default_workers()
    report = progress or (lambda _p: None)
    run = plan_index(
        store, model, roots, workers=workers, report=report, cancel=cancel,
        catalog_batch_size=catalog_batch_size, on_catalogued=on_catalogued,
        include_hidden=include_hidden,
    )  # fmt: skip
    if run.work is None or run.model_id is None:
        return finish_index(store, model, run, cancelled=True)
    embedder = _Embedder(store, model, run.model_id, batch_size, report, on_batch, cancel)
    embedder.run(run.work, workers, decode_timeout, run.summary)
    summary = finish_index(store, model, run, cancelled=cancel.cancelled)
    if not summary.cancelled:
        total = len(run.work)
        report(IndexProgress(total, total, embedder.rates.rate(), 0.0, None, IndexPhase.DONE))
    return summary


@dataclass
class IndexRun:
    """A run between its catalog phase and its end: what is left to analyse, the summary so far."""

    model_id: int | None  # None (and `work` None): cancelled while cataloguing
    summary: IndexSummary
    started: float
    work: list[Work] | None


def plan_index(
    store: Store,
    model: ClipModel | OnnxClipModel,
    roots: Sequence[str | Path] | None,
    *,
    workers: int,
    report: Callable[[IndexProgress], None],
    cancel: CancelToken,
    catalog_batch_size: int = CATALOG_BATCH,
    on_catalogued: Callable[[list[int]], None] | None = None,
    include_hidden: bool = False,
) -> IndexRun:
    """Catalog the folders and list the photos still without a vector of `model`.

    Shared with the cluster indexer, which embeds `work` elsewhere, commits each batch with
    `batches.commit_outcomes` and then calls `finish_index` like a local run.
    """
    started = time.monotonic()
    catalog = catalog_library(
        store, roots, batch_size=catalog_batch_size, workers=workers, progress=report,
        on_batch=on_catalogued, cancel=cancel, include_hidden=include_hidden,
    )  # fmt: skip
    summary = IndexSummary(**asdict(catalog))
    if catalog.cancelled:
        return IndexRun(None, summary, started, None)
    model_id = store.register_model(
        model.spec, model.dim, model.preprocess_cfg, getattr(model, "content_hash", None)
    ).id
    check_precision(store, model_id, model)
    begin_model_switch(store, model.spec)  # a new model: the old one serves search meanwhile
    # The RAW of a joined pair is not analysed: its JPEG stands for it (analysis_records.py).
    pending = store.pending_photos(
        model_id, catalog.online_root_ids, with_hidden_raws=not joins_raw_pairs(store)
    )
    # Photos catalogued by an earlier run but never analysed count as work, not unchanged.
    summary.unchanged -= min(summary.unchanged, max(0, len(pending) - catalog.catalogued))
    return IndexRun(model_id, summary, started, [_pending_work(p) for p in pending])


def finish_index(
    store: Store, model: ClipModel | OnnxClipModel, run: IndexRun, *, cancelled: bool
) -> IndexSummary:
    """Close a run: a complete one makes `model` the library's active model (ending a switch
    to it, core/library/model_choice.py)."""
    if not cancelled and run.work is not None:
        finish_model_switch(store, model.spec)
    run.summary.cancelled = cancelled
    run.summary.seconds = time.monotonic() - run.started
    return run.summary


def check_precision(store: Store, model_id: int, model: ClipModel | OnnxClipModel) -> None:
    """Record the precision of the vectors about to be written, refusing to add them to a
    library whose vectors of this model are int8 when this build's int8 guard failed: int8
    vectors only stand in for fp32 ones when the guard says they are close enough."""
    stored = store.vector_precisions(model_id)
    precision = model.precision.value
    info = getattr(model, "info", None)
    guard_failed = info is not None and (info.guard is None or not info.guard.passed)
    if info is not None and "int8" in stored and precision != "int8" and guard_failed:
        raise StoreError(
            f"This library's photos were embedded with the int8 image tower of '{model.spec}', "
            f"but its int8 guard now fails ({info.describe()}), so new photos would be embedded "
            f"in {precision} and the two must not be mixed.",
            remedy=Remedy.REINDEX_MODEL,
            spec=model.spec,
        )
    store.add_vector_precision(model_id, precision)


def _pending_work(photo: PendingPhoto) -> Work:
    """A catalogued photo as analysis work: its row is updated, other models' vectors kept."""
    found = FoundFile(decode_relpath(photo.relpath), photo.size, photo.mtime_ns)
    return Work(
        photo.root_id, photo_abspath(photo.root_path, photo.relpath), found,
        photo_id=photo.id, keep_other_vectors=True, fingerprint=photo.fingerprint,
    )  # fmt: skip


class _Embedder:
    """The batch loop: collect prepared files in order, embed, commit, report."""

    def __init__(
        self,
        store: Store,
        model: ClipModel | OnnxClipModel,
        model_id: int,
        batch_size: int,
        report: Callable[[IndexProgress], None],
        on_batch: Callable[[list[int]], None] | None,
        cancel: CancelToken,
    ) -> None:
        self.store, self.model, self.model_id = store, model, model_id
        self.batch_size = max(1, batch_size)
        self.report, self.on_batch, self.cancel = report, on_batch, cancel
        self.done = 0
        self.total = 0
        self.removed_ids: list[int] = []
        self.rates = RateEstimator(0)

    def run(self, work: list[Work], workers: int, timeout: float, summary: IndexSummary) -> None:
        if not work:
            return
        self.total, self.rates = len(work), RateEstimator(len(work))
        skipped: Counter[str] = Counter(summary.skipped)
        pool = DecodePool(self._prepare, workers=workers, timeout=timeout)
        pending = deque(work)
        in_flight: deque = deque()
        window = self.batch_size * (WINDOW_BATCHES + 1)
        try:
            while pending or in_flight:
                if not self.cancel.wait_if_paused():
                    break
                batch: list[tuple[Work, Prepared | ImageSkip]] = []
                while (pending or in_flight) and len(batch) < self.batch_size:
                    while pending and len(in_flight) < window:
                        item = pending.popleft()
                        in_flight.append((item, pool.submit(item)))
                    if self.cancel.cancelled:
                        break
                    item, task = in_flight.popleft()
                    batch.append((item, self._outcome(pool, task, timeout)))
                    self.done += 1
                    self._progress(item)
                summary.indexed += self._commit(batch, skipped)
                self.rates.batch_done(self.done)
                if self.cancel.cancelled:
                    break
        finally:
            pool.close()
            summary.skipped = dict(sorted(skipped.items()))
            summary.removed_ids += self.removed_ids

    def _prepare(self, work: Work) -> Prepared | ImageSkip:
        """Runs on a worker thread: everything that does not need the model's forward pass."""
        return prepare_file(
            work.abspath, work.fingerprint, self.model.preprocess, self.model.input_size
        )

    @staticmethod
    def _outcome(pool: DecodePool, task: Any, timeout: float) -> Prepared | ImageSkip:
        try:
            return pool.result(task)
        except DecodeTimeout:
            return ImageSkip(SkipReason.TIMEOUT, f"decoding took longer than {timeout:g} s")

    def _commit(self, batch: list[tuple[Work, Prepared | ImageSkip]], skipped: Counter) -> int:
        vectors = self._embed([p.tensor for _, p in batch if isinstance(p, Prepared)])
        outcomes = [(w, p.facts if isinstance(p, Prepared) else p) for w, p in batch]
        result = commit_outcomes(self.store, self.model_id, outcomes, vectors)
        skipped.update(result.skip_reasons)
        self.removed_ids += result.removed_ids
        if batch and self.on_batch is not None:
            self.on_batch(result.photo_ids)
        return len(result.photo_ids)

    def _embed(self, tensors: list) -> list:
        return list(self.model.encode_prepared(tensors)) if tensors else []

    def _progress(self, item: Work) -> None:
        current = display_path(item.abspath)
        self.report(
            IndexProgress(
                self.done,
                self.total,
                self.rates.rate(),
                self.rates.eta(self.done),
                current,
                IndexPhase.EMBEDDING,
            )
        )
