"""`photosift --add-folder DIR --screenshot FILE`: the window with the added photos, checked by
the same thumbnail counter the Xvfb smoke test (packaging/xvfb_smoke.sh) uses."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.toyworld.generator import generate_photos

pytestmark = pytest.mark.gui

CHECKER = Path(__file__).resolve().parents[2] / "packaging" / "screenshot_check.py"


def screenshot_check():
    spec = importlib.util.spec_from_file_location("screenshot_check", CHECKER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def photosift(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # --screenshot needs none
    return subprocess.run(
        [sys.executable, "-m", "photosift", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


def test_added_folder_shows_thumbnails(tmp_path, toy_model_spec):
    generate_photos(tmp_path / "photos", 12, size=(160, 120), seed=3)
    target = tmp_path / "window.png"
    result = photosift(
        "--add-folder", str(tmp_path / "photos"), "--model", toy_model_spec,
        "--db", str(tmp_path / "lib.sqlite3"), "--screenshot", str(target),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "some parts had not loaded" not in result.stdout
    found = screenshot_check().analyse(target)
    assert len(found.thumbnails) >= 6, found.describe()
    assert all(box.width >= 100 and box.height >= 70 for box in found.thumbnails[:6]), (
        found.describe()
    )


def test_an_empty_library_has_no_thumbnails(tmp_path):
    target = tmp_path / "window.png"
    result = photosift("--db", str(tmp_path / "lib.sqlite3"), "--screenshot", str(target))
    assert result.returncode == 0, result.stderr
    checker = screenshot_check()
    assert checker.analyse(target).thumbnails == []
    assert checker.main([str(target)]) == 1
