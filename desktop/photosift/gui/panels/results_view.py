"""The photo grid: a QListView over `ResultsModel`, painted by `PhotoDelegate`, with a message
overlay for the states where there is nothing to show and a context menu for photo actions.

Why a list view in icon mode with uniform item sizes: Qt then lays out 100k items
arithmetically and paints only the visible cells, so scrolling stays smooth at any size.
The view emits photo ids, never rows; the window decides what an action does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from photosift.gui.photo_delegate import PhotoDelegate
from photosift.gui.results_model import PhotoIdRole, ResultsModel


class _Overlay(QWidget):
    """A centred message (and an optional button) shown in place of an empty grid."""

    action_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setObjectName("overlayTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.title.setFont(font)
        self.detail = QLabel(self)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail.setWordWrap(True)
        self.detail.setEnabled(False)
        self.button = QPushButton(self)
        self.button.clicked.connect(self.action_clicked)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addWidget(self.detail)
        layout.addSpacing(12)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        layout.setContentsMargins(40, 20, 40, 20)


class ResultsView(QWidget):
    """Signals carry photo ids; `overlay_action` is the overlay button (its meaning is the
    window's: add a folder, re-index, choose a model)."""

    open_requested = Signal(int)
    more_like_this = Signal(int)
    reveal_requested = Signal(list)
    open_external_requested = Signal(list)
    copy_paths_requested = Signal(list)
    selection_changed = Signal(list)
    current_changed = Signal(object)  # photo id or None
    overlay_action = Signal()

    def __init__(
        self, model: ResultsModel, thumbnail_size: int = 160, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.list = QListView(self)
        self.list.setObjectName("photoGrid")
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setUniformItemSizes(True)
        self.list.setLayoutMode(QListView.LayoutMode.Batched)
        self.list.setBatchSize(2000)
        self.list.viewport().installEventFilter(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.verticalScrollBar().setSingleStep(24)
        self.list.setMouseTracking(True)
        self.list.setDragEnabled(False)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._show_menu)
        self.list.doubleClicked.connect(
            lambda index: self.open_requested.emit(index.data(PhotoIdRole))
        )
        self.delegate = PhotoDelegate(thumbnail_size, self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.setModel(model)
        self.list.selectionModel().selectionChanged.connect(
            lambda *_: self.selection_changed.emit(self.selected_ids())
        )
        self.list.selectionModel().currentChanged.connect(
            lambda current, _previous: self.current_changed.emit(
                current.data(PhotoIdRole) if current.isValid() else None
            )
        )
        model.modelReset.connect(lambda: self.delegate.set_mode(model.mode))

        self.menu_extenders: list[Callable[[QMenu, list[int]], None]] = []
        self.overlay = _Overlay(self)
        self.overlay.action_clicked.connect(self.overlay_action)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.list)
        self._stack.addWidget(self.overlay)

        self._open_action = self._action(
            self.tr("Open"), QKeySequence(Qt.Key.Key_Return), self._open_current
        )
        self.list.addAction(self._open_action)
        copy = self._action(
            self.tr("Copy Path"), QKeySequence.StandardKey.Copy, self._copy_selected
        )
        self.list.addAction(copy)

    # -- state -------------------------------------------------------------------------------
    def set_thumbnail_size(self, size: int) -> None:
        self.delegate.set_thumbnail_size(size)
        self._spread_columns()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list.viewport() and event.type() == QEvent.Type.Resize:
            self._spread_columns()
        return super().eventFilter(watched, event)

    def _spread_columns(self) -> None:
        """Share the row's spare width between the columns, so the grid fills the view evenly."""
        cell = self.delegate.cell_size(self.list.fontMetrics())
        width = max(1, self.list.viewport().width() - 2)
        columns = max(1, width // (cell.width() + 4))
        self.list.setGridSize(QSize(width // columns, cell.height() + 4))

    def show_message(self, title: str, detail: str = "", action: str | None = None) -> None:
        """Cover the grid with a message; `action` labels the overlay button (None = no button)."""
        self.overlay.title.setText(title)
        self.overlay.detail.setText(detail)
        self.overlay.detail.setVisible(bool(detail))
        self.overlay.button.setVisible(action is not None)
        self.overlay.button.setText(action or "")
        self._stack.setCurrentWidget(self.overlay)

    def hide_message(self) -> None:
        self._stack.setCurrentWidget(self.list)

    @property
    def message_shown(self) -> bool:
        return self._stack.currentWidget() is self.overlay

    def message_title(self) -> str:
        return self.overlay.title.text() if self.message_shown else ""

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.list.selectionModel().selectedIndexes())
        return [self.model.item(row).id for row in rows]

    def current_id(self) -> int | None:
        index = self.list.currentIndex()
        return index.data(PhotoIdRole) if index.isValid() else None

    def select_id(self, photo_id: int) -> None:
        row = self.model.row_of(photo_id)
        if row is not None:
            index = self.model.index(row)
            self.list.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.list.scrollTo(index)

    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    # -- menu ------------------------------------------------------------------------------
    def _show_menu(self, pos: QPoint) -> None:
        index = self.list.indexAt(pos)
        if not index.isValid():
            return
        if not self.list.selectionModel().isSelected(index):
            self.list.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        photo_id = index.data(PhotoIdRole)
        ids = self.selected_ids() or [photo_id]
        menu = self.build_menu(photo_id, ids)
        menu.exec(self.list.viewport().mapToGlobal(pos))

    def build_menu(self, photo_id: int, ids: list[int]) -> QMenu:
        """The photo context menu (public so tests can check it without a mouse)."""
        menu = QMenu(self)
        menu.addAction(self.tr("More Like This"), lambda: self.more_like_this.emit(photo_id))
        menu.addSeparator()
        menu.addAction(self.tr("Open"), lambda: self.open_requested.emit(photo_id))
        menu.addAction(
            self.tr("Open With Default App"), lambda: self.open_external_requested.emit(ids)
        )
        menu.addAction(self.tr("Reveal in File Manager"), lambda: self.reveal_requested.emit(ids))
        menu.addSeparator()
        copy = (
            self.tr("Copy Path") if len(ids) == 1 else self.tr("Copy {n} Paths").format(n=len(ids))
        )
        menu.addAction(copy, lambda: self.copy_paths_requested.emit(ids))
        for extend in self.menu_extenders:  # actions on the selection added by other modules
            extend(menu, ids)
        return menu

    def _action(
        self, text: str, shortcut: QKeySequence | QKeySequence.StandardKey, slot
    ) -> QAction:
        action = QAction(text, self.list)
        action.setShortcut(shortcut)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        return action

    def _open_current(self) -> None:
        photo_id = self.current_id()
        if photo_id is not None:
            self.open_requested.emit(photo_id)

    def _copy_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.copy_paths_requested.emit(ids)
