"""The window analyses the RAWs of pairs once pairs show as two files (Settings): while
joined, a RAW was never analysed, so search would not find it."""

from __future__ import annotations

from pathlib import Path

import pytest

from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.gui.panels.settings_dialog import SettingsDialog
from tests.gui.conftest import WAIT_MS, wait_indexing_done, wait_model_ready
from tests.toyworld import generate_photos
from tests.unit.test_raw_pairs import add_raw_twins

pytestmark = pytest.mark.gui


def test_separating_pairs_analyses_their_raws(
    qtbot, make_window, db_path: Path, tmp_path: Path, toy_model, toy_model_spec
) -> None:
    folder = tmp_path / "photos"
    generate_photos(folder, 6, size=(160, 120), seed=5)
    with Store(db_path) as store:
        assert index_library(store, toy_model, [folder], workers=1).indexed == 6
    add_raw_twins(db_path, sorted(folder.glob("*.jpg"))[:2], analysed=False)
    window = make_window(toy_model_spec)
    wait_model_ready(qtbot, window)
    wait_indexing_done(qtbot, window)
    assert window.library.joins_raw_pairs
    window.show_settings()
    dialog = window.findChild(SettingsDialog)
    with qtbot.waitSignal(window.indexer.finished, timeout=WAIT_MS) as finished:
        dialog.raw_pairs_check.setChecked(False)
        dialog.accept()
    # The two RAWs were analysed (these hold no picture, so both are recorded as skipped).
    assert finished.args[0].skipped.get("corrupt") == 2
