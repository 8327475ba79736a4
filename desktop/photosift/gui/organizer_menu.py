"""The Tools menu: the organizer's views that work on the whole library (duplicates).

Why a module of its own: the main window and its menus are shared by several features; this
keeps the hooks into them to two calls (`OrganizerTools(window)` and its `shutdown()`), and
the dialogs' wiring (refreshing folders and grid after files went to the trash) here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from photosift.gui.panels.duplicates_dialog import DuplicatesDialog

if TYPE_CHECKING:
    from photosift.gui.main_window import MainWindow


class OrganizerTools(QObject):
    """Owns the Tools menu and the one duplicates dialog of a window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.duplicates_dialog: DuplicatesDialog | None = None
        menu = window.menuBar().addMenu(window.tr("&Tools"))
        self.duplicates_action = menu.addAction(window.tr("Find &Duplicates…"))
        self.duplicates_action.triggered.connect(self.show_duplicates)

    def show_duplicates(self) -> DuplicatesDialog:
        """Open the duplicates review (non-modal; raised if open) and look at once."""
        if self.duplicates_dialog is None:
            dialog = DuplicatesDialog(self.window.db_path, self.window.thumbnails, self.window)
            dialog.controller.trashed.connect(self._after_trash)
            self.duplicates_dialog = dialog
        self.duplicates_dialog.find_duplicates()
        self.duplicates_dialog.show()
        self.duplicates_dialog.raise_()
        return self.duplicates_dialog

    def _after_trash(self, _done: object) -> None:
        self.window.library.refresh()
        self.window.grid_control.refresh()

    def shutdown(self) -> None:
        if self.duplicates_dialog is not None:
            self.duplicates_dialog.controller.shutdown()
