"""The organizer's library-wide tools: the Tools menu (duplicates) and folder watching.

Why a module of its own: the main window and its menus are shared by several features; this
keeps the hooks into them to two calls (`OrganizerTools(window)` and its `shutdown()`), and
the wiring here: refreshing folders and grid after files went to the trash, handing folders
the watcher reports to the window's indexer (only with the model the library was indexed with).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from photosift.gui.folder_watch import FolderWatchController
from photosift.gui.panels.duplicates_dialog import DuplicatesDialog

if TYPE_CHECKING:
    from photosift.gui.main_window import MainWindow


class OrganizerTools(QObject):
    """Owns the Tools menu, the one duplicates dialog and the folder watcher of a window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.duplicates_dialog: DuplicatesDialog | None = None
        menu = window.menuBar().addMenu(window.tr("&Tools"))
        self.duplicates_action = menu.addAction(window.tr("Find &Duplicates…"))
        self.duplicates_action.triggered.connect(self.show_duplicates)

        self.watch = FolderWatchController(window.db_path, self)
        window.library.roots_changed.connect(self._on_roots)
        self.watch.dirty.connect(self._index)
        self.watch.reconcile.connect(lambda: self._index(None))
        self.watch.mode_changed.connect(self._on_watch_mode)

    def _on_roots(self, stats: list) -> None:
        self.watch.set_folders([Path(s.root.path) for s in stats if s.root.online])

    def _index(self, folders: list[Path] | None) -> None:
        """Rescan `folders` (None: all) with the library's own model, once it is loaded."""
        loaded = self.window.loaded
        if loaded is not None and loaded.matches_library:
            self.window.indexer.start(loaded.model, folders)

    def _on_watch_mode(self, mode: object, unwatchable: list[Path]) -> None:
        from photosift.core.library.watcher import WatchMode

        if mode is WatchMode.PERIODIC:
            names = ", ".join(str(p) for p in unwatchable)
            self.window.statusBar().showMessage(
                self.window.tr(
                    "Cannot watch {folders} for changes (system limit reached): rescanning every few minutes instead."
                ).format(folders=names),
                15_000,
            )

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
        self.watch.shutdown()
        if self.duplicates_dialog is not None:
            self.duplicates_dialog.controller.shutdown()
