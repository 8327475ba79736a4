"""`photosift --screenshot` and `photosift --self-test`, run as a user (or a build script) would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from photosift.cli.self_test import draw_shapes
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store

pytestmark = pytest.mark.gui


def photosift(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "photosift", *args],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )


def test_screenshot_renders_the_window_with_a_search_result(tmp_path, toy_model, toy_model_spec):
    photos = tmp_path / "photos"
    photos.mkdir()
    draw_shapes(photos)
    db = tmp_path / "library.sqlite3"
    with Store(db) as store:
        assert index_library(store, toy_model, [photos], workers=1).indexed == 6
    target = tmp_path / "window.png"
    result = photosift("--screenshot", str(target), "--db", str(db), "--model", toy_model_spec)
    assert result.returncode == 0, result.stderr
    assert "some parts had not loaded" not in result.stdout
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixelColor(x, y).name() for x in range(0, 1280, 16) for y in range(0, 800, 16)}
    assert len(colours) > 20  # a rendered window with thumbnails, not a blank canvas


def test_self_test_passes_with_the_toy_model(toy_model_spec):
    result = photosift("--self-test", "--model", toy_model_spec)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "self-test: ok"
    ranking = lines.index("self-test: search 'a red circle':")
    top_two = [line.split()[-1] for line in lines[ranking + 1 : ranking + 3]]
    assert top_two[0].startswith("red-") and "red-circle" in top_two


def test_self_test_fails_clearly_without_a_model(tmp_path):
    result = photosift("--self-test", "--model", f"local-dir:{tmp_path / 'nothing'}")
    assert result.returncode == 1
    assert "FAILED" in result.stdout


def test_drawn_shapes_are_real_jpegs(tmp_path):
    written = draw_shapes(tmp_path)
    assert [p.name for p in written][0] == "red-circle.jpg"
    assert all(QImage(str(p)).width() == 256 for p in written)
    assert Path(tmp_path / "red-circle.jpg").stat().st_size > 0
