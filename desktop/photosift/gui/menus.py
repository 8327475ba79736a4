"""The main window's menu bar, built from a host's slots and keyed by an enum of actions.

Kept apart so the window module reads as layout and wiring. The host is described by a
Protocol rather than the window class, so this module never imports the window back (picard's
``MainAction`` enum does the same): every action here only calls a method of the host.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Protocol

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QDockWidget, QListView, QMenu, QMenuBar

from photosift.gui.results_model import SortKey


class MainAction(Enum):
    """Actions that other code enables, checks or triggers after the menus are built."""

    ADD_FOLDER = "add_folder"
    RESCAN = "rescan"
    SKIPPED = "skipped"
    FORGET_MISSING = "forget_missing"
    SETTINGS = "settings"
    QUIT = "quit"
    FIND = "find"
    SELECT_ALL = "select_all"
    SORT_SCORE = "sort_score"
    SORT_DATE = "sort_date"
    SORT_NAME = "sort_name"
    ZOOM_IN = "zoom_in"
    ZOOM_OUT = "zoom_out"
    TAGS_PANEL = "tags_panel"
    ABOUT = "about"

    @classmethod
    def sort(cls, key: SortKey) -> MainAction:
        return cls(f"sort_{key.value}")


class MenuHost(Protocol):
    """What the menus need of the window."""

    def tr(self, text: str) -> str: ...
    def menuBar(self) -> QMenuBar: ...
    def choose_folder_to_add(self) -> None: ...
    def rescan(self) -> None: ...
    def show_skipped(self, root_id: int | None) -> None: ...
    def forget_missing_photos(self) -> None: ...
    def show_settings(self) -> None: ...
    def close(self) -> bool: ...
    def focus_search(self) -> None: ...
    def set_sort(self, key: SortKey) -> None: ...
    def show_about(self) -> None: ...
    def zoom_thumbnails(self, step: int) -> None: ...


def build_menus(
    host: MenuHost, grid_list: QListView, tag_dock: QDockWidget
) -> dict[MainAction, QAction]:
    """Fill the host's menu bar; returns the actions other code enables or checks."""
    tr = host.tr
    bar = host.menuBar()
    actions: dict[MainAction, QAction] = {}

    def add(
        menu: QMenu,
        key: MainAction,
        text: str,
        slot: Callable[..., object],
        shortcut: QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(slot)
        if isinstance(shortcut, str):
            action.setShortcut(QKeySequence(shortcut))
        elif shortcut is not None:
            action.setShortcut(shortcut)
        actions[key] = action
        return action

    keys = QKeySequence.StandardKey
    file_menu = bar.addMenu(tr("&File"))
    add(file_menu, MainAction.ADD_FOLDER, tr("&Add Folder…"), host.choose_folder_to_add, keys.Open)
    add(file_menu, MainAction.RESCAN, tr("&Rescan Library"), host.rescan, keys.Refresh)
    add(file_menu, MainAction.SKIPPED, tr("S&kipped Files…"), lambda: host.show_skipped(None))
    add(
        file_menu,
        MainAction.FORGET_MISSING,
        tr("&Forget Missing Photos…"),
        host.forget_missing_photos,
    )
    file_menu.addSeparator()
    add(file_menu, MainAction.SETTINGS, tr("&Settings…"), host.show_settings, keys.Preferences)
    file_menu.addSeparator()
    add(file_menu, MainAction.QUIT, tr("&Quit"), host.close, keys.Quit)

    edit_menu = bar.addMenu(tr("&Edit"))
    add(edit_menu, MainAction.FIND, tr("&Search…"), host.focus_search, keys.Find)
    add(edit_menu, MainAction.SELECT_ALL, tr("Select &All"), grid_list.selectAll, keys.SelectAll)

    view_menu = bar.addMenu(tr("&View"))
    sort_menu = view_menu.addMenu(tr("&Sort By"))
    group = QActionGroup(bar)
    for key, text in (
        (SortKey.SCORE, tr("Best Match")),
        (SortKey.DATE, tr("Newest")),
        (SortKey.NAME, tr("Name")),
    ):
        action = add(
            sort_menu, MainAction.sort(key), text, lambda checked=False, k=key: host.set_sort(k)
        )
        action.setCheckable(True)
        group.addAction(action)
    actions[MainAction.SORT_DATE].setChecked(True)
    view_menu.addSeparator()
    add(
        view_menu,
        MainAction.ZOOM_IN,
        tr("&Larger Thumbnails"),
        lambda: host.zoom_thumbnails(1),
        keys.ZoomIn,
    )
    add(
        view_menu,
        MainAction.ZOOM_OUT,
        tr("S&maller Thumbnails"),
        lambda: host.zoom_thumbnails(-1),
        keys.ZoomOut,
    )
    view_menu.addSeparator()
    tags = tag_dock.toggleViewAction()
    tags.setText(tr("&Tags Panel"))
    view_menu.addAction(tags)
    actions[MainAction.TAGS_PANEL] = tags

    help_menu = bar.addMenu(tr("&Help"))
    add(help_menu, MainAction.ABOUT, tr("&About PhotoSift"), host.show_about)
    return actions
