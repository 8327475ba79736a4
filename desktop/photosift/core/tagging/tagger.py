"""Zero-shot auto-tagging: every label whose calibrated score passes its threshold, possibly none.

Calibration (why not raw cosine, why not softmax): raw cosines are not comparable across models
(real CLIP puts a photo's labels within 0.15..0.35, the toy model within -0.5..0.8) nor across
photos (some photos are close to every text), and a softmax over the vocabulary forces labels
to compete, which is wrong for multi-label tagging. So a photo's cosines s[l] to the L labels
of the reference vocabulary are calibrated in three steps:

1. photo-relative: z[l] = (s[l] - mean(s)) / std(s) over the vocabulary: how far the label
   stands out among this photo's labels, in the photo's own units (model-independent scale);
2. label bias: minus the label's median z over the library (up to REFERENCE_SIZE photos), so
   labels that sit high on every photo ("text", "art") do not stick to everything;
3. vocabulary size: noise alone makes the best of L labels stand out by about the largest of
   L normal draws, so the score is Phi(z)^L, the chance that L labels of pure noise would all
   stay below it. It lies in 0..1 and means the same for 10 labels as for 300.

A label is assigned when its score >= its threshold (DEFAULT_THRESHOLD = 0.15, a per-label
override, tunable per run). Per-label standardisation over the library (z of a label across
photos) was tried first: it needs each label's negatives to be a tight crowd, which the toy
model does not give (macro F1 0.82 against 0.97 for this scheme on the 10 toy labels).
Limitations: a label shown on most of the library gets a high median (step 2) and is assigned
less; a run with fewer than MIN_REFERENCE_LABELS labels is calibrated against the whole
vocabulary of the library, since "standing out" among two labels means nothing.

The heavy part is one matrix product over stored vectors (no image decoding) per chunk; the
threshold is turned into a z per label once, so no per-element probability is computed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np

from photosift.core.cancel import CancelToken
from photosift.core.errors import Remedy
from photosift.core.library.filters import Filters, filtered_ids
from photosift.core.library.model_choice import require_model
from photosift.core.library.tag_records import LabelError, TagSource, TagState
from photosift.core.tagging.label_vectors import label_matrix
from photosift.core.tagging.tag_book import TagBook
from photosift.core.tagging.vocabulary import DEFAULT_THRESHOLD, Label, LabelEmbedder

if TYPE_CHECKING:
    from photosift.core.library.store import Store
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel

REFERENCE_SIZE = 20_000
MIN_REFERENCE_LABELS = 8
CHUNK = 8_192


@dataclass(frozen=True)
class Calibration:
    """Label vectors of the reference vocabulary and each label's typical photo-relative z."""

    label_vectors: np.ndarray  # (L, dim)
    baseline: np.ndarray  # (L,)

    @classmethod
    def fit(cls, label_vectors: np.ndarray, reference: np.ndarray) -> Calibration:
        baseline = np.zeros(len(label_vectors), np.float32)
        if len(reference):
            baseline = np.median(_photo_z(reference @ label_vectors.T), axis=0).astype(np.float32)
        return cls(label_vectors, baseline)

    @property
    def count(self) -> int:
        return len(self.label_vectors)

    def scores(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cosine, calibrated z), each (N, L); score = Phi(z) ** L (see confidence)."""
        cosine = vectors @ self.label_vectors.T
        return cosine, _photo_z(cosine) - self.baseline

    def z_threshold(self, threshold: float) -> float:
        """The calibrated z at which the score reaches `threshold`."""
        if threshold <= 0:
            return -math.inf
        if threshold >= 1:
            return math.inf
        return NormalDist().inv_cdf(threshold ** (1.0 / self.count))

    def confidence(self, z: np.ndarray | float) -> np.ndarray:
        phi = 0.5 * np.vectorize(math.erfc, otypes=[float])(
            -np.asarray(z, dtype=np.float64) / math.sqrt(2.0)
        )
        return phi**self.count


def _photo_z(cosine: np.ndarray) -> np.ndarray:
    spread = np.maximum(cosine.std(axis=1, keepdims=True), 1e-6)
    return (cosine - cosine.mean(axis=1, keepdims=True)) / spread


@dataclass
class TagProgress:
    done: int
    total: int
    rate: float  # photos/s


@dataclass
class TagSummary:
    photos: int = 0
    assigned: int = 0  # auto tags written (not counting labels the user rejected or set)
    labels: int = 0
    cancelled: bool = False
    seconds: float = 0.0
    sidecars_written: int = 0
    sidecar_errors: list[str] = field(default_factory=list)
    not_analysed: int = 0  # photos asked for that have no vector yet, so were left out


@dataclass(frozen=True)
class LabelScore:
    label: str
    group: str | None
    score: float  # calibrated score 0..1, compared with the threshold
    cosine: float
    threshold: float
    state: TagState | None  # None: no tag row
    source: TagSource | None


class Tagger:
    """Auto-tags photos of one library with one model. Use from one thread (it holds a Store).

    ``prepare()`` is the explicit expensive step (label vectors, computed once per model and
    stored in the library, and the library calibration); the other methods call it when needed.
    """

    def __init__(
        self,
        store: Store,
        model: ClipModel | OnnxClipModel,
        labels: Sequence[Label] | None = None,
        *,
        embedder: LabelEmbedder | None = None,
        write_xmp: bool | None = None,
        compute_labels: bool = True,
    ) -> None:
        self.store = store
        self.model = model
        self.tags = TagBook(store, write_xmp=write_xmp)
        self.model_id = require_model(
            store, model.spec, model.dim, getattr(model, "content_hash", None)
        )
        if labels is None:
            self.tags.ensure_vocabulary()
            labels = self.tags.labels()
        self.labels = list(labels)
        if not self.labels:
            raise LabelError("There are no labels to tag with.", remedy=Remedy.ADD_LABEL)
        self.reference = self._reference_vocabulary()
        by_id = {label.id: i for i, label in enumerate(self.reference)}
        self.columns = np.array([by_id[label.id] for label in self.labels], dtype=np.int64)
        self.embedder = embedder or LabelEmbedder(model)
        # False: never embed label prompts here, raise LabelVectorsPending instead (the GUI
        # computes them on a lane of their own and must not wait minutes for a score chart).
        self.compute_labels = compute_labels
        self.calibration: Calibration | None = None

    def _reference_vocabulary(self) -> list[Label]:
        """The labels tagged, or the whole vocabulary around them when they are too few."""
        if len(self.labels) >= MIN_REFERENCE_LABELS:
            return self.labels
        self.tags.ensure_vocabulary()
        wanted = {label.id for label in self.labels}
        return self.labels + [label for label in self.tags.labels() if label.id not in wanted]

    def prepare(self, reference_size: int = REFERENCE_SIZE) -> Calibration:
        """Embed the labels and measure their typical scores on a sample of the library."""
        if self.calibration is None:
            embedder = self.embedder if self.compute_labels else None
            label_vectors = label_matrix(self.store, self.model_id, self.reference, embedder)
            ids = self._all_ids()
            if len(ids) > reference_size:
                ids = np.sort(np.random.default_rng(0).choice(ids, reference_size, replace=False))
            _, reference = self.store.vectors_for(self.model_id, ids.tolist())
            self.calibration = Calibration.fit(label_vectors, reference)
        return self.calibration

    def _all_ids(self) -> np.ndarray:
        return self.store.ids_with_vectors(self.model_id)

    def label_scores(self, photo_id: int, threshold: float | None = None) -> list[LabelScore]:
        """Every label for one photo, best first, with its tag state (the GUI's bar chart);
        `threshold` is the default the labels without their own are compared with."""
        default = DEFAULT_THRESHOLD if threshold is None else threshold
        calibration = self.prepare()
        _, vectors = self.store.vectors_for(self.model_id, [photo_id])
        if len(vectors) == 0:
            return []
        cosine, z = calibration.scores(vectors)
        cosine, z = cosine[0, self.columns], z[0, self.columns]
        confidence = calibration.confidence(z)
        rows = {t.label_id: t for t in self.tags.tags_for_photo(photo_id)}
        result = [
            LabelScore(
                label.name,
                label.group,
                float(confidence[i]),
                float(cosine[i]),
                label.threshold_or(default),
                rows[label.id].state if label.id in rows else None,
                rows[label.id].source if label.id in rows else None,
            )
            for i, label in enumerate(self.labels)
        ]
        return sorted(result, key=lambda s: -s.score)

    def photo_ids(
        self, photo_ids: Sequence[int] | None = None, folder: str | Path | None = None
    ) -> np.ndarray:
        """Selected photos, a folder's photos, or (both None) the whole library, with vectors."""
        everything = self._all_ids()
        if photo_ids is not None:
            return np.intersect1d(everything, np.asarray(photo_ids, dtype=np.int64))
        if folder is not None:
            return np.intersect1d(everything, filtered_ids(self.store, Filters(folder=folder)))
        return np.sort(everything)

    def _scope_size(self, photo_ids: Sequence[int] | None, folder: str | Path | None) -> int:
        """How many catalogued photos a run was asked about, analysed or not."""
        if photo_ids is not None:
            return len(set(photo_ids))
        if folder is not None:
            return len(filtered_ids(self.store, Filters(folder=folder)))
        return self.store.photo_count()

    def run(
        self,
        photo_ids: Sequence[int] | None = None,
        *,
        folder: str | Path | None = None,
        threshold: float | None = None,
        progress: Callable[[TagProgress], None] | None = None,
        cancel: CancelToken | None = None,
    ) -> TagSummary:
        """Tag photos (see photo_ids for the selection); idempotent, keeps manual and rejected tags."""
        started = time.monotonic()
        calibration = self.prepare()
        default = DEFAULT_THRESHOLD if threshold is None else threshold
        thresholds = np.array(
            [calibration.z_threshold(label.threshold_or(default)) for label in self.labels]
        )
        label_ids = [label.id for label in self.labels]
        ids = self.photo_ids(photo_ids, folder)
        summary = TagSummary(labels=len(self.labels))
        summary.not_analysed = max(0, self._scope_size(photo_ids, folder) - len(ids))
        cancel = cancel or CancelToken()
        for start in range(0, len(ids), CHUNK):
            if not cancel.wait_if_paused():
                summary.cancelled = True
                break
            chunk_ids, vectors = self.store.vectors_for(
                self.model_id, ids[start : start + CHUNK].tolist()
            )
            z = calibration.scores(vectors)[1][:, self.columns]
            rows, cols = np.nonzero(z >= thresholds)
            assigned = list(
                zip(
                    chunk_ids[rows].tolist(),
                    np.asarray(label_ids)[cols].tolist(),
                    calibration.confidence(z[rows, cols]).tolist(),
                    strict=True,
                )
            )
            summary.assigned += self.tags.replace_auto_tags(
                chunk_ids.tolist(), label_ids, assigned, self.model_id
            )
            summary.photos += len(chunk_ids)
            if self.tags.write_xmp:
                written, errors = self.tags.sync_sidecars(chunk_ids.tolist())
                summary.sidecars_written += written
                summary.sidecar_errors += errors
            if progress is not None:
                elapsed = max(time.monotonic() - started, 1e-9)
                progress(TagProgress(summary.photos, len(ids), summary.photos / elapsed))
        summary.seconds = time.monotonic() - started
        return summary
