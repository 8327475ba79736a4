"""The CLIP gate of the text pass (core/library/text_gate.py) on real vectors.

The toy model was trained on shapes and colours and cannot tell a photo with text from one
without, so these tests check the mechanism, not its quality: the gate's score is the real
vectors' dot product with the real toy model's prompt direction, photos scoring under the
threshold are never decoded nor read, those above are read by the real OCR model, and a
calibration is used by default only where it is worth it. The quality on generated text photos
is measured by `python -m tests.benchmarks.text --clip-gate`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.library.text_gate import (
    ClipTextGate,
    calibrate_clip_gate,
    load_clip_gate,
    prompt_direction,
    save_clip_gate,
)
from photosift.core.library.text_pass import Gate, choose_gate, read_text_pass
from photosift.core.library.text_records import CLIP_GATE_ENGINE, TextState
from tests.textphotos import TextPhoto, write_text_photos


@dataclass
class TextGateLibrary:
    db: Path
    photos: dict[int, TextPhoto]  # by photo id

    def ids(self, *, text: bool) -> list[int]:
        return [i for i, p in self.photos.items() if bool(p.words) is text]


@pytest.fixture
def library(tmp_path: Path, toy_model) -> TextGateLibrary:  # type: ignore[no-untyped-def]
    """Three photos with English words and three without, indexed with the toy model."""
    photos = write_text_photos(tmp_path / "photos", english=3, chinese=0, plain=3)
    db = tmp_path / "library.sqlite3"
    with Store(db) as store:
        index_library(store, toy_model, [tmp_path / "photos"], workers=1)
        by_id = {store.photo_id_at(p.path): p for p in photos}
    return TextGateLibrary(db, by_id)  # type: ignore[arg-type]


class CountingReader:
    """The real OCR reader, counting what the text pass asks of it."""

    def __init__(self, reader) -> None:  # type: ignore[no-untyped-def]
        self.reader, self.detected, self.read_count = reader, 0, 0

    def detect(self, image) -> int:  # type: ignore[no-untyped-def]
        self.detected += 1
        return self.reader.detect(image)

    def read(self, image):  # type: ignore[no-untyped-def]
        self.read_count += 1
        return self.reader.read(image)


def test_calibration_lets_the_asked_share_of_text_photos_through_and_is_stored(
    library: TextGateLibrary, toy_model
) -> None:
    with Store(library.db) as store:
        gate = calibrate_clip_gate(
            store, toy_model, library.ids(text=True), library.ids(text=False), recall=0.95
        )
        record = store.model_by_spec(toy_model.spec)
        _, text_vectors = store.vectors_for(record.id, library.ids(text=True))
        _, plain_vectors = store.vectors_for(record.id, library.ids(text=False))
        stored = load_clip_gate(store, toy_model.spec)
    scores = text_vectors @ prompt_direction(toy_model)
    np.testing.assert_allclose(gate.scores(text_vectors), scores, rtol=1e-5, atol=1e-6)
    assert gate.threshold == pytest.approx(scores.min())  # 95% of 3 photos: all of them
    assert gate.recall == 1.0
    assert gate.pass_rate == pytest.approx(
        np.mean(plain_vectors @ gate.direction >= gate.threshold)
    )
    assert stored is not None and stored.threshold == pytest.approx(gate.threshold)
    np.testing.assert_allclose(stored.direction, gate.direction, rtol=1e-6)


def test_photos_scoring_low_are_skipped_unread_and_high_ones_read(
    library: TextGateLibrary, toy_model, text_reader
) -> None:
    with Store(library.db) as store:
        record = store.model_by_spec(toy_model.spec)
        ids, vectors = store.vectors_for(record.id, list(library.photos))
        direction = prompt_direction(toy_model)
        scores = dict(zip(ids.tolist(), (vectors @ direction).tolist()))
        threshold = float(np.median(list(scores.values())))
        gate = ClipTextGate(record.id, direction, threshold, recall=1.0, pass_rate=0.0)
        reader = CountingReader(text_reader)
        summary = read_text_pass(store, reader, gate=Gate.CLIP, clip_gate=gate)  # type: ignore[arg-type]
        states = {i: store.photo_text(i).state for i in scores}  # type: ignore[union-attr]
        engines = {i: store.photo_text(i).engine for i in scores}  # type: ignore[union-attr]
        labels = store.text_labels()
    high = {i for i, score in scores.items() if score >= threshold}
    assert 0 < len(high) < len(scores)
    assert {i for i, s in states.items() if s is TextState.READ} == high
    assert {i for i, s in states.items() if s is TextState.NO_TEXT} == set(scores) - high
    assert {i for i, e in engines.items() if e == CLIP_GATE_ENGINE} == set(scores) - high
    # Its own verdicts are never labels for calibrating it again.
    assert set(labels.with_text) | set(labels.without_text) <= high
    assert reader.detected == 0  # the vector decided: no detection pass at all
    assert reader.read_count == len(high) == summary.read
    assert summary.gated_out == len(scores) - len(high)


def test_the_clip_gate_is_the_default_only_where_it_is_calibrated_and_worth_it(
    library: TextGateLibrary, toy_model, second_model_spec
) -> None:
    with Store(library.db) as store:
        assert choose_gate(store) is Gate.DETECT  # nothing calibrated
        record = store.model_by_spec(toy_model.spec)
        useful = ClipTextGate(record.id, prompt_direction(toy_model), 0.0, 0.95, 0.3)
        save_clip_gate(store, useful)
        assert choose_gate(store) is Gate.CLIP
        save_clip_gate(store, replace(useful, pass_rate=0.9))  # reads nearly everything
        assert choose_gate(store) is Gate.DETECT
        save_clip_gate(store, replace(useful, recall=0.6))  # misses too many text photos
        assert choose_gate(store) is Gate.DETECT
        # Another model's calibration never applies to this one.
        other = store.register_model(second_model_spec, 32, {})
        save_clip_gate(store, replace(useful, model_id=other.id, direction=np.zeros(32)))
        save_clip_gate(store, replace(useful, pass_rate=0.9))
        assert choose_gate(store) is Gate.DETECT
        assert load_clip_gate(store, second_model_spec) is not None
        with pytest.raises(ValueError, match="calibrated"):
            store.set_setting(f"text_gate:{record.id}", None)
            read_text_pass(store, None, gate=Gate.CLIP)  # type: ignore[arg-type]
