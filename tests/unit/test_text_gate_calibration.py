"""Calibrating the CLIP gate on the library's own readings (core/library/text_gate_calibration.py).

Real parts: generated photos with and without words, a real SQLite library indexed with the
real toy model, and (for the small library) the real OCR text pass providing the labels. The
larger library's readings are stored as the detection-gated pass would store them (the words
drawn, or NO_TEXT), because reading 70 photos with OCR would take minutes on a small CPU.

The toy model has never seen text, so its calibration is expected not to be worth using: the
tests check that this is reported honestly and that indexing keeps `Gate.DETECT`, and check the
useful path with a stored calibration that states a good recall and pass rate.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.core.library.text_gate import ClipTextGate, load_clip_gate, save_clip_gate
from photosift.core.library.text_gate_calibration import (
    MIN_WITH_TEXT,
    MIN_WITHOUT_TEXT,
    TooFewReadingsError,
)
from photosift.core.library.text_pass import Gate, choose_gate
from photosift.core.library.text_records import CLIP_GATE_ENGINE, TextState, TextWork
from photosift.core.model.ocr import TextBox
from photosift.service.library import PhotoLibrary
from tests.textlibrary import TextLibrary
from tests.textphotos import TextPhoto, write_text_photos

OCR = "rapidocr-test"


@dataclass(frozen=True)
class ReadLibrary:
    db: Path
    photos: dict[int, TextPhoto]

    def ids(self, *, text: bool) -> list[int]:
        return [i for i, p in self.photos.items() if bool(p.words) is text]


def work_of(store: Store, photo_id: int) -> TextWork:
    record = store.photo(photo_id)
    assert record is not None
    fingerprint = store.db.execute(
        "SELECT fingerprint FROM photos WHERE id = ?", [photo_id]
    ).fetchone()[0]
    return TextWork(photo_id, record.abspath, fingerprint)


def store_readings(store: Store, photos: dict[int, TextPhoto]) -> None:
    """What the detection-gated text pass stores: the words read, or NO_TEXT."""
    corners = ((0.1, 0.1), (0.5, 0.1), (0.5, 0.2), (0.1, 0.2))
    store.save_texts(
        [
            (work_of(store, i), TextState.READ, [TextBox(" ".join(p.words), 0.98, corners)])
            if p.words
            else (work_of(store, i), TextState.NO_TEXT, [])
            for i, p in photos.items()
        ],
        OCR,
    )


@pytest.fixture(scope="module")
def read_library(tmp_path_factory: pytest.TempPathFactory, toy_model) -> ReadLibrary:  # type: ignore[no-untyped-def]
    """Just enough photos with and without words, indexed with the toy model and read."""
    base = tmp_path_factory.mktemp("calibration")
    photos = write_text_photos(
        base / "photos", english=MIN_WITH_TEXT, chinese=0, plain=MIN_WITHOUT_TEXT + 2
    )
    db = base / "library.sqlite3"
    with Store(db) as store:
        index_library(store, toy_model, [base / "photos"], workers=1)
        by_id = {store.photo_id_at(p.path): p for p in photos}
        store_readings(store, by_id)  # type: ignore[arg-type]
    return ReadLibrary(db, by_id)  # type: ignore[arg-type]


def copy_of(db: Path, tmp_path: Path) -> Path:
    shutil.copy(db, tmp_path / "library.sqlite3")
    return tmp_path / "library.sqlite3"


def test_labels_are_the_ocr_readings_and_leave_out_the_clip_gates_own_verdicts(
    read_library: ReadLibrary, tmp_path: Path
) -> None:
    with Store(copy_of(read_library.db, tmp_path)) as store:
        plain = read_library.ids(text=False)
        empty, by_clip = plain[0], plain[1]
        store.save_texts([(work_of(store, empty), TextState.READ, [])], OCR)  # read, no words
        store.save_texts([(work_of(store, by_clip), TextState.NO_TEXT, [])], CLIP_GATE_ENGINE)
        labels = store.text_labels()
    assert labels.with_text == sorted(read_library.ids(text=True))
    assert labels.without_text == sorted(set(plain) - {by_clip})
    assert empty in labels.without_text


def test_the_toy_model_is_calibrated_and_honestly_not_used(
    read_library: ReadLibrary, tmp_path: Path, toy_model
) -> None:
    with PhotoLibrary.open(copy_of(read_library.db, tmp_path)) as library:
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
    read_library: ReadLibrary, tmp_path: Path, toy_model
) -> None:
    with PhotoLibrary.open(copy_of(read_library.db, tmp_path)) as library:
        store = library.store
        record = store.model_by_spec(toy_model.spec)
        assert record is not None
        # The toy model cannot separate them, so the numbers of a model that can are given:
        # what counts here is that a calibration worth using is used, and forgetting it.
        _, text = store.vectors_for(record.id, read_library.ids(text=True))
        _, plain = store.vectors_for(record.id, read_library.ids(text=False))
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
