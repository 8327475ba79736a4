"""The window's first-run download and "use a model folder", against a local Hub on 127.0.0.1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from photosift.core.model.download import partial_bytes
from photosift.core.model.fetch import is_cached
from photosift.core.model.folder_import import imported_models_dir
from photosift.core.model.spec import parse_spec
from photosift.gui.model_dialog import ModelUnavailableDialog
from photosift.gui.model_state import ModelState
from tests.gui.conftest import WAIT_MS, wait_model_ready
from tests.hub_server import TOY_SPEC as SPEC

pytestmark = pytest.mark.gui


def test_download_shows_progress_cancel_keeps_bytes_and_retry_resumes(qtbot, make_window, hub):
    hub.rate = 2_000_000  # bytes/s: the 14 MB model takes ~7 s, time enough to press Cancel
    window = make_window(SPEC, ask_about_model=True)
    qtbot.waitUntil(
        lambda: (
            window.models.progress_dialog is not None and window.models.progress_dialog.value() > 0
        ),
        timeout=WAIT_MS,
    )
    dialog = window.models.progress_dialog
    assert "Downloading the search model" in dialog.labelText() and " MB of " in dialog.labelText()

    dialog.findChild(QPushButton).click()  # Cancel
    qtbot.waitUntil(lambda: window.models.state is ModelState.UNAVAILABLE, timeout=WAIT_MS)
    assert "cancelled" in window.models.detail and window.models.progress_dialog is None
    assert window.findChild(ModelUnavailableDialog) is None  # the user chose to stop: no nagging
    kept = partial_bytes(parse_spec(SPEC))
    assert kept > 0 and not is_cached(SPEC)

    hub.rate = None
    window.models.load()  # what "Retry Download" does
    wait_model_ready(qtbot, window)
    assert hub.gets("open_clip_model.safetensors")[-1].range == f"bytes={kept}-"
    assert window.models.progress_dialog is None


def test_a_chosen_model_folder_is_copied_and_the_original_can_move(
    qtbot, make_window, toy_model_dir, tmp_path
):
    original = tmp_path / "my model"
    shutil.copytree(toy_model_dir, original)
    window = make_window(f"local-dir:{tmp_path / 'nothing'}")
    qtbot.waitUntil(lambda: window.models.state is ModelState.UNAVAILABLE, timeout=WAIT_MS)
    reports = []
    window.models.loader.transfer.connect(reports.append)

    window.models.use_folder(original)
    wait_model_ready(qtbot, window)
    copy = Path(window.loaded.spec.removeprefix("local-dir:"))
    assert copy.parent == imported_models_dir() and copy.name.startswith("my_model-")
    assert window.settings.model_spec == window.loaded.spec
    assert reports and reports[-1].fraction == 1.0

    original.rename(tmp_path / "moved")
    window.models.load()
    wait_model_ready(qtbot, window)
    assert window.loaded.spec == f"local-dir:{copy}"


def test_a_large_folder_is_copied_only_when_the_user_agrees(
    qtbot, make_window, toy_model_dir, tmp_path, monkeypatch
):
    monkeypatch.setattr("photosift.core.model.folder_import.LARGE_FOLDER_BYTES", 1)
    window = make_window(f"local-dir:{tmp_path / 'nothing'}")
    qtbot.waitUntil(lambda: window.models.state is ModelState.UNAVAILABLE, timeout=WAIT_MS)
    asked = []

    def answer_use_where_it_is() -> None:
        box = QApplication.activeModalWidget()
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "Use Where It Is").click()

    QTimer.singleShot(0, answer_use_where_it_is)
    window.models.use_folder(toy_model_dir)
    wait_model_ready(qtbot, window)
    assert asked and "14.0 MB" in asked[0] and str(toy_model_dir) in asked[0]
    assert window.loaded.spec == str(
        parse_spec(f"local-dir:{toy_model_dir}")
    )  # the original, not a copy
    assert not list(imported_models_dir().iterdir())
