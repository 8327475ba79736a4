"""Calibrate the CLIP gate of the text pass on the library's own readings, or forget it.

Why the labels come from the text pass itself: a person will not label a hundred photos, and
the detection-gated pass (`Gate.DETECT`, measured to keep every text photo) has already sorted
the photos it looked at into "words read" and "no text". Those readings are the truth the CLIP
gate is measured against (`TextRecordsMixin.text_labels`); the CLIP gate's own verdicts are
left out, so a recalibration never grades the gate on its own answers.

Why the minimums: the threshold is the score that lets `DEFAULT_RECALL` (95%) of the text
photos through. With fewer than `MIN_WITH_TEXT` (20) of them that quantile is the single
lowest-scoring text photo, so one odd photo sets it, and a measured recall of "100%" says
nothing about the next text photo. The share of the other photos that pass anyway decides
whether the gate is worth using (at most half, `MAX_PASS_RATE`); with `MIN_WITHOUT_TEXT` (50)
photos its standard error is at most 7 points, enough to tell a gate that skips most photos
from one that skips few. Below either minimum the calibration is refused, with the counts, and
nothing is stored.

The result says honestly whether the text pass will use the gate (`used`): only when the
calibration is `useful` (text_gate.py) and the model is the one the library searches with.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from photosift.core.errors import PhotoSiftError, Remedy
from photosift.core.library.text_gate import (
    DEFAULT_RECALL,
    ClipTextGate,
    calibrate_clip_gate,
    forget_clip_gate,
    load_clip_gate,
)
from photosift.core.library.text_pass import Gate, choose_gate

if TYPE_CHECKING:
    from photosift.core.library.store import Store
    from photosift.core.model.clip_model import ClipModel
    from photosift.core.model.onnx_runtime import OnnxClipModel

MIN_WITH_TEXT = 20  # photos with words read, for a 95% recall threshold that one photo cannot set
MIN_WITHOUT_TEXT = 50  # photos without, for a pass rate known to within about 7 points


class TooFewReadingsError(PhotoSiftError):
    """The text pass has not read enough photos with and without text to calibrate on."""

    remedy = Remedy.READ_MORE_TEXT

    def __init__(self, with_text: int, without_text: int) -> None:
        super().__init__(
            f"Calibrating the quick text check needs photos the text pass has read: at least "
            f"{MIN_WITH_TEXT} with words and {MIN_WITHOUT_TEXT} without; this library has "
            f"{with_text} with words and {without_text} without.",
            with_text=with_text,
            without_text=without_text,
        )


@dataclass(frozen=True)
class GateCalibration:
    """A stored calibration of the CLIP gate and what it means for indexing."""

    model_spec: str
    recall: float  # share of the photos with text it lets through
    pass_rate: float  # share of the photos without text it reads anyway (1 - share skipped)
    with_text: int  # photos with text it was measured on
    without_text: int  # photos without text it was measured on
    useful: bool  # recall and saving both good enough (text_gate.py: MIN_RECALL, MAX_PASS_RATE)
    used: bool  # the text pass (`photosift index --text`) now gates by CLIP with it

    @property
    def skipped(self) -> float:
        """Share of the photos without text the gate saves from the OCR model."""
        return 1.0 - self.pass_rate

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "skipped": self.skipped}


def calibrate_from_readings(
    store: Store, model: ClipModel | OnnxClipModel, *, recall: float = DEFAULT_RECALL
) -> GateCalibration:
    """Calibrate the gate for `model` on the photos the text pass has read, store it, and say
    what was measured; TooFewReadingsError (nothing stored) below the minimums."""
    record = store.model_by_spec(model.spec)
    labels = store.text_labels()
    with_text, without_text = labels.with_text, labels.without_text
    if record is not None:  # only photos with a vector of this model can be measured
        with_text = store.vectors_for(record.id, with_text)[0].tolist()
        without_text = store.vectors_for(record.id, without_text)[0].tolist()
    else:
        with_text, without_text = [], []
    if len(with_text) < MIN_WITH_TEXT or len(without_text) < MIN_WITHOUT_TEXT:
        raise TooFewReadingsError(len(with_text), len(without_text))
    gate = calibrate_clip_gate(store, model, with_text, without_text, recall=recall)
    return _describe(store, model.spec, gate)


def gate_calibration(store: Store, model_spec: str) -> GateCalibration | None:
    """The stored calibration for `model_spec`, or None when it has none."""
    gate = load_clip_gate(store, model_spec)
    return _describe(store, model_spec, gate) if gate is not None else None


def forget_gate_calibration(store: Store, model_spec: str) -> bool:
    """Forget the calibration for `model_spec`: the text pass gates by detection again.
    True if there was one."""
    return forget_clip_gate(store, model_spec)


def _describe(store: Store, model_spec: str, gate: ClipTextGate) -> GateCalibration:
    from photosift.core.library.model_choice import newest_library_spec

    used = choose_gate(store) is Gate.CLIP and newest_library_spec(store) == model_spec
    return GateCalibration(
        model_spec, gate.recall, gate.pass_rate, gate.with_text, gate.without_text,
        gate.useful, used,
    )  # fmt: skip
