"""Folder watching in the running app: a photo copied into a library folder appears in the
grid without a rescan, a deleted one disappears; the observers stop with the window."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from tests.gui.conftest import WAIT_MS
from tests.gui.test_main_window import index_folder
from tests.toyworld import generate_photos

pytestmark = pytest.mark.gui


def test_new_and_deleted_photos_reach_the_grid_while_the_app_runs(
    qtbot, make_window, photo_dir, toy_model_spec, tmp_path: Path
) -> None:
    folder, labels = photo_dir
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    qtbot.waitUntil(lambda: window.organizer.watch.folders == [folder.resolve()], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.results.rowCount() == len(labels), timeout=WAIT_MS)

    new = generate_photos(tmp_path / "camera", 2, size=(320, 240), seed=21)
    for photo in new:
        shutil.copy(photo.path, folder / f"new_{photo.path.name}")
    qtbot.waitUntil(lambda: window.results.rowCount() == len(labels) + 2, timeout=WAIT_MS)

    (folder / f"new_{new[0].path.name}").unlink()
    window.grid_control.refresh()  # removals show on the next listing
    qtbot.waitUntil(lambda: _listing_size(qtbot, window) == len(labels) + 1, timeout=WAIT_MS)

    window.close()
    assert not [t for t in threading.enumerate() if "photosift-watch" in t.name and t.is_alive()]


def _listing_size(qtbot, window) -> int:  # type: ignore[no-untyped-def]
    window.grid_control.refresh()
    qtbot.wait(300)
    return window.results.rowCount()
