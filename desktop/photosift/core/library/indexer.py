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
from photosift.core.imaging.decode_pool import DecodePool, DecodeTimeout
from photosift.core.errors import PhotoSiftError, StoreError
from photosift.core.imaging.fingerprint import fingerprint_file
from photosift.core.imaging.decode import IMAGE_EXTENSIONS, ImageSkip, SkipReason, decode_image
from photosift.core.paths import display_path
from photosift.core.library.scanner import Work, plan_changes, walk_root
from photosift.core.library.store import PhotoWrite, Root, SkipWrite, Store

if TYPE_CHECKING:
    import numpy as np
    import torch

    from photosift.core.model.loader import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel

__all__ = [
    "DEFAULT_DECODE_TIMEOUT",
    "DecodePool",  # re-exported: it lives in decode_pool, callers may import it from here
    "DecodeTimeout",
    "FolderNotFoundError",
    "IndexProgress",
    "IndexSummary",
    "check_folders",
    "default_workers",
    "index_library",
]

DEFAULT_DECODE_TIMEOUT = 30.0
WINDOW_BATCHES = 2  # batches decoded ahead of the one being embedded


class FolderNotFoundError(PhotoSiftError):
    """A folder given to index does not exist (and the library does not know it)."""


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


@dataclass
class _Prepared:
    tensor: torch.Tensor | np.ndarray  # the model's preprocess() output
    width: int
    height: int
    taken_at: float | None
    camera: str | None
    fingerprint: str


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))


def index_library(
    store: Store,
    model: ClipModel | OnnxClipModel,
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
    started = time.monotonic()
    cancel = cancel or CancelToken()
    workers = workers or default_workers()
    report = progress or (lambda _p: None)
    summary = IndexSummary()
    model_id = store.register_model(model.spec, model.dim, model.preprocess_cfg).id
    check_precision(store, model_id, model)
    listings = []
    for root in _resolve_roots(store, roots):
        listing = walk_root(
            root.path,
            IMAGE_EXTENSIONS,
            include_hidden=include_hidden,
            cancel=cancel,
            on_found=lambda n, where=root.path: report(
                IndexProgress(n, 0, 0.0, None, where, "scanning")
            ),
        )
        listings.append((root, listing))
    if cancel.cancelled:
        return _finish(summary, started, cancelled=True)
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
    embedder = _Embedder(store, model, model_id, batch_size, report, on_batch, cancel)
    embedder.run(plan.work, workers, decode_timeout, summary)
    if cancel.cancelled:
        return _finish(summary, started, cancelled=True)
    for root in plan.online_roots:
        store.mark_root_scanned(root.id)
    store.set_setting("active_model", model.spec)
    report(IndexProgress(len(plan.work), len(plan.work), embedder.rate(), 0.0, None, "done"))
    return _finish(summary, started, cancelled=False)


def check_precision(store: Store, model_id: int, model: ClipModel | OnnxClipModel) -> None:
    """Record the precision of the vectors about to be written, refusing to add them to a
    library whose vectors of this model are int8 when this build's int8 guard failed: int8
    vectors only stand in for fp32 ones when the guard says they are close enough."""
    stored = store.vector_precisions(model_id)
    precision = model.precision.value
    info = getattr(model, "info", None)
    guard_failed = info is not None and (info.guard is None or not info.guard.passed)
    if "int8" in stored and precision != "int8" and guard_failed:
        raise StoreError(
            f"This library's photos were embedded with the int8 image tower of '{model.spec}', "
            f"but its int8 guard now fails ({info.describe()}), so new photos would be embedded "
            f"in {precision} and the two must not be mixed. Re-index: "
            f"photosift index --reindex --model {model.spec}"
        )
    store.add_vector_precision(model_id, precision)


def _finish(summary: IndexSummary, started: float, *, cancelled: bool) -> IndexSummary:
    summary.cancelled = cancelled
    summary.seconds = time.monotonic() - started
    return summary


def check_folders(store: Store | None, folders: Sequence[str | Path]) -> list[Path]:
    """Resolved folders, or FolderNotFoundError for one that is neither on disk nor a known
    root (a known root may be missing: its drive is unplugged, and it is marked offline)."""
    resolved = []
    for given in folders:
        path = Path(given).expanduser().resolve()
        if not path.is_dir() and (store is None or store.root_by_path(str(path)) is None):
            raise FolderNotFoundError(
                f"The folder {display_path(path)} does not exist or is not a folder. "
                "Check the path and try again."
            )
        resolved.append(path)
    return resolved


def _resolve_roots(store: Store, roots: Sequence[str | Path] | None) -> list[Root]:
    if roots is None:
        return store.roots()
    return [
        store.root_by_path(str(path)) or store.add_root(path)
        for path in check_folders(store, roots)
    ]


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
                batch: list[tuple[Work, _Prepared | ImageSkip]] = []
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

    def _prepare(self, work: Work) -> _Prepared | ImageSkip:
        """Runs on a worker thread: everything that does not need the model's forward pass."""
        try:
            decoded = decode_image(work.abspath, min_side=self.model.input_size)
            fingerprint = work.fingerprint or fingerprint_file(work.abspath)
            tensor = self.model.preprocess(decoded.image)
        except ImageSkip as skip:
            return skip
        except FileNotFoundError:
            return ImageSkip(SkipReason.VANISHED, "the file was moved or deleted while reading it")
        except Exception as exc:  # a bug or an OS error must cost one file, not the run
            return ImageSkip(SkipReason.ERROR, f"{type(exc).__name__}: {exc}"[:300])
        return _Prepared(
            tensor, decoded.width, decoded.height, decoded.taken_at, decoded.camera, fingerprint
        )

    @staticmethod
    def _outcome(pool: DecodePool, task: Any, timeout: float) -> _Prepared | ImageSkip:
        try:
            return pool.result(task)
        except DecodeTimeout:
            return ImageSkip(SkipReason.TIMEOUT, f"decoding took longer than {timeout:g} s")

    def _commit(self, batch: list[tuple[Work, _Prepared | ImageSkip]], skipped: Counter) -> int:
        ready = [(w, p) for w, p in batch if isinstance(p, _Prepared)]
        vectors = self._embed([p.tensor for _, p in ready])
        photos = [
            PhotoWrite(
                root_id=w.root_id, relpath=w.stored_relpath, size=w.found.size,
                mtime_ns=w.found.mtime_ns, fingerprint=p.fingerprint,
                file_type=w.found.file_type, width=p.width, height=p.height,
                taken_at=p.taken_at, camera=p.camera, vector=vector, photo_id=w.photo_id,
                keep_other_vectors=w.keep_other_vectors,
            )
            for (w, p), vector in zip(ready, vectors)
        ]  # fmt: skip
        skips = [
            SkipWrite(
                w.root_id, w.stored_relpath, w.found.size, w.found.mtime_ns,
                s.reason.value, s.detail, remember=s.reason is not SkipReason.VANISHED,
            )
            for w, s in batch
            if isinstance(s, ImageSkip)
        ]  # fmt: skip
        skipped.update(s.reason for s in skips)
        self.removed_ids += [
            w.photo_id for w, s in batch if isinstance(s, ImageSkip) and w.photo_id is not None
        ]
        if not batch:
            return 0
        ids = self.store.commit_batch(self.model_id, photos, skips)
        if self.on_batch is not None:
            self.on_batch(ids)
        return len(ids)

    def _embed(self, tensors: list) -> list:
        return list(self.model.encode_prepared(tensors)) if tensors else []

    def _progress(self, item: Work) -> None:
        rate = self.rate()
        eta = (self.total - self.done) / rate if rate > 0 else None
        current = display_path(item.abspath)
        self.report(IndexProgress(self.done, self.total, rate, eta, current, "embedding"))
