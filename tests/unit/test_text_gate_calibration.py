"""Calibrating the CLIP gate on the library's own readings (core/library/text_gate_calibration.py).

Real parts: generated photos with and without words, a real SQLite library indexed with the
real toy model, and (for the small library) the real OCR text pass providing the labels. The
larger library's readings are stored as the detection-gated pass would store them
(tests/textlibrary.py: `build_labelled_library`).

The toy model has never seen text, so its calibration is expected not to be worth using: the
tests check that this is reported honestly and that indexing keeps `Gate.DETECT`, and check the
useful path with a stored calibration that states a good recall and pass rate.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from photosift.core.library.store import Store
from photosift.core.library.text_gate import ClipTextGate, load_clip_gate, save_clip_gate
from photosift.core.library.text_gate_calibration import (
    MIN_WITH_TEXT,
    MIN_WITHOUT_TEXT,
    TooFewReadingsError,
)
from photosift.core.library.text_pass import Gate, choose_gate
from photosift.core.library.text_records import CLIP_GATE_ENGINE, TextState
from photosift.service.library import PhotoLibrary
from tests.textlibrary import LabelledLibrary, TextLibrary, text_work

OCR = "ocr-test"


def copy_of(db: Path, tmp_path: Path) -> Path:
    shutil.copy(db, tmp_path / "library.sqlite3")
    return tmp_path / "library.sqlite3"


def test_labels_are_the_ocr_readings_and_leave_out_the_clip_gates_own_verdicts(
    labelled_library: LabelledLibrary, tmp_path: Path
) -> None:
    with Store(copy_of(labelled_library.db, tmp_path)) as store:
        plain = labelled_library.ids(text=False)
        empty, by_clip = plain[0], plain[1]
        store.save_texts([(text_work(store, empty), TextState.READ, [])], OCR)  # read, no words
        store.save_texts([(text_work(store, by_clip), TextState.NO_TEXT, [])], CLIP_GATE_ENGINE)
        labels = store.text_labels()
    assert labels.with_text == sorted(labelled_library.ids(text=True))
    assert labels.without_text == sorted(set(plain) - {by_clip})
    assert empty in labels.without_text


def test_the_toy_model_is_calibrated_and_honestly_not_used(
    labelled_library: LabelledLibrary, tmp_path: Path, toy_model
) -> None:
    with PhotoLibrary.open(copy_of(labelled_library.db, tmp_path)) as library:
        result = library.calibrate_text_gate(toy_model)
        stored = library.text_gate(toy_model.spec)
        gate = choose_gate(library.store)
    assert (result.with_text, result.without_text) == (MIN_WITH_TEXT, MIN_WITHOUT_TEXT + 2)
    assert result.recall >= 0.95
    assert result.skipped == pytest.approx(1 - result.pass_rate)
    # A model that never saw text cannot skip most plain photos while keeping the text ones.
    assert not result.useful
    assert result.used is False and gate is Gate.DETECT
    assert stored == result  # kept in the library, counts included
    assert result.to_json()["used"] is False


def test_a_useful_calibration_is_used_for_indexing_until_forgotten(
    labelled_library: LabelledLibrary, tmp_path: Path, toy_model
) -> None:
    with PhotoLibrary.open(copy_of(labelled_library.db, tmp_path)) as library:
        store = library.store
        record = store.model_by_spec(toy_model.spec)
        assert record is not None
        # The toy model cannot separate them, so the numbers of a model that can are given:
        # what counts here is that a calibration worth using is used, and forgetting it.
        _, text = store.vectors_for(record.id, labelled_library.ids(text=True))
        _, plain = store.vectors_for(record.id, labelled_library.ids(text=False))
        direction = (text.mean(axis=0) - plain.mean(axis=0)).astype(np.float32)
        good = ClipTextGate(
            record.id, direction, float(np.min(text @ direction)), recall=0.95, pass_rate=0.3,
            with_text=len(text), without_text=len(plain),
        )  # fmt: skip
        save_clip_gate(store, good)
        shown = library.text_gate(toy_model.spec)
        assert shown is not None and shown.useful and shown.used
        assert choose_gate(store) is Gate.CLIP
        assert library.forget_text_gate(toy_model.spec) is True
        assert library.text_gate(toy_model.spec) is None
        assert load_clip_gate(store, toy_model.spec) is None
        assert choose_gate(store) is Gate.DETECT
        assert library.forget_text_gate(toy_model.spec) is False  # nothing left to forget


def test_too_few_readings_are_refused_with_the_counts_and_store_nothing(
    text_library: TextLibrary, tmp_path: Path, toy_model
) -> None:
    """The labels of a library read by the real detection-gated OCR pass: 6 + 2 photos."""
    with PhotoLibrary.open(copy_of(text_library.db, tmp_path)) as library:
        with pytest.raises(TooFewReadingsError) as raised:
            library.calibrate_text_gate(toy_model)
        assert library.text_gate(toy_model.spec) is None
    error = raised.value
    assert error.data == {"with_text": 6, "without_text": 2}
    assert f"at least {MIN_WITH_TEXT} with words and {MIN_WITHOUT_TEXT} without" in str(error)
    assert "has 6 with words and 2 without" in str(error)
