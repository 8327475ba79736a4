"""The CLIP gate of the text pass: decide from a photo's vector, for free, whether to read it.

Why: the text pass's default gate (`Gate.DETECT`) runs the OCR detection network on every
photo, about half a second each on a 2-core CPU, and most photos hold no text. The photo's CLIP
vector is already in the library, so a zero-shot test costs one dot product: the vector is
compared with the model's text embeddings of prompts for photos with text ("a photo of a
document", "... a receipt", "a screenshot", "... a sign", "... text") against one for photos
without ("a photo without text"). The score is the difference of the two cosine similarities,
i.e. the dot product with one direction vector.

Why it must be calibrated, and per model: the score's scale differs from model to model, and
a threshold that lets most text photos through on one would shut out half of them on another.
`calibrate_clip_gate` measures it on labelled photos of the library (photos with and without
text): the threshold is the highest score that still lets `recall` of the photos with text
through, and the share of photos without text that pass anyway (`pass_rate`) says what it
saves. The direction and threshold are stored in the library per model row (a model whose
weights change gets a new row, so an old calibration never applies to new weights), so the
text pass needs no model loaded to use them.

Where the labelled photos come from: the library's own readings. The detection-gated text
pass has already sorted the photos it looked at into "words read" and "no text", and a user
calibrates on those with `photosift text --calibrate-gate` or Settings › Quick Text Check…
(core/library/text_gate_calibration.py: at least 20 photos with words and 50 without, the CLIP
gate's own verdicts left out; `forget_clip_gate` goes back to detection).

Why `Gate.DETECT` stays the default (`choose_gate`): a model is only gated by CLIP once it has
been calibrated in this library and the calibration is worth it (`useful`: it keeps at least
`MIN_RECALL` of the text photos and skips at least half of the others). The toy model the
tests run on was trained on shapes and colours and has never seen text, and no pretrained
weights can be fetched here, so no model ships calibrated: an uncalibrated gate would either
read everything (no saving) or silently miss the text photos, and the detection gate is
measured (tests/benchmarks/text.py) to keep every text photo. A calibration's recall and pass
rate are measured on the very photos its threshold was fitted to, so they are somewhat
optimistic for photos added later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from photosift.core.library.store import Store
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel

TEXT_PROMPTS = (
    "a photo of a document",
    "a photo of a receipt",
    "a screenshot",
    "a photo of a sign",
    "a photo of text",
)
NO_TEXT_PROMPTS = ("a photo without text",)
DEFAULT_RECALL = 0.95  # of the text photos the calibrated threshold lets through
MIN_RECALL = 0.9  # below this a calibration is not used: too many text photos never read
MAX_PASS_RATE = 0.5  # above this it saves too little to be worth missing any text photo


def _setting(model_id: int) -> str:
    return f"text_gate:{model_id}"


@dataclass(frozen=True)
class ClipTextGate:
    """A calibrated CLIP gate for one model of one library."""

    model_id: int
    direction: np.ndarray  # text-prompts mean minus no-text prompt, both unit length
    threshold: float  # photos scoring at least this are read
    recall: float  # share of the calibration photos with text that pass
    pass_rate: float  # share of the calibration photos without text that pass anyway
    with_text: int = 0  # calibration photos with text (with a vector of the model)
    without_text: int = 0  # and without

    @property
    def useful(self) -> bool:
        """Whether the gate keeps enough text photos and skips enough others to be used."""
        return self.recall >= MIN_RECALL and self.pass_rate <= MAX_PASS_RATE

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """How much each (unit) vector looks like a photo with text rather than without."""
        return np.asarray(vectors, dtype=np.float32) @ self.direction

    def passes(self, vectors: np.ndarray) -> np.ndarray:
        return self.scores(vectors) >= self.threshold


def prompt_direction(model: ClipModel | OnnxClipModel) -> np.ndarray:
    """The model's text-minus-no-text direction (unit means of each prompt group)."""
    with_text = _unit(np.asarray(model.encode_texts(list(TEXT_PROMPTS))).mean(axis=0))
    without = _unit(np.asarray(model.encode_texts(list(NO_TEXT_PROMPTS))).mean(axis=0))
    return (with_text - without).astype(np.float32)


def calibrate_clip_gate(
    store: Store,
    model: ClipModel | OnnxClipModel,
    with_text: Sequence[int],
    without_text: Sequence[int],
    *,
    recall: float = DEFAULT_RECALL,
) -> ClipTextGate:
    """Calibrate the gate for `model` on photos of the library known to hold text and not,
    store it, and return it (with the recall and pass rate measured on those photos)."""
    record = store.model_by_spec(model.spec)
    if record is None or not with_text:
        raise ValueError("Calibration needs the model's vectors and photos with text.")
    direction = prompt_direction(model)
    _, text_vectors = store.vectors_for(record.id, list(with_text))
    _, plain_vectors = store.vectors_for(record.id, list(without_text))
    text_scores = text_vectors @ direction
    if not len(text_scores):
        raise ValueError("None of the photos with text has a vector of this model.")
    threshold = float(np.quantile(text_scores, 1.0 - recall, method="lower"))
    plain_scores = plain_vectors @ direction
    gate = ClipTextGate(
        record.id,
        direction,
        threshold,
        recall=float(np.mean(text_scores >= threshold)),
        pass_rate=float(np.mean(plain_scores >= threshold)) if len(plain_scores) else 1.0,
        with_text=len(text_scores),
        without_text=len(plain_scores),
    )
    save_clip_gate(store, gate)
    return gate


def save_clip_gate(store: Store, gate: ClipTextGate) -> None:
    """Store a calibration with the library, under its model's row."""
    store.set_setting(
        _setting(gate.model_id),
        {
            "direction": [float(x) for x in gate.direction],
            "threshold": gate.threshold,
            "recall": gate.recall,
            "pass_rate": gate.pass_rate,
            "with_text": gate.with_text,
            "without_text": gate.without_text,
        },
    )


def forget_clip_gate(store: Store, model_spec: str) -> bool:
    """Drop the stored calibration for `model_spec` (the text pass goes back to Gate.DETECT);
    True if there was one."""
    record = store.model_by_spec(model_spec)
    if record is None or load_clip_gate(store, model_spec) is None:
        return False
    store.delete_setting(_setting(record.id))
    return True


def load_clip_gate(store: Store, model_spec: str) -> ClipTextGate | None:
    """The stored calibration for `model_spec` in this library, or None."""
    record = store.model_by_spec(model_spec)
    data = store.get_setting(_setting(record.id)) if record is not None else None
    if record is None or not isinstance(data, dict):
        return None
    direction = np.asarray(data["direction"], dtype=np.float32)
    if direction.shape != (record.dim,):
        return None
    return ClipTextGate(
        record.id, direction, float(data["threshold"]), float(data["recall"]),
        float(data["pass_rate"]), int(data.get("with_text", 0)),
        int(data.get("without_text", 0)),
    )  # fmt: skip


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
