"""The vocabulary's label vectors: computed once per (model, prompts), kept in the library.

Why: embedding every label's prompts (about 1,700 for the default vocabulary) takes minutes on
a CPU. `compute_label_vectors` does it in the background right after a model loads, a few
labels per transaction, with progress and cancel, so a kill or a quit loses at most one
chunk and the next start resumes. Anything that scores photos (`label_matrix`) then reads
them in milliseconds; a caller that must never wait (the GUI's photo view) passes no
embedder and gets `LabelVectorsPending` instead of a minutes-long computation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from photosift.core.cancel import CancelToken
from photosift.core.errors import PhotoSiftError
from photosift.core.library.label_vector_records import LabelVectorRecords, prompts_key
from photosift.core.tagging.vocabulary import Label, LabelEmbedder

if TYPE_CHECKING:
    import numpy as np

    from photosift.core.library.store import Store
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel

#: Labels embedded (and committed) together: one chunk is under a second on a CPU.
LABEL_CHUNK = 8


class LabelVectorsPending(PhotoSiftError):
    """Some labels have no stored vector for this model yet (they are being computed)."""

    def __init__(self, missing: int, total: int) -> None:
        super().__init__(f"{missing} of {total} labels are still being prepared for this model.")
        self.missing, self.total = missing, total


@dataclass(frozen=True)
class LabelVectorProgress:
    done: int  # distinct prompt lists with a stored vector
    total: int


@dataclass(frozen=True)
class LabelVectorSummary:
    computed: int  # vectors computed by this run
    total: int
    cancelled: bool


def _keys(labels: Sequence[Label]) -> list[str]:
    return [prompts_key(label.effective_prompts) for label in labels]


def compute_label_vectors(
    store: Store,
    model: ClipModel | OnnxClipModel,
    labels: Sequence[Label],
    *,
    embedder: LabelEmbedder | None = None,
    chunk: int = LABEL_CHUNK,
    progress: Callable[[LabelVectorProgress], None] | None = None,
    cancel: CancelToken | None = None,
) -> LabelVectorSummary:
    """Store the vectors of `labels` that `model` does not have yet; resumable, cancellable."""
    model_id = store.register_model(model.spec, model.dim, model.preprocess_cfg).id
    embedder = embedder or LabelEmbedder(model)
    records = LabelVectorRecords(store)
    by_key = dict(zip(_keys(labels), labels))
    stored = records.load(model_id, by_key)
    missing = [label for key, label in by_key.items() if key not in stored]
    done, total = len(stored), len(by_key)
    report = progress or (lambda _p: None)
    report(LabelVectorProgress(done, total))
    computed = 0
    for start in range(0, len(missing), max(1, chunk)):
        if cancel is not None and cancel.cancelled:
            return LabelVectorSummary(computed, total, cancelled=True)
        part = missing[start : start + chunk]
        vectors = embedder.embed(part)
        records.save(model_id, dict(zip(_keys(part), vectors)))
        computed += len(part)
        report(LabelVectorProgress(done + computed, total))
    return LabelVectorSummary(computed, total, cancelled=False)


def label_matrix(
    store: Store, model_id: int, labels: Sequence[Label], embedder: LabelEmbedder | None
) -> np.ndarray:
    """(len(labels), dim) stored vectors; missing ones are computed and stored with
    `embedder`, or LabelVectorsPending when it is None."""
    import numpy as np

    keys = _keys(labels)
    records = LabelVectorRecords(store)
    stored = records.load(model_id, keys)
    missing = {key: label for key, label in zip(keys, labels) if key not in stored}
    if missing and embedder is None:
        raise LabelVectorsPending(len(missing), len(set(keys)))
    if missing:
        assert embedder is not None
        fresh = dict(zip(missing, embedder.embed(list(missing.values()))))
        records.save(model_id, fresh)
        stored.update(fresh)
    if not keys:
        dim = store.db.execute("SELECT dim FROM models WHERE id = ?", [model_id]).fetchone()[0]
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([stored[key] for key in keys]).astype(np.float32)
