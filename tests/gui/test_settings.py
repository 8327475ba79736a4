"""User settings merge over defaults; window state lives apart, in the isolated config folder."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QByteArray

from photosift.core import paths
from photosift.gui.settings import Settings, UiState

pytestmark = pytest.mark.gui


def test_missing_file_gives_defaults_with_xmp_off():
    settings = Settings.load()
    assert settings == Settings()
    assert settings.write_xmp_sidecars is False
    assert settings.resolved_db_path() == paths.default_db_path()


def test_saved_values_come_back_and_bad_ones_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "device": "cpu",
                "model_spec": "local-dir:/models/x",
                "thumbnail_cache_mb": "lots",  # wrong type
                "relevance": "sideways",  # not a level
                "write_xmp_sidecars": 1,  # not a bool
                "from_the_future": True,  # unknown key
            }
        )
    )
    settings = Settings.load(path)
    assert settings.device == "cpu"
    assert settings.model_spec == "local-dir:/models/x"
    assert settings.thumbnail_cache_mb == Settings().thumbnail_cache_mb
    assert settings.relevance == "normal"
    assert settings.write_xmp_sidecars is False


def test_save_round_trips_through_the_config_folder():
    settings = Settings(device="cpu", db_path="/tmp/elsewhere.sqlite3", thumbnail_size=200)
    settings.save()
    assert Settings.file_path().parent == paths.config_dir()
    assert Settings.load() == settings


def test_unreadable_file_gives_defaults():
    Settings.file_path().write_text("{not json")
    assert Settings.load() == Settings()


def test_ui_state_is_kept_in_the_config_folder():
    state = UiState()
    state.set_bytes("window/geometry", QByteArray(b"abc"))
    state.set_text("last_folder", "/photos")
    state.sync()
    again = UiState()
    assert again.bytes("window/geometry") == QByteArray(b"abc")
    assert again.text("last_folder") == "/photos"
    assert (paths.config_dir() / "ui-state.ini").is_file()
