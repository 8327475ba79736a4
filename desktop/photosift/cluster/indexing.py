"""The driver of a cluster run: scan here, embed on the cluster, commit here batch by batch.

Resume semantics are the local run's, because the steps are the local run's: `plan_index`
decides what to embed from what the library already holds, and every batch that comes back is
written by `commit_outcomes` in one transaction. A lost worker is Ray's business (tasks are
retried, actors restarted); a killed driver or a Ctrl-C loses only the batches not yet
committed, and the next run embeds exactly those. Rows are keyed by their index in the work
list, so a row Ray were to deliver twice is written once.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photosift.cluster.errors import SharedStorageError
from photosift.cluster.pipeline import NO_CAMERA, ModelRecipe, row_for, stream_results
from photosift.cluster.session import connect

if TYPE_CHECKING:
    from photosift.core.cancel import CancelToken
    from photosift.core.imaging.decode import ImageSkip
    from photosift.core.library.batches import FileFacts
    from photosift.core.library.indexer import IndexProgress, IndexSummary
    from photosift.core.library.scanner import Work
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel
    from photosift.service.library import PhotoLibrary


@dataclass(frozen=True)
class ClusterOptions:
    address: str  # "local", or a running cluster's address
    workers: int | None = None  # embedding actors (local: also sizes the instance)
    batch_size: int = 32


@dataclass
class ClusterProgress:
    done: int
    total: int
    rate: float  # photos per second across the cluster
    eta_s: float | None
    per_node: dict[str, int] = field(default_factory=dict)  # node id -> photos embedded there


@dataclass
class ClusterSummary:
    summary: IndexSummary
    per_node: dict[str, int]
    actors: int
    device: str


def index_on_cluster(
    library: PhotoLibrary,
    model: ClipModel | OnnxClipModel,
    folders: Sequence[str | Path],
    options: ClusterOptions,
    *,
    reindex: bool = False,
    scan_progress: Callable[[IndexProgress], None] | None = None,
    progress: Callable[[ClusterProgress], None] | None = None,
    cancel: CancelToken | None = None,
) -> ClusterSummary:
    """Bring the library's vectors for `model` up to date, embedding on a Ray cluster."""
    from photosift.core.cancel import CancelToken
    from photosift.core.library.indexer import default_workers, finish_index, plan_index

    cancel = cancel or CancelToken()
    with connect(options.address, options.workers) as placement:
        if reindex:
            library.forget_index(model.spec)
        run = plan_index(
            library.store, model, list(folders) or None, workers=default_workers(),
            report=scan_progress or (lambda _p: None), cancel=cancel,
        )  # fmt: skip
        per_node: Counter[str] = Counter()
        if run.work and run.model_id is not None and not cancel.cancelled:
            writer = _BatchWriter(library, run.model_id, run.work, run.summary, per_node, progress)
            recipe = _recipe(model)
            rows = [row_for(i, w.abspath, w.fingerprint) for i, w in enumerate(run.work)]
            for batch in stream_results(rows, recipe, placement, options.batch_size):
                writer.write(batch)
                if cancel.cancelled:
                    break
        summary = finish_index(library.store, model, run, cancelled=cancel.cancelled)
        return ClusterSummary(summary, dict(per_node), placement.actors, placement.device)


def _recipe(model: ClipModel | OnnxClipModel) -> ModelRecipe:
    from PIL import Image

    probe = model.preprocess(Image.new("RGB", (model.input_size, model.input_size)))
    return ModelRecipe(
        model.spec, json.dumps(model.preprocess_cfg), model.input_size, np.asarray(probe).shape
    )


class _BatchWriter:
    """Turns result columns back into the local indexer's outcomes and commits them."""

    def __init__(
        self,
        library: PhotoLibrary,
        model_id: int,
        work: list[Work],
        summary: IndexSummary,
        per_node: Counter[str],
        progress: Callable[[ClusterProgress], None] | None,
    ) -> None:
        self.library, self.model_id, self.summary = library, model_id, summary
        self.work, self.per_node = work, per_node
        self.progress = progress
        self.written: set[int] = set()
        self.skipped: Counter[str] = Counter(summary.skipped)  # the catalog phase's skips
        self.started = time.monotonic()

    def write(self, batch: dict[str, np.ndarray]) -> None:
        from photosift.core.library.batches import commit_outcomes

        fresh = [i for i, index in enumerate(batch["index"]) if int(index) not in self.written]
        outcomes = [self._outcome(batch, i) for i in fresh]
        self._check_shared_storage(outcomes, [str(batch["node"][i]) for i in fresh])
        vectors = [batch["vector"][i] for i in fresh if bool(batch["ok"][i])]
        result = commit_outcomes(self.library.store, self.model_id, outcomes, vectors)
        summary = self.summary
        summary.indexed += len(result.photo_ids)
        self.skipped.update(result.skip_reasons)
        summary.skipped = dict(sorted(self.skipped.items()))
        summary.removed_ids += result.removed_ids
        self.written.update(int(batch["index"][i]) for i in fresh)
        self.per_node.update(str(batch["node"][i]) for i in fresh)
        self._report()

    def _outcome(self, batch: dict[str, np.ndarray], i: int) -> tuple[Work, FileFacts | ImageSkip]:
        from photosift.core.imaging.decode import ImageSkip, SkipReason
        from photosift.core.library.batches import FileFacts

        work = self.work[int(batch["index"][i])]
        if not bool(batch["ok"][i]):
            return work, ImageSkip(SkipReason(str(batch["reason"][i])), str(batch["detail"][i]))
        taken_at = float(batch["taken_at"][i])
        camera = str(batch["camera"][i])
        facts = FileFacts(
            int(batch["width"][i]), int(batch["height"][i]),
            None if np.isnan(taken_at) else taken_at,
            None if camera == NO_CAMERA else camera, str(batch["fingerprint"][i]),
        )  # fmt: skip
        return work, facts

    @staticmethod
    def _check_shared_storage(
        outcomes: list[tuple[Work, FileFacts | ImageSkip]], nodes: list[str]
    ) -> None:
        """A file a worker found missing but this machine still sees: storage is not shared."""
        from photosift.core.imaging.decode import ImageSkip, SkipReason
        from photosift.core.paths import display_path

        for (work, outcome), node in zip(outcomes, nodes, strict=True):
            vanished = isinstance(outcome, ImageSkip) and outcome.reason is SkipReason.VANISHED
            if vanished and work.abspath.exists():
                raise SharedStorageError(display_path(work.abspath), node)

    def _report(self) -> None:
        if self.progress is None:
            return
        done, total = len(self.written), len(self.work)
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else None
        self.progress(ClusterProgress(done, total, rate, eta, dict(self.per_node)))
