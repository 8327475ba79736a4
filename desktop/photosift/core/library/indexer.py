"""Index a library: scan, then decode on a thread pool while the model embeds on this thread.

Shape of a run, and why:
- Scan first (stat only), apply moves and removals in one transaction, then embed what is new
  or changed. Each batch (photo rows + vectors + skips) is one transaction, so a kill loses
  at most the batch in flight and the next run picks up exactly the files not yet stored.
- Decoding (Pillow releases the GIL) and preprocessing run on worker threads; the forward pass
  runs on the calling thread. Only a window of a few batches is submitted at a time, so memory
  stays flat however large the library.
- A decode that exceeds `decode_timeout` is recorded as TIMEOUT and abandoned: a thread cannot
  be killed, so its worker is written off and replaced, and every worker is a daemon so that a
  hung decoder never keeps the process alive.
- Cancel is checked between files and honoured by committing the part-batch collected so far;
  pause is honoured between batches.
"""

from __future__ import annotations

import os
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from photosift.core.cancel import CancelToken
from photosift.core.imaging.decode import IMAGE_EXTENSIONS, ImageSkip, SkipReason
from photosift.core.imaging.decode_pool import DecodePool, DecodeTimeout
from photosift.core.library.batches import Prepared, commit_outcomes, prepare_file
from photosift.core.library.folders import add_folders
from photosift.core.library.records import ACTIVE_MODEL_SETTING
from photosift.core.library.scanner import ScanPlan, Work, plan_changes, walk_root
from photosift.core.library.store import Store
from photosift.core.paths import display_path

if TYPE_CHECKING:
    import torch

    from photosift.core.model.loader import ClipModel

DEFAULT_DECODE_TIMEOUT = 30.0
WINDOW_BATCHES = 2  # batches decoded ahead of the one being embedded


@dataclass
class IndexProgress:
    done: int
    total: int
    rate: float  # photos per second in the embedding phase
    eta_s: float | None
    current: str | None  # printable path of the file just handled
    phase: str  # "scanning" | "embedding" | "done"


@dataclass
class IndexSummary:
    indexed: int = 0
    unchanged: int = 0  # includes previously skipped files that were not retried
    moved: int = 0
    removed: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # SkipReason value -> files this run
    offline_roots: list[str] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    removed_ids: list[int] = field(default_factory=list)  # photo rows deleted by this run

    def to_dict(self) -> dict[str, Any]:
        """JSON-able counts (without the id list)."""
        data = asdict(self)
        del data["removed_ids"]
        return data


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def index_library(
    store: Store,
    model: ClipModel,
    roots: Sequence[str | Path] | None = None,
    *,
    batch_size: int = 32,
    workers: int | None = None,
    progress: Callable[[IndexProgress], None] | None = None,
    on_batch: Callable[[list[int]], None] | None = None,
    cancel: CancelToken | None = None,
    decode_timeout: float = DEFAULT_DECODE_TIMEOUT,
    include_hidden: bool = False,
) -> IndexSummary:
    """Bring the library's vectors for `model` up to date with the files on disk.

    `roots` are added to the library first (None = every root it has). Skipped files are not
    errors: they are counted in the summary and listed by `Store.skipped_files()`.
    """
    cancel = cancel or CancelToken()
    workers = workers or default_workers()
    report = progress or (lambda _p: None)
    run = plan_index(store, model, roots, workers=workers, report=report, cancel=cancel,
                     include_hidden=include_hidden)  # fmt: skip
    if run.plan is None:
        return finish_index(store, model, run, cancelled=True)
    embedder = _Embedder(store, model, run.model_id, batch_size, report, on_batch, cancel)
    embedder.run(run.plan.work, workers, decode_timeout, run.summary)
    finished = finish_index(store, model, run, cancelled=cancel.cancelled)
    if not cancel.cancelled:
        total = len(run.plan.work)
        report(IndexProgress(total, total, embedder.rate(), 0.0, None, "done"))
    return finished


@dataclass
class IndexRun:
    """A run between its scan and its end: what to embed, and the summary so far."""

    model_id: int
    summary: IndexSummary
    started: float
    plan: ScanPlan | None  # None: cancelled while scanning, nothing was applied


def plan_index(
    store: Store,
    model: ClipModel,
    roots: Sequence[str | Path] | None,
    *,
    workers: int,
    report: Callable[[IndexProgress], None],
    cancel: CancelToken,
    include_hidden: bool = False,
) -> IndexRun:
    """Scan, plan and apply moves/removals; what is left to embed is `plan.work`.

    Shared with the cluster indexer, which embeds `plan.work` elsewhere and commits each batch
    with `commit_outcomes`, then calls `finish_index` like a local run.
    """
    started = time.monotonic()
    summary = IndexSummary()
    model_id = store.register_model(model.spec, model.dim, model.preprocess_cfg).id
    listings = []
    for root in store.roots() if roots is None else add_folders(store, roots):

        def found(n: int, where: str = root.path) -> None:
            report(IndexProgress(n, 0, 0.0, None, where, "scanning"))

        listing = walk_root(
            root.path, IMAGE_EXTENSIONS, include_hidden=include_hidden, cancel=cancel, on_found=found
        )
        listings.append((root, listing))
    if cancel.cancelled:
        return IndexRun(model_id, summary, started, None)
    plan = plan_changes(store, model_id, listings, workers=workers)
    for root in plan.offline_roots:
        store.set_root_online(root.id, False)
    for root in plan.online_roots:
        if not root.online:
            store.set_root_online(root.id, True)
    store.apply_scan(plan.moves, plan.removed_photo_ids, plan.removed_skip_ids)
    summary.unchanged = plan.unchanged + plan.skipped_unchanged
    summary.moved = len(plan.moves)
    summary.removed = len(plan.removed_photo_ids)
    summary.removed_ids = list(plan.removed_photo_ids)
    summary.offline_roots = [r.path for r in plan.offline_roots]
    return IndexRun(model_id, summary, started, plan)


def finish_index(store: Store, model: ClipModel, run: IndexRun, *, cancelled: bool) -> IndexSummary:
    """Close a run: a complete one marks its folders scanned and makes `model` the active one."""
    summary = run.summary
    if not cancelled and run.plan is not None:
        for root in run.plan.online_roots:
            store.mark_root_scanned(root.id)
        store.set_setting(ACTIVE_MODEL_SETTING, model.spec)
    summary.cancelled = cancelled
    summary.seconds = time.monotonic() - run.started
    return summary


class _Embedder:
    """The batch loop: collect prepared files in order, embed, commit, report."""

    def __init__(
        self,
        store: Store,
        model: ClipModel,
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
        self.started = time.monotonic()

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def run(self, work: list[Work], workers: int, timeout: float, summary: IndexSummary) -> None:
        if not work:
            return
        self.total, self.started = len(work), time.monotonic()
        skipped: Counter[str] = Counter()
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

    def _embed(self, tensors: list[torch.Tensor]) -> list:
        if not tensors:
            return []
        import torch

        return list(self.model.encode_image_batch(torch.stack(tensors)))

    def _progress(self, item: Work) -> None:
        rate = self.rate()
        eta = (self.total - self.done) / rate if rate > 0 else None
        current = display_path(item.abspath)
        self.report(IndexProgress(self.done, self.total, rate, eta, current, "embedding"))
