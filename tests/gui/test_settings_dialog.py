"""The settings dialog turns the user's choices into new Settings and says if the model changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog

from photosift.core.model.catalog import CATALOG, DEFAULT_MODEL_SPEC
from photosift.gui.panels.settings_dialog import SettingsDialog
from photosift.gui.settings import Settings

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot):
    dialog = SettingsDialog(Settings(), active_model_spec=DEFAULT_MODEL_SPEC)
    qtbot.addWidget(dialog)
    return dialog


def click_ok(qtbot, dialog: SettingsDialog) -> None:
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def model_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "open_clip_config.json").write_text(
        json.dumps({"model_cfg": {}, "preprocess_cfg": {}})
    )
    return folder


def test_unchanged_dialog_keeps_the_automatic_model(qtbot, dialog):
    assert dialog.catalog_radio.isChecked()
    assert dialog.catalog_combo.currentData() == DEFAULT_MODEL_SPEC
    with qtbot.waitSignal(dialog.settings_accepted, timeout=5_000) as accepted:
        click_ok(qtbot, dialog)
    new, changed = accepted.args
    assert new.model_spec is None
    assert changed is False
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_choosing_a_catalog_model_changes_the_model(qtbot, dialog):
    other = next(entry.spec for entry in CATALOG if entry.spec != DEFAULT_MODEL_SPEC)
    dialog.catalog_combo.setCurrentIndex(dialog.catalog_combo.findData(other))
    dialog.device_combo.setCurrentIndex(dialog.device_combo.findData("cpu"))
    dialog.cache_spin.setValue(1024)
    with qtbot.waitSignal(dialog.settings_accepted, timeout=5_000) as accepted:
        click_ok(qtbot, dialog)
    new, changed = accepted.args
    assert (new.model_spec, new.device, new.thumbnail_cache_mb) == (other, "cpu", 1024)
    assert changed is True


def test_typing_a_custom_spec_selects_it(qtbot, dialog):
    qtbot.keyClicks(dialog.custom_edit, "hf-hub:someone/some-clip")
    assert dialog.custom_radio.isChecked()
    assert dialog.result_settings().model_spec == "hf-hub:someone/some-clip"
    assert dialog.model_changed()


def test_malformed_custom_spec_keeps_the_dialog_open(qtbot, dialog):
    dialog.set_custom_spec("not a spec at all")
    click_ok(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "not a model spec" in dialog.error_text()


def test_local_model_folder_becomes_a_local_dir_spec(qtbot, dialog, tmp_path, monkeypatch):
    folder = model_folder(tmp_path)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(folder))
    qtbot.mouseClick(dialog.local_button, Qt.MouseButton.LeftButton)
    assert dialog.custom_radio.isChecked()
    assert dialog.error_text() == ""
    assert dialog.result_settings().model_spec == f"local-dir:{folder.resolve()}"


def test_folder_without_config_is_rejected_with_a_clear_message(qtbot, dialog, tmp_path):
    empty = tmp_path / "holiday-photos"
    empty.mkdir()
    assert not dialog.use_local_model_folder(empty)
    message = dialog.error_text()
    assert "open_clip_config.json" in message and str(empty) in message
    assert dialog.catalog_radio.isChecked()  # the previous choice stands
    assert dialog.result_settings().model_spec is None


def test_existing_custom_spec_and_database_are_shown(qtbot, tmp_path):
    folder = model_folder(tmp_path)
    settings = Settings(model_spec=f"local-dir:{folder}", db_path=str(tmp_path / "lib.sqlite3"))
    dialog = SettingsDialog(settings, active_model_spec=f"local-dir:{folder}")
    qtbot.addWidget(dialog)
    assert dialog.custom_radio.isChecked()
    assert dialog.custom_edit.text() == f"local-dir:{folder}"
    assert dialog.db_edit.text() == str(tmp_path / "lib.sqlite3")
    assert not dialog.model_changed()
    dialog.db_edit.clear()
    assert dialog.result_settings().db_path is None
