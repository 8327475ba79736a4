"""The main window's menu bar, built from the window's own slots.

Kept apart so the window module reads as layout and wiring; every action here only calls a
method of the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from photosift.gui.results_model import SortKey

if TYPE_CHECKING:
    from photosift.gui.main_window import MainWindow


def build_menus(window: MainWindow) -> dict[str, QAction]:
    """Fill the window's menu bar; returns the actions other code enables or checks by name."""
    tr = window.tr
    bar = window.menuBar()
    actions: dict[str, QAction] = {}

    def add(menu, key: str, text: str, slot, shortcut=None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        actions[key] = action
        return action

    file_menu = bar.addMenu(tr("&File"))
    add(file_menu, "add_folder", tr("&Add Folder…"), window.choose_folder_to_add, QKeySequence.StandardKey.Open)
    add(file_menu, "rescan", tr("&Rescan Library"), window.rescan, QKeySequence.StandardKey.Refresh)
    add(file_menu, "skipped", tr("S&kipped Files…"), lambda: window.show_skipped(None))
    file_menu.addSeparator()
    add(file_menu, "settings", tr("&Settings…"), window.show_settings, QKeySequence.StandardKey.Preferences)
    file_menu.addSeparator()
    add(file_menu, "quit", tr("&Quit"), window.close, QKeySequence.StandardKey.Quit)

    edit_menu = bar.addMenu(tr("&Edit"))
    add(edit_menu, "find", tr("&Search…"), window.focus_search, QKeySequence.StandardKey.Find)
    add(edit_menu, "select_all", tr("Select &All"), window.grid.list.selectAll, QKeySequence.StandardKey.SelectAll)

    view_menu = bar.addMenu(tr("&View"))
    sort_menu = view_menu.addMenu(tr("&Sort By"))
    group = QActionGroup(window)
    for key, text in ((SortKey.SCORE, tr("Best Match")), (SortKey.DATE, tr("Newest")), (SortKey.NAME, tr("Name"))):
        action = add(sort_menu, f"sort_{key.value}", text, lambda checked=False, k=key: window.set_sort(k))
        action.setCheckable(True)
        group.addAction(action)
    actions["sort_date"].setChecked(True)
    view_menu.addSeparator()
    add(view_menu, "zoom_in", tr("&Larger Thumbnails"), lambda: window.zoom_thumbnails(1), QKeySequence.StandardKey.ZoomIn)
    add(view_menu, "zoom_out", tr("S&maller Thumbnails"), lambda: window.zoom_thumbnails(-1), QKeySequence.StandardKey.ZoomOut)
    view_menu.addSeparator()
    tags = window.tag_dock.toggleViewAction()
    tags.setText(tr("&Tags Panel"))
    view_menu.addAction(tags)
    actions["tags_panel"] = tags

    help_menu = bar.addMenu(tr("&Help"))
    add(help_menu, "about", tr("&About PhotoSift"), window.show_about)
    return actions
