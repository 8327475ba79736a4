"""The photo viewer shows photos upright, steps through its list and acts on the current photo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.gui.panels.viewer import PhotoViewer
from tests.toyworld import generate_photos

pytestmark = pytest.mark.gui

ROTATE_90_CW = 6  # EXIF Orientation: the stored pixels must be turned 90° clockwise to be upright


def write_rotated_jpeg(path: Path) -> None:
    """A 300x150 pixel block whose EXIF says "turn me": upright it is 150 wide, 300 high."""
    image = Image.new("RGB", (300, 150), (200, 40, 40))
    image.paste((40, 40, 200), (0, 0, 150, 150))
    exif = Image.Exif()
    exif[0x0112] = ROTATE_90_CW
    exif[0x010F] = "Testmaker"
    exif[0x0110] = "Model 7"
    image.save(path, "JPEG", exif=exif.tobytes(), quality=90)


@pytest.fixture
def library(tmp_path: Path, toy_model) -> tuple[Path, list[int], Path]:
    """A real library of a rotated JPEG followed by two toy-world photos, indexed by the core."""
    folder = tmp_path / "photos"
    folder.mkdir()
    rotated = folder / "a_rotated.jpg"
    write_rotated_jpeg(rotated)
    toys = generate_photos(folder / "toys", 2, size=(160, 120), seed=3)
    db_path = tmp_path / "library.sqlite3"
    with Store(db_path) as store:
        summary = index_library(store, toy_model, [folder], workers=1)
        assert summary.indexed == 3
        ids = [store.photo_id_at(path) for path in [rotated, *(toy.path for toy in toys)]]
    assert None not in ids
    return db_path, ids, rotated


@pytest.fixture
def open_viewer(qtbot, library):
    db_path, ids, _ = library
    viewer = PhotoViewer(db_path, ids, ids[0])
    qtbot.addWidget(viewer)
    yield viewer
    viewer.close()


def wait_for_photo(qtbot, viewer: PhotoViewer, photo_id: int) -> None:
    qtbot.waitUntil(
        lambda: (
            viewer.facts()["path"] != ""
            and viewer.current_path() is not None
            and viewer.current_photo_id() == photo_id
            and not viewer.image_view.pixmap().isNull()
        ),
        timeout=20_000,
    )


def test_exif_rotated_photo_is_shown_upright(qtbot, library, open_viewer):
    _, ids, rotated = library
    wait_for_photo(qtbot, open_viewer, ids[0])
    pixmap = open_viewer.image_view.pixmap()
    assert (pixmap.width(), pixmap.height()) == (150, 300)
    shown = pixmap.toImage()
    assert shown.pixelColor(75, 30).blue() > 150  # the blue half, turned clockwise, is on top
    assert shown.pixelColor(75, 270).red() > 150
    facts = open_viewer.facts()
    assert "150 × 300" in facts["size"]
    assert facts["camera"] == "Testmaker Model 7"
    assert facts["path"] == str(rotated)
    open_viewer.resize(500, 400)
    placed = open_viewer.image_view.image_rect()
    assert placed.height() > placed.width()


def test_next_and_previous_by_button_and_key(qtbot, library, open_viewer):
    _, ids, _ = library
    wait_for_photo(qtbot, open_viewer, ids[0])
    assert not open_viewer.previous_button.isEnabled()
    with qtbot.waitSignal(open_viewer.photo_loaded, timeout=20_000) as loaded:
        qtbot.mouseClick(open_viewer.next_button, Qt.MouseButton.LeftButton)
    assert loaded.args == [ids[1]]
    with qtbot.waitSignal(open_viewer.photo_loaded, timeout=20_000) as loaded:
        qtbot.keyClick(open_viewer, Qt.Key.Key_Right)
    assert loaded.args == [ids[2]]
    assert not open_viewer.next_button.isEnabled()
    qtbot.keyClick(open_viewer, Qt.Key.Key_Right)  # at the end: stays
    assert open_viewer.current_photo_id() == ids[2]
    with qtbot.waitSignal(open_viewer.photo_loaded, timeout=20_000) as loaded:
        qtbot.keyClick(open_viewer, Qt.Key.Key_Left)
    assert loaded.args == [ids[1]]
    assert open_viewer.position_label.text() == "2 of 3"


def test_copy_path_and_more_like_this(qtbot, library, open_viewer):
    _, ids, rotated = library
    wait_for_photo(qtbot, open_viewer, ids[0])
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(open_viewer.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == str(rotated)
    with qtbot.waitSignal(open_viewer.more_like_this, timeout=5_000) as similar:
        qtbot.mouseClick(open_viewer.similar_button, Qt.MouseButton.LeftButton)
    assert similar.args == [ids[0]]


def test_unreadable_photo_shows_why(qtbot, library):
    db_path, ids, rotated = library
    rotated.write_bytes(b"not a jpeg any more")
    viewer = PhotoViewer(db_path, ids, ids[0])
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: "cannot be shown" in viewer.image_view.message(), timeout=20_000)
    assert viewer.image_view.pixmap().isNull()
    assert viewer.facts()["path"] == str(rotated)
    viewer.close()


def test_zoom_fit_100_percent_wheel_and_full_screen(qtbot, library, open_viewer):
    from PySide6.QtCore import QPoint, QPointF

    _, ids, _ = library
    open_viewer.resize(400, 300)
    open_viewer.show()
    wait_for_photo(qtbot, open_viewer, ids[0])
    view = open_viewer.image_view
    assert view.is_fit() and view.image_rect().height() <= view.height()
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=view.rect().center())
    assert not view.is_fit() and view.scale() == 1.0
    assert (view.image_rect().width(), view.image_rect().height()) == (150, 300)  # one pixel each
    before = view.scale()
    from PySide6.QtGui import QWheelEvent  # pytest-qt has no wheel helper: send the real event

    event = QWheelEvent(
        QPointF(50, 50),
        QPointF(view.mapToGlobal(QPoint(50, 50))),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QGuiApplication.sendEvent(view, event)
    assert view.scale() == pytest.approx(before * 1.25)
    qtbot.keyClick(open_viewer, Qt.Key.Key_0)
    assert view.is_fit()

    qtbot.keyClick(open_viewer, Qt.Key.Key_F11)
    assert open_viewer.isFullScreen() and not open_viewer.facts_visible()
    qtbot.keyClick(open_viewer, Qt.Key.Key_Escape)
    assert (
        not open_viewer.isFullScreen() and open_viewer.facts_visible() and open_viewer.isVisible()
    )
