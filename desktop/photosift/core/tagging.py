"""Zero-shot auto-tagging: every label whose calibrated score passes its threshold, possibly none.

Calibration (why not raw cosine, why not softmax): raw CLIP cosines are not comparable across
labels ("person" sits higher than "giraffe" on every photo) nor across photos (some photos are
close to every text), and a softmax over the vocabulary forces labels to compete, which is
wrong for multi-label tagging. So a photo-label cosine s[p, l] is calibrated in two steps:

1. photo centring: r[p, l] = s[p, l] - mean over the vocabulary of s[p, :]
   (removes the photo's overall closeness to text);
2. label standardisation against the library: most photos do not show a given label, so the
   lower part of r[:, l] over the library is that label's background. A normal distribution
   is fitted to its 5th and 25th percentiles (sigma = (q25 - q05) / 0.9706, mu = q25 + 0.6745
   sigma): percentiles that stay in the background even when up to half the library shows the
   label, where median/MAD would not. z[p, l] = (r[p, l] - mu_l) / sigma_l.

A label is assigned when z >= its threshold (DEFAULT_THRESHOLD = 3.0 background standard
deviations, per-label override, tunable per run). z is model-independent in scale, which is
why one default serves the toy model and real CLIP. The background statistics come from up to
REFERENCE_SIZE photos of the library (a fixed random sample), so tagging a few selected photos
is calibrated like tagging all of them. Libraries of fewer than ~50 photos give rough statistics.

The heavy part is one matrix product over stored vectors (no image decoding) per chunk.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photosift.core.cancel import CancelToken
from photosift.core.search import Filters, filtered_ids, require_model
from photosift.core.tag_store import LabelError, TagStore
from photosift.core.vocabulary import DEFAULT_THRESHOLD, Label, LabelEmbedder

if TYPE_CHECKING:
    from photosift.core.models import ClipModel
    from photosift.core.store import Store

REFERENCE_SIZE = 20_000
CHUNK = 8_192


@dataclass(frozen=True)
class Calibration:
    """Per-label background of photo-centred scores over the library."""

    label_vectors: np.ndarray  # (L, dim)
    mu: np.ndarray  # (L,)
    sigma: np.ndarray  # (L,)

    @classmethod
    def fit(cls, label_vectors: np.ndarray, reference: np.ndarray) -> Calibration:
        centred = _centred(reference @ label_vectors.T)
        if len(centred) == 0:
            count = len(label_vectors)
            return cls(label_vectors, np.zeros(count, np.float32), np.ones(count, np.float32))
        q05, q25 = np.percentile(centred, [5, 25], axis=0)
        sigma = (q25 - q05) / 0.9706
        floor = max(float(np.median(sigma)) * 0.25, 1e-4)
        sigma = np.maximum(sigma, floor)
        mu = q25 + 0.6745 * sigma
        return cls(label_vectors, mu.astype(np.float32), sigma.astype(np.float32))

    def scores(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cosine, calibrated z), each (N, L)."""
        cosine = vectors @ self.label_vectors.T
        return cosine, (_centred(cosine) - self.mu) / self.sigma


def _centred(cosine: np.ndarray) -> np.ndarray:
    return cosine - cosine.mean(axis=1, keepdims=True)


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


@dataclass(frozen=True)
class LabelScore:
    label: str
    group: str | None
    score: float  # calibrated z
    cosine: float
    threshold: float
    state: str | None  # "assigned" | "rejected" | None (no tag row)
    source: str | None  # "auto" | "manual" | None


class Tagger:
    """Auto-tags photos of one library with one model. Use from one thread (it holds a Store).

    ``prepare()`` is the explicit expensive step (label embeddings, library calibration);
    the other methods call it when needed.
    """

    def __init__(
        self,
        store: Store,
        model: ClipModel,
        labels: Sequence[Label] | None = None,
        *,
        embedder: LabelEmbedder | None = None,
        write_xmp: bool | None = None,
    ) -> None:
        self.store = store
        self.model = model
        self.tags = TagStore(store, write_xmp=write_xmp)
        self.model_id = require_model(store, model)
        if labels is None:
            self.tags.ensure_vocabulary()
            labels = self.tags.labels()
        self.labels = list(labels)
        if not self.labels:
            raise LabelError(
                "There are no labels to tag with; add some with `photosift vocabulary add`."
            )
        self.embedder = embedder or LabelEmbedder(model)
        self.calibration: Calibration | None = None

    def prepare(self, reference_size: int = REFERENCE_SIZE) -> Calibration:
        if self.calibration is None:
            label_vectors = self.embedder.embed(self.labels)
            ids = self._all_ids()
            if len(ids) > reference_size:
                ids = np.sort(np.random.default_rng(0).choice(ids, reference_size, replace=False))
            _, reference = self.store.vectors_for(self.model_id, ids.tolist())
            self.calibration = Calibration.fit(label_vectors, reference)
        return self.calibration

    def _all_ids(self) -> np.ndarray:
        rows = self.store.db.execute(
            "SELECT photo_id FROM embeddings WHERE model_id = ?", [self.model_id]
        )
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def label_scores(self, photo_id: int, threshold: float | None = None) -> list[LabelScore]:
        """Every label for one photo, best first, with its tag state (the GUI's bar chart);
        `threshold` is the default the labels without their own are compared with."""
        default = DEFAULT_THRESHOLD if threshold is None else threshold
        calibration = self.prepare()
        _, vectors = self.store.vectors_for(self.model_id, [photo_id])
        if len(vectors) == 0:
            return []
        cosine, z = calibration.scores(vectors)
        rows = {t.label_id: t for t in self.tags.tags_for_photo(photo_id)}
        result = [
            LabelScore(
                label.name,
                label.group,
                float(z[0, i]),
                float(cosine[0, i]),
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
        thresholds = np.array([label.threshold_or(default) for label in self.labels], np.float32)
        label_ids = [label.id for label in self.labels]
        ids = self.photo_ids(photo_ids, folder)
        summary = TagSummary(labels=len(self.labels))
        cancel = cancel or CancelToken()
        for start in range(0, len(ids), CHUNK):
            if not cancel.wait_if_paused():
                summary.cancelled = True
                break
            chunk_ids, vectors = self.store.vectors_for(
                self.model_id, ids[start : start + CHUNK].tolist()
            )
            _, z = calibration.scores(vectors)
            rows, cols = np.nonzero(z >= thresholds)
            assigned = list(
                zip(
                    chunk_ids[rows].tolist(),
                    np.asarray(label_ids)[cols].tolist(),
                    z[rows, cols].astype(float).tolist(),
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
