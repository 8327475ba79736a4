"""Offline photos in the app (issue 16): kept and greyed in the grid, named in the status bar,
left out of search results."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QListView, QStyleOptionViewItem

from photosift.gui.photo_delegate import PhotoDelegate
from photosift.gui.results_model import Mode, PhotoItem, ResultsModel
from tests.gui.conftest import WAIT_MS, wait_indexing_done, wait_model_ready, wait_shown

pytestmark = pytest.mark.gui


class SameThumbnail(QObject):
    ready = Signal(int)

    def thumbnail(self, photo_id: int, path: Path, mtime_ns: int) -> QImage:
        image = QImage(64, 64, QImage.Format.Format_RGB32)
        image.fill(QColor(230, 230, 230))
        return image


def brightness_of_cell(
    delegate: PhotoDelegate, model: ResultsModel, row: int, view: QListView
) -> float:
    canvas = QImage(200, 220, QImage.Format.Format_RGB32)
    canvas.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, 200, 220)
    painter = QPainter(canvas)
    delegate.paint(painter, option, model.index(row))
    painter.end()
    centre = [
        QColor(canvas.pixel(x, y)).lightness() for x in range(70, 130) for y in range(60, 120)
    ]
    return sum(centre) / len(centre)


def test_offline_photos_are_painted_greyed(qtbot) -> None:
    model = ResultsModel(SameThumbnail())
    model.set_items(
        [
            PhotoItem(id=1, path=Path("/p/online.jpg"), mtime_ns=2),
            PhotoItem(id=2, path=Path("/p/offline.jpg"), mtime_ns=1, offline=True),
        ],
        Mode.BROWSE,
    )
    view = QListView()
    qtbot.addWidget(view)
    delegate = PhotoDelegate(thumbnail_size=160)
    online, offline = model.row_of(1), model.row_of(2)
    assert (
        brightness_of_cell(delegate, model, offline, view)
        < brightness_of_cell(delegate, model, online, view) - 40
    )
    assert "Offline" in model.index(offline).data(Qt.ItemDataRole.ToolTipRole)


def test_a_vanished_linked_folder_is_greyed_in_browse_said_in_status_and_not_searched(
    qtbot, make_window, toy_model_spec, tmp_path
) -> None:
    from tests.toyworld import generate_photos

    lib, drive = tmp_path / "lib", tmp_path / "drive"
    generate_photos(lib, 4, size=(160, 120), seed=31)
    generate_photos(drive, 3, size=(160, 120), seed=32)
    (lib / "drive").symlink_to(drive, target_is_directory=True)
    window = make_window(toy_model_spec)
    wait_model_ready(qtbot, window)
    wait_indexing_done(qtbot, window)
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.add_folders([lib])

    drive.rename(tmp_path / "unplugged")
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.rescan()
    assert "3 photos are offline" in window.statusBar().currentMessage()

    window.grid_control.refresh()  # browsing still shows all 7: the offline ones greyed

    def offline_shown() -> set[int]:
        return {item.id for item in window.results.items() if item.offline}

    qtbot.waitUntil(lambda: len(offline_shown()) == 3, timeout=WAIT_MS)
    assert window.results.rowCount() == 7
    offline = offline_shown()

    window.search_bar.relevance.setCurrentIndex(window.search_bar.relevance.findData("off"))
    window.search("a shape")
    wait_shown(qtbot, window, lambda request: request.text == "a shape")
    shown = {item.id for item in window.results.items()}
    assert shown and not shown & offline


def test_forget_missing_photos_names_the_numbers_and_forgets_only_when_confirmed(
    qtbot, make_window, tmp_path, monkeypatch
) -> None:
    """File › Forget Missing Photos: the confirmation says how many are deleted and how many
    offline; Cancel forgets nothing, Yes forgets exactly those, and no file is touched."""
    from PySide6.QtWidgets import QMessageBox

    from photosift.gui.menus import MainAction
    from tests.toyworld import generate_photos

    lib, drive = tmp_path / "lib", tmp_path / "drive"
    photos = generate_photos(lib, 5, size=(160, 120), seed=41)
    generate_photos(drive, 3, size=(160, 120), seed=42)
    (lib / "drive").symlink_to(drive, target_is_directory=True)
    from photosift.gui.model_state import ModelState

    window = make_window(f"local-dir:{tmp_path / 'no-model-here'}")  # cataloguing is enough
    qtbot.waitUntil(lambda: window.models.state is ModelState.UNAVAILABLE, timeout=WAIT_MS)
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.add_folders([lib])
    photos[0].path.unlink()
    photos[1].path.unlink()
    drive.rename(tmp_path / "unplugged")
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.rescan()

    asked: list[str] = []
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]

    def question(parent, title, text, *args):
        asked.append(text)
        return answers[len(asked) - 1]

    monkeypatch.setattr(QMessageBox, "question", question)
    action = window.menu_actions[MainAction.FORGET_MISSING]
    with qtbot.waitSignal(window.library.missing_loaded, timeout=WAIT_MS):
        action.trigger()
    assert len(asked) == 1
    assert "Forget 5 photos" in asked[0] and "2 deleted" in asked[0] and "3 in folders" in asked[0]

    def photo_rows() -> int:
        from photosift.core.library.store import Store

        with Store(window.library.db_path) as store:
            return store.db.execute("SELECT COUNT(*) FROM photos").fetchone()[0]

    assert photo_rows() == 8  # Cancel: everything kept

    with qtbot.waitSignal(window.library.missing_forgotten, timeout=WAIT_MS) as forgotten:
        action.trigger()
    assert forgotten.args == [5] and len(asked) == 2
    assert photo_rows() == 3
    assert "Forgot 5 missing photos" in window.statusBar().currentMessage()
    assert sorted(p.name for p in (tmp_path / "unplugged").iterdir()) != []  # files untouched
    assert len(list(lib.glob("*.jpg"))) == 3
