"""`photosift text --calibrate-gate` / `--forget-gate` end to end, on real libraries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from photosift.core.library.store import Store
from photosift.core.library.text_gate import ClipTextGate, save_clip_gate
from photosift.core.library.text_pass import Gate, choose_gate
from tests.textlibrary import LabelledLibrary, TextLibrary
from tests.unit.test_search_cli import run


def copy_of(db: Path, tmp_path: Path) -> Path:
    shutil.copy(db, tmp_path / "library.sqlite3")
    return tmp_path / "library.sqlite3"


def test_calibrating_prints_what_was_measured_and_that_the_toy_model_is_not_used(
    labelled_library: LabelledLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = copy_of(labelled_library.db, tmp_path)
    code, out, err = run(capsys, "text", "--calibrate-gate", "--db", db)
    assert code == 0, err
    assert "on 20 photos with words and 52 without" in out
    assert "Not used" in out and "keeps detecting text" in out
    code, out, err = run(capsys, "text", "--calibrate-gate", "--db", db, "--json")
    data = json.loads(out)
    assert (data["with_text"], data["without_text"]) == (20, 52)
    assert data["used"] is False and data["useful"] is False
    assert data["skipped"] == pytest.approx(1 - data["pass_rate"])
    with Store(db) as store:
        assert choose_gate(store) is Gate.DETECT


def test_a_useful_calibration_is_said_to_be_used_and_can_be_forgotten(
    labelled_library: LabelledLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = copy_of(labelled_library.db, tmp_path)
    with Store(db) as store:
        record = store.models()[0]
        direction = np.eye(record.dim, dtype=np.float32)[0]
        save_clip_gate(store, ClipTextGate(record.id, direction, 0.0, 0.95, 0.3, 20, 52))
        assert choose_gate(store) is Gate.CLIP
    code, out, err = run(capsys, "text", "--forget-gate", "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out) == {"model_spec": record.spec, "forgotten": True}
    with Store(db) as store:
        assert choose_gate(store) is Gate.DETECT
    code, out, _ = run(capsys, "text", "--forget-gate", "--db", db)
    assert code == 0 and "nothing to forget" in out


def test_too_few_readings_is_one_line_naming_the_counts_and_the_command(
    text_library: TextLibrary, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = copy_of(text_library.db, tmp_path)
    code, out, err = run(capsys, "text", "--calibrate-gate", "--db", db)
    assert code == 1 and out == ""
    assert err.count("\n") == 1
    assert "at least 20 with words and 50 without" in err and "has 6 with words" in err
    assert "photosift index --text" in err


def test_photo_and_calibration_are_not_asked_for_together(
    text_library: TextLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "text", "#1", "--calibrate-gate", "--db", text_library.db)
    assert code == 1 and "PHOTO cannot be given" in err
    code, _, err = run(capsys, "text", "--db", text_library.db)
    assert code == 1 and "Name a PHOTO" in err
