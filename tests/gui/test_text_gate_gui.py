"""The quick text check in the window: Settings › Quick Text Check… calibrates the CLIP gate
of the text pass on a lane, shows what was measured and whether indexing uses it, forgets it.

Real widgets, real SQLite libraries of generated photos with and without words, the real toy
model (which has never seen text: its calibration is honestly reported as not used)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from photosift.core.library.store import Store
from photosift.core.library.text_gate import ClipTextGate, save_clip_gate
from photosift.core.library.text_pass import Gate, choose_gate
from photosift.gui.panels.settings_dialog import SettingsDialog
from photosift.gui.panels.text_gate_dialog import TextGateDialog
from photosift.gui.settings import Settings
from photosift.gui.text_gate import TextGateController
from tests.gui.conftest import WAIT_MS, wait_model_ready
from tests.textlibrary import LabelledLibrary, TextLibrary

pytestmark = pytest.mark.gui


def copy_to(db: Path, target: Path) -> Path:
    shutil.copy(db, target)
    return target


@pytest.fixture
def controller(qtbot):  # type: ignore[no-untyped-def]
    made: list[TextGateController] = []

    def make(db: Path) -> TextGateController:
        made.append(TextGateController(db))
        return made[-1]

    yield make
    for each in made:
        each.shutdown()


def open_dialog(qtbot, controller: TextGateController, model) -> TextGateDialog:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(controller.shown, timeout=WAIT_MS):
        dialog = TextGateDialog(controller, model)
        qtbot.addWidget(dialog)
        dialog.show()
    return dialog


def test_calibrating_the_toy_model_shows_the_numbers_and_that_it_is_not_used(
    qtbot, controller, labelled_library: LabelledLibrary, toy_model, tmp_path: Path
) -> None:
    db = copy_to(labelled_library.db, tmp_path / "library.sqlite3")
    gate = controller(db)
    dialog = open_dialog(qtbot, gate, toy_model)
    assert "Not calibrated" in dialog.status_text()
    assert not dialog.forget_button.isEnabled()
    with qtbot.waitSignal(gate.calibrated, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.calibrate_button, Qt.MouseButton.LeftButton)
        assert not dialog.calibrate_button.isEnabled()  # one calibration at a time
    text = dialog.status_text()
    assert "20 photos with words and 52 without" in text
    assert "Not used" in text
    assert dialog.forget_button.isEnabled() and dialog.calibrate_button.isEnabled()
    with qtbot.waitSignal(gate.forgotten, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.forget_button, Qt.MouseButton.LeftButton)
    assert "Not calibrated" in dialog.status_text()
    assert not dialog.forget_button.isEnabled()
    with Store(db) as store:
        assert choose_gate(store) is Gate.DETECT


def test_a_useful_calibration_is_shown_as_used(
    qtbot, controller, labelled_library: LabelledLibrary, toy_model, tmp_path: Path
) -> None:
    db = copy_to(labelled_library.db, tmp_path / "library.sqlite3")
    with Store(db) as store:
        record = store.model_by_spec(toy_model.spec)
        assert record is not None
        direction = np.eye(record.dim, dtype=np.float32)[0]
        save_clip_gate(store, ClipTextGate(record.id, direction, 0.0, 0.95, 0.3, 20, 52))
    dialog = open_dialog(qtbot, controller(db), toy_model)
    assert "keeps 95% of the photos with text and skips 70% of the others" in dialog.status_text()
    assert "Used:" in dialog.status_text()
    assert dialog.forget_button.isEnabled()


def test_too_few_photos_read_says_how_many_and_what_to_do(
    qtbot, controller, text_library: TextLibrary, toy_model, tmp_path: Path
) -> None:
    gate = controller(copy_to(text_library.db, tmp_path / "library.sqlite3"))
    dialog = open_dialog(qtbot, gate, toy_model)
    with qtbot.waitSignal(gate.failed, timeout=WAIT_MS):
        dialog.calibrate()
    text = dialog.status_text()
    assert "at least 20 with words and 50 without" in text and "6 with words" in text
    assert "Read the text in photos while indexing" in text  # the window's remedy, no flags
    assert "--" not in text
    assert dialog.calibrate_button.isEnabled()


def test_without_a_model_nothing_can_be_calibrated(qtbot, controller, tmp_path: Path) -> None:
    dialog = TextGateDialog(controller(tmp_path / "library.sqlite3"), None)
    qtbot.addWidget(dialog)
    assert "Load a model first" in dialog.status_text()
    assert not dialog.calibrate_button.isEnabled() and not dialog.forget_button.isEnabled()


def test_settings_open_the_quick_text_check_of_the_window(
    qtbot, make_window, labelled_library: LabelledLibrary, toy_model_spec: str, db_path: Path
) -> None:
    copy_to(labelled_library.db, db_path)
    window = make_window(toy_model_spec)
    wait_model_ready(qtbot, window)
    window.show_settings()
    settings = window.findChild(SettingsDialog)
    assert settings is not None
    qtbot.mouseClick(settings.text_gate_button, Qt.MouseButton.LeftButton)
    dialog = settings.findChild(TextGateDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: "Not calibrated" in dialog.status_text(), timeout=WAIT_MS)
    dialog.calibrate()
    qtbot.waitUntil(lambda: "Not used" in dialog.status_text(), timeout=WAIT_MS)
    dialog.close()
    settings.reject()


def test_the_settings_button_asks_for_the_quick_text_check(qtbot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.text_gate_requested, timeout=1000):
        qtbot.mouseClick(dialog.text_gate_button, Qt.MouseButton.LeftButton)
