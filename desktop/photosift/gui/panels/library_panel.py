"""The library's photo folders with their counts and state, and the buttons that change them.

The panel shows `RootStats` the library controller reads on its lane and turns clicks into
signals; it never touches the store. Selecting a folder narrows the grid to it ("All photos"
shows everything), the same as the search bar's folder filter.
"""

from __future__ import annotations

from pathlib import PurePath

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photosift.core.paths import display_path

ROOT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ALL_PHOTOS = -1
"""Root id data of the "All photos" row (not None: see search_bar.ALL for why)."""


class LibraryPanel(QWidget):
    folder_selected = Signal(object)  # root id or None (all photos)
    add_requested = Signal()
    remove_requested = Signal(int)
    rescan_requested = Signal()
    skipped_requested = Signal(object)  # root id or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stats: list = []
        title = QLabel(self.tr("Library"), self)
        title.setObjectName("panelTitle")
        font = title.font()
        font.setBold(True)
        title.setFont(font)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("libraryFolders")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Folder"), self.tr("Photos")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.all_item = QTreeWidgetItem([self.tr("All photos"), ""])
        self.all_item.setData(0, ROOT_ID_ROLE, ALL_PHOTOS)
        self.all_item.setIcon(0, self.style().standardIcon(QStyle.StandardPixmap.SP_DirHomeIcon))
        self.tree.addTopLevelItem(self.all_item)
        with QSignalBlocker(self.tree):
            self.tree.setCurrentItem(self.all_item)

        self.add_button = self._button(
            self.tr("Add…"), self.tr("Add a photo folder"), self.add_requested.emit
        )
        self.remove_button = self._button(
            self.tr("Remove"),
            self.tr("Forget this folder (the photos are not touched)"),
            self._remove,
        )
        self.rescan_button = self._button(
            self.tr("Rescan"),
            self.tr("Look for new, changed and removed photos"),
            self.rescan_requested.emit,
        )
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setToolTip(self.tr("Files that could not be indexed, and why"))
        self.summary.linkActivated.connect(lambda _link: self._skipped())

        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for button in (self.add_button, self.remove_button, self.rescan_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addWidget(title)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self._update_buttons()

    def set_stats(self, stats: list) -> None:
        """Show `RootStats` rows (root, indexed, skipped, offline, pending)."""
        self._stats = list(stats)
        current = self.current_root_id()
        with QSignalBlocker(self.tree):
            while self.tree.topLevelItemCount() > 1:
                self.tree.takeTopLevelItem(1)
            for stat in self._stats:
                item = QTreeWidgetItem(
                    [_short_name(stat.root.path), f"{stat.indexed + stat.pending:,}"]
                )
                item.setData(0, ROOT_ID_ROLE, stat.root.id)
                item.setToolTip(0, f"{display_path(stat.root.path)}\n{self.state_text(stat)}")
                item.setData(1, Qt.ItemDataRole.TextAlignmentRole, Qt.AlignmentFlag.AlignRight)
                icon = (
                    QStyle.StandardPixmap.SP_DirIcon
                    if stat.root.online
                    else QStyle.StandardPixmap.SP_DriveNetIcon
                )
                item.setIcon(0, self.style().standardIcon(icon))
                item.setToolTip(1, self.state_text(stat))
                self.tree.addTopLevelItem(item)
                status = QTreeWidgetItem([self.state_text(stat), ""])
                status.setData(0, ROOT_ID_ROLE, stat.root.id)
                status.setFlags(Qt.ItemFlag.NoItemFlags)
                item.addChild(status)
                item.setExpanded(True)
            total = sum(s.indexed + s.pending for s in self._stats)
            self.all_item.setText(1, f"{total:,}" if self._stats else "")
            self._select(current)
        self.summary.setText(self._summary_text())
        self._update_buttons()

    def stats(self) -> list:
        return list(self._stats)

    def state_text(self, stat) -> str:
        """One line: offline / not indexed yet / pending / indexed, and skipped files."""
        if not stat.root.online:
            text = self.tr("Offline: the folder cannot be found")
        elif stat.root.last_scan is None and stat.indexed + stat.pending == 0:
            text = self.tr("Looking for photos…")
        elif stat.pending:
            text = self.tr("{n} waiting for analysis").format(n=f"{stat.pending:,}")
        else:
            text = self.tr("Ready for search")
        if stat.skipped:
            text += " · " + self.tr("{n} skipped").format(n=f"{stat.skipped:,}")
        return text

    def current_root_id(self) -> int | None:
        item = self.tree.currentItem()
        return _root_id(item) if item is not None else None

    def select_root(self, root_id: int | None) -> None:
        self._select(root_id)

    def _select(self, root_id: int | None) -> None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item is not None and _root_id(item) == root_id:
                self.tree.setCurrentItem(item)
                return
        self.tree.setCurrentItem(self.all_item)

    def _summary_text(self) -> str:
        if not self._stats:
            return self.tr("No folders yet. Add one, or drop a folder on the window.")
        skipped = sum(s.skipped for s in self._stats)
        pending = sum(s.pending for s in self._stats)
        count = len(self._stats)
        parts = [self.tr("1 folder") if count == 1 else self.tr("{n} folders").format(n=count)]
        if pending:
            parts.append(self.tr("{n} waiting for analysis").format(n=f"{pending:,}"))
        if skipped:
            link = self.tr("{n} skipped").format(n=f"{skipped:,}")
            parts.append(f'<a href="skipped">{link}</a>')
        return " · ".join(parts)

    def skipped_count(self) -> int:
        return sum(s.skipped for s in self._stats)

    def _on_current_changed(
        self, current: QTreeWidgetItem | None, previous: QTreeWidgetItem | None
    ) -> None:
        self._update_buttons()
        if current is not None and current.parent() is None:
            self.folder_selected.emit(_root_id(current))

    def _update_buttons(self) -> None:
        has_folder = self.current_root_id() is not None
        self.remove_button.setEnabled(has_folder)
        self.rescan_button.setEnabled(bool(self._stats))

    def _remove(self) -> None:
        root_id = self.current_root_id()
        if root_id is not None:
            self.remove_requested.emit(root_id)

    def _skipped(self) -> None:
        self.skipped_requested.emit(self.current_root_id())

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(False)
        button.clicked.connect(slot)
        return button


def _root_id(item: QTreeWidgetItem) -> int | None:
    value = item.data(0, ROOT_ID_ROLE)
    return None if value == ALL_PHOTOS else value


def _short_name(path: str) -> str:
    name = PurePath(path).name or path
    return display_path(name)
