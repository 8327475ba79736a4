"""An album opened in the real window shows its own order (not by date), and the grid's
context menu moves the selected photos earlier, later, to the start or the end: the order is
stored, the selection stays on the moved photos. A saved search's order is its ranking."""

from __future__ import annotations

from pathlib import Path

import pytest

from photosift.core.library.filters import Filters
from photosift.core.library.indexer import index_library
from photosift.core.library.store import Store
from photosift.service.library import PhotoLibrary
from tests.gui.conftest import WAIT_MS, wait_indexing_done, wait_model_ready
from tests.gui.test_albums_panel import trigger
from tests.toyworld import generate_photos

pytestmark = pytest.mark.gui


@pytest.fixture
def album_ids(db_path: Path, tmp_path: Path, toy_model) -> list[int]:
    """Six indexed photos; the album "Trip" holds four of them in an order of the user's."""
    folder = tmp_path / "photos"
    generate_photos(folder, 6, size=(160, 120), seed=4)
    with Store(db_path) as store:
        assert index_library(store, toy_model, [folder], workers=1).indexed == 6
        library = PhotoLibrary(store)
        ids = [r.id for r in library.browse(Filters())]
        # Not the grid's usual order (newest first) nor id order.
        chosen = [ids[3], ids[0], ids[5], ids[1]]
        store.add_to_album(library.create_album("Trip").id, chosen)
        library.save_search("Reds", "a red circle")
    return chosen


def grid_ids(window) -> list[int]:  # type: ignore[no-untyped-def]
    return window.results.ids()


def test_album_order_is_shown_and_moves_are_stored(
    qtbot, make_window, album_ids, toy_model_spec
) -> None:
    window = make_window(toy_model_spec)
    qtbot.waitUntil(lambda: window.results.rowCount() == 6, timeout=WAIT_MS)
    wait_model_ready(qtbot, window)  # settled: the start-up rescan finds nothing new
    wait_indexing_done(qtbot, window)
    organizer = window.organizer
    organizer.albums_panel.open_requested.emit("Trip")
    qtbot.waitUntil(lambda: grid_ids(window) == album_ids, timeout=WAIT_MS)

    a, b, c, d = album_ids
    window.grid.select_id(c)
    assert window.grid.selected_ids() == [c]
    with qtbot.waitSignal(organizer.albums.album_reordered, timeout=WAIT_MS):
        trigger(window.grid.build_menu(c, [c]), "Earlier")
    assert grid_ids(window) == [a, c, b, d]
    assert window.grid.selected_ids() == [c]  # the selection follows the photo
    with qtbot.waitSignal(organizer.albums.album_reordered, timeout=WAIT_MS):
        trigger(window.grid.build_menu(c, [c, d]), "To the Start")
    assert grid_ids(window) == [c, d, a, b]
    with qtbot.waitSignal(organizer.albums.album_reordered, timeout=WAIT_MS):
        trigger(window.grid.build_menu(c, [c]), "To the End")
    assert grid_ids(window) == [d, a, b, c]

    # Stored: opening the album again (after browsing elsewhere) shows the same order.
    window.grid_control.refresh()
    qtbot.waitUntil(lambda: organizer.shown_album is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.results.rowCount() == 6, timeout=WAIT_MS)
    organizer.albums_panel.open_requested.emit("Trip")
    qtbot.waitUntil(lambda: grid_ids(window) == [d, a, b, c], timeout=WAIT_MS)

    organizer.albums_panel.open_requested.emit("Reds")
    qtbot.waitUntil(lambda: organizer.shown_album == "Reds", timeout=WAIT_MS)
    first = grid_ids(window)[0]
    texts = [action.text() for action in window.grid.build_menu(first, [first]).actions()]
    assert "Remove from “Reds”" in texts and not any(t.startswith("Move in") for t in texts)
