"""The photos shown in the grid, as a Qt item model: a plain list, testable without a window.

Why it looks like this:
- One model row per photo and one delegate painting them all: a widget per photo would not
  survive 100k photos.
- Rows are found by photo id (`row_of`), because everything that arrives later (a thumbnail,
  photos committed by the indexer, a removed folder) names photos, not rows.
- Two modes: "browse" (the library, newest first) and "search" (ranked results with their
  scores). Sorting keeps the selection: rows move through persistent indexes.
- Thumbnails come from a `ThumbnailLoader` (optional, so the model works headless); its
  `ready(photo_id)` becomes `dataChanged` for that photo's row, if it is still shown.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Slot

from photosift.core.library.raw_pairs import PairRole
from photosift.core.paths import display_path

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

    from photosift.core.library.photo_records import PhotoRecord
    from photosift.gui.thumbnails import ThumbnailLoader


class SortKey(str, Enum):
    SCORE = "score"
    DATE = "date"
    NAME = "name"
    ALBUM = "album"  # an album's own order (PhotoItem.position), as the user arranged it


class Mode(str, Enum):
    BROWSE = "browse"
    SEARCH = "search"


@dataclass(frozen=True)
class PhotoItem:
    """What the grid needs to know about one photo."""

    id: int
    path: Path
    mtime_ns: int
    root_id: int | None = None
    taken_at: float | None = None
    score: float | None = None
    width: int | None = None
    height: int | None = None
    offline: bool = False
    camera: str | None = None
    file_type: str = ""
    removed_at: float | None = None
    pair_id: int | None = None  # the other file of its RAW+JPEG pair (core raw_pairs.py)
    pair_role: PairRole = PairRole.NONE
    position: int | None = None  # its place in the album shown (SortKey.ALBUM), else None
    name: str = field(default="", compare=False)
    """Printable file name, computed once: sorting 100k photos by name must not redo it."""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", display_path(self.path.name))

    @property
    def date(self) -> float:
        """When the photo was taken, else when the file was last written."""
        return self.taken_at if self.taken_at is not None else self.mtime_ns / 1e9

    @property
    def abspath(self) -> Path:
        """The file's path, by the name core filters read (`Filters.matches`)."""
        return self.path

    @classmethod
    def from_record(cls, record: PhotoRecord, score: float | None = None) -> PhotoItem:
        """From a core `PhotoRecord` (store.photo/photos)."""
        return cls(
            id=record.id,
            path=Path(record.abspath),
            mtime_ns=record.mtime_ns,
            root_id=record.root_id,
            taken_at=record.taken_at,
            score=score,
            width=record.width,
            height=record.height,
            offline=record.offline,
            camera=record.camera,
            file_type=record.file_type,
            removed_at=record.removed_at,
            pair_id=record.pair_id,
            pair_role=record.pair_role,
        )


@dataclass(frozen=True)
class SortedItems:
    """Photos in display order with their sort keys: built by `sort_items` on a worker, so
    the GUI thread only adopts the lists (sorting 100k photos takes a noticeable moment)."""

    key: SortKey
    keys: list[tuple]
    items: list[PhotoItem]


def sort_items(items: Iterable[PhotoItem], key: SortKey) -> SortedItems:
    """Unique by id (last wins), in `key` order."""
    unique = list({item.id: item for item in items}.values())
    key_of = _sort_function(key)
    keys = [key_of(item) for item in unique]
    order = sorted(range(len(unique)), key=keys.__getitem__)
    return SortedItems(key, [keys[i] for i in order], [unique[i] for i in order])


PhotoIdRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2
ScoreRole = Qt.ItemDataRole.UserRole + 3
ThumbnailRole = Qt.ItemDataRole.UserRole + 4


def _sort_function(key: SortKey) -> Callable[[PhotoItem], tuple]:
    """Best first: highest score, newest date, then name A-Z; ids break ties stably."""
    if key is SortKey.SCORE:
        return lambda item: (-(item.score if item.score is not None else float("-inf")), item.id)
    if key is SortKey.DATE:
        return lambda item: (-item.date, item.id)
    if key is SortKey.ALBUM:  # photos without a place (added meanwhile) go last
        return lambda item: (item.position is None, item.position or 0, item.id)
    return lambda item: (item.name.casefold(), item.id)


class ResultsModel(QAbstractListModel):
    def __init__(
        self, thumbnails: ThumbnailLoader | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._items: list[PhotoItem] = []
        self._keys: list[tuple] = []
        self._row_cache: dict[int, int] | None = {}
        self._span: tuple[float, float] | None = None  # (weakest, best) score, see match_strength
        self._mode = Mode.BROWSE
        self._sort_key = SortKey.DATE
        self._thumbnails = thumbnails
        if thumbnails is not None:
            thumbnails.ready.connect(self._thumbnail_ready)

    # -- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.name
        if role == Qt.ItemDataRole.ToolTipRole:
            if item.offline:
                return self.tr(
                    "{path}\nOffline: its folder or drive is missing. The photo and "
                    "its tags are kept until it is back."
                ).format(path=display_path(item.path))
            if self._mode is Mode.SEARCH and item.score is not None:
                strength = round(100 * self.match_strength(item.score))
                return f"{display_path(item.path)}\n{strength} % as close as the best match"
            return display_path(item.path)
        if role == PhotoIdRole:
            return item.id
        if role == ItemRole:
            return item
        if role == ScoreRole:
            return item.score
        if role == ThumbnailRole:
            return self.thumbnail(index.row())
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )

    # -- content ---------------------------------------------------------------------------
    @property
    def mode(self) -> Mode:
        return self._mode

    @property
    def sort_key(self) -> SortKey:
        return self._sort_key

    def items(self) -> list[PhotoItem]:
        return list(self._items)

    def item(self, row: int) -> PhotoItem:
        return self._items[row]

    def ids(self) -> list[int]:
        return [item.id for item in self._items]

    def row_of(self, photo_id: int) -> int | None:
        return self._rows.get(photo_id)

    def thumbnail(self, row: int) -> QImage | None:
        """The row's thumbnail QImage, or None while it loads (for the delegate: a direct call,
        because PySide6 6.12 mis-counts references when a QVariant-less `data()` answer comes
        back to Python as None)."""
        if self._thumbnails is None or not 0 <= row < len(self._items):
            return None
        item = self._items[row]
        return self._thumbnails.thumbnail(item.id, item.path, item.mtime_ns)

    def match_strength(self, score: float) -> float:
        """A search score as 0..1 between the weakest and the best result shown: raw cosine
        similarities (0.18, 0.31, sometimes below zero) mean nothing to a user, "how close to
        the best match" does. A single result, or equal scores, is full strength."""
        if self._span is None:
            scores = [item.score for item in self._items if item.score is not None]
            self._span = (min(scores), max(scores)) if scores else (score, score)
        low, high = self._span
        return 1.0 if high <= low else max(0.0, min(1.0, (score - low) / (high - low)))

    def item_by_id(self, photo_id: int) -> PhotoItem | None:
        row = self._rows.get(photo_id)
        return None if row is None else self._items[row]

    @property
    def _rows(self) -> dict[int, int]:
        """Photo id -> row, rebuilt lazily: one rebuild per batch of inserts, not per insert."""
        if self._row_cache is None:
            self._row_cache = {item.id: row for row, item in enumerate(self._items)}
        return self._row_cache

    def set_items(
        self, items: Iterable[PhotoItem], mode: Mode, sort_key: SortKey | None = None
    ) -> None:
        """Replace everything (a new search, or back to browsing); sorts here, so for small
        lists. Search results default to best match first, browsing to newest first."""
        if sort_key is None:
            sort_key = SortKey.SCORE if mode is Mode.SEARCH else SortKey.DATE
        self.show_sorted(sort_items(items, sort_key), mode)

    def show_sorted(self, ordered: SortedItems, mode: Mode) -> None:
        """Replace everything with photos a worker already put in order."""
        self.beginResetModel()
        self._mode = mode
        self._sort_key = ordered.key
        self._keys = list(ordered.keys)
        self._items = list(ordered.items)
        self._row_cache = self._span = None
        self.endResetModel()

    def clear(self, mode: Mode | None = None) -> None:
        self.set_items([], mode or self._mode)

    def add_items(self, items: Sequence[PhotoItem]) -> None:
        """Insert new photos where the current order puts them; known ids are updated in place."""
        rows = self._rows
        fresh: dict[int, PhotoItem] = {}
        for item in items:
            row = rows.get(item.id)
            if row is None:
                fresh[item.id] = item
                continue
            self._items[row] = item
            index = self.index(row)
            self.dataChanged.emit(index, index)
        # Photos that land in the same gap go in as one block: every insert signal makes the
        # grid lay out again, and a catalog batch usually lands in one gap (often the end).
        key_of = _sort_function(self._sort_key)
        pending = sorted(
            ((key_of(item), item) for item in fresh.values()), key=lambda pair: pair[0]
        )
        start = 0
        while start < len(pending):
            row = bisect.bisect_left(self._keys, pending[start][0])
            end = start + 1
            while end < len(pending) and (
                row == len(self._keys) or pending[end][0] <= self._keys[row]
            ):
                end += 1
            block = pending[start:end]
            self.beginInsertRows(QModelIndex(), row, row + len(block) - 1)
            self._keys[row:row] = [key for key, _item in block]
            self._items[row:row] = [item for _key, item in block]
            self._row_cache = self._span = None
            self.endInsertRows()
            start = end

    def remove_ids(self, photo_ids: Iterable[int]) -> None:
        rows = sorted((self._rows[i] for i in set(photo_ids) if i in self._rows), reverse=True)
        for row in rows:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._items[row]
            del self._keys[row]
            self._row_cache = self._span = None
            self.endRemoveRows()

    def sort_by(self, key: SortKey) -> None:
        """Reorder keeping selection and current item (persistent indexes follow their photo)."""
        if key is self._sort_key:
            return
        self._reorder(self._items, key)

    def set_album_order(self, photo_ids: Sequence[int]) -> None:
        """Show the album's new order (after a move), keeping the selection on its photos."""
        place = {photo_id: n for n, photo_id in enumerate(photo_ids)}
        items = [replace(item, position=place.get(item.id)) for item in self._items]
        self._reorder(items, SortKey.ALBUM)

    def _reorder(self, items: list[PhotoItem], key: SortKey) -> None:
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        persistent_ids = [self._items[index.row()].id for index in old_persistent]
        ordered = sort_items(items, key)
        self._sort_key, self._keys, self._items = key, ordered.keys, ordered.items
        self._row_cache = self._span = None
        new_persistent = [self.index(self._rows[photo_id]) for photo_id in persistent_ids]
        self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged.emit()

    @Slot(int)
    def _thumbnail_ready(self, photo_id: int) -> None:
        row = self._rows.get(photo_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [ThumbnailRole])
