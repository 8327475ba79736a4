"""The organizer's library-wide tools: the Tools menu (duplicates) and folder watching.

Why a module of its own: the main window and its menus are shared by several features; this
keeps the hooks into them to two calls (`OrganizerTools(window)` and its `shutdown()`), and
the wiring here: refreshing folders and grid after files went to the trash, handing folders
the watcher reports to the window's indexer (only with the model the library was indexed with).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMenu,
    QProgressDialog,
)

from photosift.core.library.album_records import AlbumMove
from photosift.gui.albums import AlbumsController
from photosift.gui.folder_watch import FolderWatchController
from photosift.gui.panels.albums_panel import AlbumsPanel
from photosift.gui.panels.duplicates_dialog import DuplicatesDialog
from photosift.gui.results_model import Mode, SortKey

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStatusBar

    from photosift.gui.grid_controller import GridController
    from photosift.gui.indexing import IndexController
    from photosift.gui.library import LibraryController
    from photosift.gui.panels.results_view import ResultsView
    from photosift.gui.panels.search_bar import SearchBar
    from photosift.gui.results_model import ResultsModel
    from photosift.gui.thumbnails import ThumbnailLoader
    from photosift.service.library import LoadedModel


class OrganizerHost(Protocol):
    """What the organizer needs of the main window (a Protocol: no import cycle with it)."""

    db_path: Path
    thumbnails: ThumbnailLoader
    library: LibraryController
    indexer: IndexController
    grid: ResultsView
    grid_control: GridController
    results: ResultsModel
    search_bar: SearchBar
    tag_dock: QDockWidget

    @property
    def loaded(self) -> LoadedModel | None: ...
    def tr(self, text: str) -> str: ...
    def statusBar(self) -> QStatusBar: ...


class OrganizerTools(QObject):
    """Owns the Tools menu, the one duplicates dialog and the folder watcher of a window."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.widget = window  # parent of the dialogs and the dock
        self.window = cast("OrganizerHost", window)  # the main window's parts used here
        self.duplicates_dialog: DuplicatesDialog | None = None
        menu = window.menuBar().addMenu(self.tr("&Tools"))
        host = self.window
        self.duplicates_action = menu.addAction(self.tr("Find &Duplicates…"))
        self.duplicates_action.triggered.connect(self.show_duplicates)
        self.save_search_action = menu.addAction(self.tr("Save Search as &Album…"))
        self.save_search_action.triggered.connect(self._ask_save_search)

        self.albums = AlbumsController(host.db_path, self)
        self.albums_panel = AlbumsPanel(self.albums, window)
        self.albums_dock = QDockWidget(self.tr("Albums"), window)
        self.albums_dock.setObjectName("albumsDock")
        self.albums_dock.setWidget(self.albums_panel)
        # A tab beside the Tags dock: the window keeps its size and layout.
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.albums_dock)
        window.tabifyDockWidget(host.tag_dock, self.albums_dock)
        host.tag_dock.raise_()
        self.albums_panel.open_requested.connect(self.open_album)
        self.albums.album_opened.connect(self._show_album)
        self.albums.album_reordered.connect(self._show_album_order)
        self.albums.failed.connect(lambda message: window.statusBar().showMessage(message, 10_000))
        self.albums.exported.connect(self._on_exported)
        self.albums.list_saved.connect(
            lambda path: window.statusBar().showMessage(
                self.tr("Saved the list to {path}.").format(path=path), 10_000
            )
        )
        self.shown_album: str | None = None
        self.shown_album_ordered = False
        host.grid_control.shown.connect(self._album_left)  # a browse or search replaced it
        host.grid.menu_extenders.append(self._extend_photo_menu)
        self.albums.refresh()

        self.watch = FolderWatchController(host.db_path, self)
        host.library.roots_changed.connect(self._on_roots)
        self.watch.dirty.connect(self._index)
        self.watch.reconcile.connect(lambda: self._index(None))
        self.watch.mode_changed.connect(self._on_watch_mode)

    # -- albums ----------------------------------------------------------------------------
    def open_album(self, name: str) -> None:
        loaded = self.window.loaded
        self.albums.open(
            name, loaded.model if loaded is not None and loaded.matches_library else None
        )

    def _show_album(self, name: str, items: list, is_search: bool = False) -> None:
        self.shown_album = name
        self.shown_album_ordered = not is_search  # its order is the user's: it can be moved
        self.window.results.set_items(items, Mode.BROWSE, SortKey.ALBUM)  # the album's order
        self.window.statusBar().showMessage(
            self.tr("{name}: {n} photos").format(name=name, n=len(items)), 10_000
        )

    def _album_left(self, _request: object) -> None:
        self.shown_album, self.shown_album_ordered = None, False

    def _show_album_order(self, name: str, order: list) -> None:
        if name == self.shown_album:
            self.window.results.set_album_order(order)  # the selection stays on its photos

    def move_in_album(self, ids: list[int], move: AlbumMove) -> None:
        """Move the selected photos of the album shown (earlier, later, to start or end)."""
        if self.shown_album is not None:
            self.albums.move(self.shown_album, ids, move)

    def _ask_save_search(self) -> None:
        request = self.window.search_bar.request()
        if not request.text.strip():
            self.window.statusBar().showMessage(self.tr("Type a search first."), 5000)
            return
        name, ok = QInputDialog.getText(self.widget, self.tr("Save Search"), self.tr("Name:"))
        if ok and name.strip():
            self.albums.save_search(name.strip(), request.text, request.filters, request.relevance)

    def _extend_photo_menu(self, menu: QMenu, ids: list[int]) -> None:
        """Actions on the selected photos, added to the grid's context menu."""
        tr = self.window.tr
        menu.addSeparator()
        add = menu.addMenu(tr("Add to Album"))
        for name in self.albums_panel.album_names():
            add.addAction(name, _later(self.albums.add, name, ids))
        add.addSeparator()
        add.addAction(tr("New Album…"), lambda: self._ask_new_album(ids))
        if self.shown_album is not None:
            menu.addAction(
                tr("Remove from “{name}”").format(name=self.shown_album),
                _later(self.albums.remove, self.shown_album, ids),
            )
            if self.shown_album_ordered and self.window.results.sort_key is SortKey.ALBUM:
                order = menu.addMenu(tr("Move in “{name}”").format(name=self.shown_album))
                for move, text in (
                    (AlbumMove.START, tr("To the Start")),
                    (AlbumMove.EARLIER, tr("Earlier")),
                    (AlbumMove.LATER, tr("Later")),
                    (AlbumMove.END, tr("To the End")),
                ):
                    order.addAction(text, _later(self.move_in_album, ids, move))
        menu.addAction(tr("Export to Folder…"), lambda: self._ask_export(ids, link=False))
        menu.addAction(tr("Link into Folder…"), lambda: self._ask_export(ids, link=True))
        menu.addAction(tr("Save List as CSV/JSON…"), lambda: self._ask_save_list(ids))

    def _ask_new_album(self, ids: list[int]) -> None:
        name, ok = QInputDialog.getText(self.widget, self.tr("New Album"), self.tr("Name:"))
        if ok and name.strip():
            self.albums.create(name.strip(), ids)

    def _ask_export(self, ids: list[int], *, link: bool) -> None:
        folder = QFileDialog.getExistingDirectory(self.widget, self.tr("Export to folder"))
        if folder:
            self.export(ids, Path(folder), link=link)

    def export(self, ids: list[int], folder: Path, *, link: bool = False) -> QProgressDialog:
        """Copy (or link) the photos into `folder`, with a progress dialog that cancels."""
        progress = QProgressDialog(
            self.tr("Exporting photos…"), self.tr("Cancel"), 0, len(ids), self.widget
        )
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        job = self.albums.export(ids, folder, link)
        progress.canceled.connect(job.cancel)
        self.albums.export_progress.connect(lambda done, _total: progress.setValue(done))
        job.finished.connect(progress.close)
        progress.show()
        return progress

    def _on_exported(self, summary: object) -> None:
        written = len(getattr(summary, "written", []))
        failed = len(getattr(summary, "failed", []))
        text = self.tr("Exported {n} files.").format(n=written)
        raws = int(getattr(summary, "raws", 0))
        if raws:  # RAW files of the pairs their JPEGs stand for (PhotoLibrary.export)
            text += " " + self.tr("{n} of them are the RAW files of RAW+JPEG pairs.").format(n=raws)
        if failed:
            text += " " + self.tr("{n} could not be exported.").format(n=failed)
        self.window.statusBar().showMessage(text, 10_000)

    def _ask_save_list(self, ids: list[int]) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self.widget,
            self.tr("Save list"),
            "photos.csv",
            self.tr("CSV (*.csv);;JSON (*.json)"),
        )
        if path:
            self.albums.save_list(ids, Path(path))

    # -- watching --------------------------------------------------------------------------
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
                self.tr(
                    "Cannot watch {folders} for changes (system limit reached): rescanning every few minutes instead."
                ).format(folders=names),
                15_000,
            )

    def show_duplicates(self) -> DuplicatesDialog:
        """Open the duplicates review (non-modal; raised if open) and look at once."""
        if self.duplicates_dialog is None:
            dialog = DuplicatesDialog(self.window.db_path, self.window.thumbnails, self.widget)
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
        self.albums.shutdown()
        if self.duplicates_dialog is not None:
            self.duplicates_dialog.controller.shutdown()


def _later(function: Callable[..., object], *args: object) -> Callable[[], None]:
    """A slot without parameters (QAction.triggered would pass `checked` to a partial)."""

    def call() -> None:
        function(*args)

    return call
