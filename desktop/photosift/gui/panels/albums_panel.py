"""The Albums sidebar: albums and saved searches, opened into the grid by a double-click.

It only shows what AlbumsController loaded and asks it for changes; names come from small
dialogs. A saved search is marked with a magnifier and re-run each time it is opened.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from photosift.gui.albums import AlbumsController

NAME_ROLE = Qt.ItemDataRole.UserRole


class AlbumsPanel(QWidget):
    open_requested = Signal(str)  # album or saved-search name

    def __init__(self, controller: AlbumsController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._plain: list[str] = []
        self.list = QListWidget(self)
        self.list.itemActivated.connect(lambda item: self.open_requested.emit(item.data(NAME_ROLE)))
        new = QPushButton(self.tr("New…"), self)
        rename = QPushButton(self.tr("Rename…"), self)
        delete = QPushButton(self.tr("Delete"), self)
        new.clicked.connect(self._ask_new)
        rename.clicked.connect(self._ask_rename)
        delete.clicked.connect(self._delete)
        buttons = QHBoxLayout()
        for button in (new, rename, delete):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        controller.albums_loaded.connect(self.set_albums)

    def set_albums(self, albums: list) -> None:
        self._plain = [album.name for album in albums if album.search is None]
        current = self.current_name()
        self.list.clear()
        for album in albums:
            if album.search is not None:
                text = self.tr("🔍 {name}").format(name=album.name)
                tip = self.tr("Saved search: {query}").format(query=album.search.query)
            else:
                text = self.tr("{name} ({n})").format(name=album.name, n=album.count)
                tip = album.name
            item = QListWidgetItem(text, self.list)
            item.setData(NAME_ROLE, album.name)
            item.setToolTip(tip)
            if album.name == current:
                self.list.setCurrentItem(item)

    def album_names(self) -> list[str]:
        """Names of the plain albums (photos can be added to those, not to saved searches)."""
        return list(self._plain)

    def names(self) -> list[str]:
        items = (self.list.item(i) for i in range(self.list.count()))
        return [item.data(NAME_ROLE) for item in items if item is not None]

    def current_name(self) -> str | None:
        item = self.list.currentItem()
        return item.data(NAME_ROLE) if item is not None else None

    def _ask_new(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New Album"), self.tr("Name:"))
        if ok and name.strip():
            self.controller.create(name.strip())

    def _ask_rename(self) -> None:
        current = self.current_name()
        if current is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("Rename"), self.tr("New name:"), text=current)
        if ok and name.strip():
            self.controller.rename(current, name.strip())

    def _delete(self) -> None:
        current = self.current_name()
        if current is not None:  # the album only: its photos stay in the library and on disk
            self.controller.delete(current)
