"""Albums and actions on a selection in the real window: a new album from the grid's
context menu, opening it, removing from it, export with progress, the list saved as JSON, and a
saved search re-run when opened."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu

from tests.gui.conftest import WAIT_MS
from tests.gui.test_main_window import index_folder

pytestmark = pytest.mark.gui


def trigger(menu: QMenu, text: str) -> None:
    """Trigger the action called `text` in `menu` or one of its submenus."""
    for action in menu.actions():
        if action.text() == text:
            action.trigger()
            return
        if action.menu() is not None:
            for inner in action.menu().actions():
                if inner.text() == text:
                    inner.trigger()
                    return
    raise AssertionError(f"no action {text!r} in {[a.text() for a in menu.actions()]}")


def panel_texts(window) -> list[str]:  # type: ignore[no-untyped-def]
    panel = window.organizer.albums_panel
    return [panel.list.item(i).text() for i in range(panel.list.count())]


def test_album_from_selection_export_and_saved_search(
    qtbot, make_window, photo_dir, toy_model_spec, tmp_path: Path, monkeypatch
) -> None:
    folder, labels = photo_dir
    window = make_window(toy_model_spec)
    index_folder(qtbot, window, folder)
    qtbot.waitUntil(lambda: window.results.rowCount() == len(labels), timeout=WAIT_MS)
    window.grid.list.selectAll()  # Ctrl+A
    assert len(window.grid.selected_ids()) == len(labels)
    ids = window.results.ids()[:3]

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Trip", True))
    trigger(window.grid.build_menu(ids[0], ids), "New Album…")
    qtbot.waitUntil(lambda: panel_texts(window) == ["Trip (3)"], timeout=WAIT_MS)

    window.organizer.albums_panel.open_requested.emit("Trip")
    qtbot.waitUntil(lambda: window.results.rowCount() == 3, timeout=WAIT_MS)
    assert sorted(window.results.ids()) == sorted(ids)
    trigger(window.grid.build_menu(ids[0], ids[:1]), "Remove from “Trip”")
    qtbot.waitUntil(
        lambda: panel_texts(window) == ["Trip (2)"] and window.results.rowCount() == 2,
        timeout=WAIT_MS,
    )

    target = tmp_path / "export"
    window.organizer.export(ids, target)
    qtbot.waitUntil(
        lambda: "Exported 3 files" in window.statusBar().currentMessage(), timeout=WAIT_MS
    )
    assert len(list(target.iterdir())) == 3

    listing = tmp_path / "photos.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(listing), ""))
    trigger(window.grid.build_menu(ids[0], ids), "Save List as CSV/JSON…")
    qtbot.waitUntil(listing.exists, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(listing.read_text()), timeout=WAIT_MS)
    assert sorted(row["photo_id"] for row in json.loads(listing.read_text())) == sorted(ids)

    window.search_bar.query.setText("a red circle")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Reds", True))
    window.organizer.save_search_action.trigger()
    qtbot.waitUntil(lambda: "🔍 Reds" in panel_texts(window), timeout=WAIT_MS)
    window.organizer.albums_panel.open_requested.emit("Reds")
    qtbot.waitUntil(lambda: window.organizer.shown_album == "Reds", timeout=WAIT_MS)
    shown = [
        labels[window.results.item(row).path.resolve()] for row in range(window.results.rowCount())
    ]
    assert shown and sum(colour == "red" for colour, _ in shown) >= len(shown) * 0.8
