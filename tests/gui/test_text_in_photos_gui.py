"""The GUI side of text in photos: the viewer draws the matched words, Settings switches the
text pass, and a window that indexes with it on finds photos by `text:` words."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint

from photosift.core.library.store import Store
from photosift.gui.panels.settings_dialog import SettingsDialog
from photosift.gui.panels.viewer import PhotoViewer
from photosift.gui.settings import Settings
from tests.gui.conftest import WAIT_MS, wait_indexing_done, wait_model_ready, wait_shown
from tests.textlibrary import TextLibrary
from tests.textphotos import write_text_photos

pytestmark = pytest.mark.gui


def open_viewer(qtbot, text_library: TextLibrary, photo_id: int, query: str) -> PhotoViewer:
    viewer = PhotoViewer(text_library.db, [photo_id], photo_id, query=query)
    qtbot.addWidget(viewer)
    viewer.resize(900, 700)
    viewer.show()
    with qtbot.waitSignal(viewer.photo_loaded, timeout=WAIT_MS):
        pass
    return viewer


def test_viewer_draws_the_boxes_of_the_matched_words(qtbot, text_library: TextLibrary) -> None:
    photo_id, photo = next((i, p) for i, p in text_library.photos.items() if p.language == "zh")
    word = photo.words[0]
    viewer = open_viewer(qtbot, text_library, photo_id, f"text:{word}")
    boxes = viewer.image_view.boxes()
    assert boxes and any(matched for _, matched in boxes)
    assert word in viewer.facts()["text"]
    corners, _ = next(b for b in boxes if b[1])
    area = viewer.image_view.image_rect()
    centre = QPoint(
        area.x() + int(sum(x for x, _ in corners) / 4 * area.width()),
        area.y() + int(sum(y for _, y in corners) / 4 * area.height()),
    )
    with_boxes = viewer.image_view.grab().toImage().pixelColor(centre)
    viewer.image_view.set_pixmap(viewer.image_view.pixmap())  # the same photo, no boxes
    without = viewer.image_view.grab().toImage().pixelColor(centre)
    assert with_boxes != without  # the matched box is painted over the words
    viewer.close()


def test_viewer_without_a_word_query_draws_no_highlight(qtbot, text_library: TextLibrary) -> None:
    photo_id = next(i for i, p in text_library.photos.items() if p.language == "en")
    viewer = open_viewer(qtbot, text_library, photo_id, "a red circle")
    boxes = viewer.image_view.boxes()
    assert boxes and not any(matched for _, matched in boxes)
    viewer.close()


def test_settings_switch_the_text_pass(qtbot, tmp_path: Path) -> None:
    assert Settings().read_text is False  # off by default: OCR is slow on a CPU
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert not dialog.read_text_check.isChecked()
    dialog.read_text_check.setChecked(True)
    new = dialog.result_settings()
    assert new.read_text is True
    new.save(tmp_path / "settings.json")
    assert Settings.load(tmp_path / "settings.json").read_text is True


def test_window_reads_text_while_indexing_and_finds_words(
    qtbot, make_window, tmp_path: Path, toy_model_spec: str, text_reader, db_path: Path
) -> None:
    folder = tmp_path / "photos"
    photos = write_text_photos(folder, english=1, chinese=0, plain=1)
    window = make_window(toy_model_spec)
    wait_model_ready(qtbot, window)
    window._apply_settings(Settings(db_path=str(db_path), read_text=True), False)
    wait_indexing_done(qtbot, window)
    with qtbot.waitSignal(window.indexer.idle, timeout=WAIT_MS):
        window.add_folders([folder])
    with Store(db_path) as store:
        assert store.text_counts()["pending"] == 0
    word = photos[0].words[0]
    qtbot.keyClicks(window.search_bar.query, f"text:{word}")
    wait_shown(qtbot, window, lambda request: request.text == f"text:{word}")
    assert [Path(item.path).resolve() for item in window.results.items()] == [
        photos[0].path.resolve()
    ]


def test_settings_choose_the_interface_language(qtbot) -> None:
    dialog = SettingsDialog(Settings(language="zh_CN"))
    qtbot.addWidget(dialog)
    assert dialog.language_combo.currentData() == "zh_CN"
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData(None))
    assert dialog.result_settings().language is None  # back to the system's language
