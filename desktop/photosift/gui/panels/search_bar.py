"""The search field, the strict-to-loose control, sorting and the filters above the grid.

The bar only builds `SearchRequest`s; it never searches. A query runs on Enter at once, and
~300 ms after the user stops typing, so results follow the typing without a search per key.
While the model loads (or when there is none) the field says so and is read-only, because a
query typed then could not run; browsing and filters keep working.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as datetime_date
from datetime import datetime, time
from typing import cast

from PySide6.QtCore import QDate, QSignalBlocker, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from photosift.gui.label_names import shown
from photosift.gui.model_state import ModelState
from photosift.gui.results_model import SortKey
from photosift.gui.search_request import FILE_TYPES, SearchRequest
from photosift.gui.widgets.query_chip import QueryChip

DEBOUNCE_MS = 300
ALL = -1
"""Item data of "All folders" / "Any tag". Never None: PySide6 6.12 returns a None item data to
Python with one reference too few, which crashes the interpreter after enough calls."""


class SearchBar(QWidget):
    request_changed = Signal(object)  # SearchRequest
    sort_changed = Signal(object)  # SortKey

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._similar_to: int | None = None
        self.chip = QueryChip(self)
        self.chip.cleared.connect(self.clear_similar)
        # "37 photos"; the weaker matches the cut-off hid are said once, in the notice bar
        # under the search field, with its one-click "Show them" (search_notice.py).
        self.count = QLabel(self)
        self.count.setObjectName("resultCount")
        # Its text grows with the answer; it must never widen the window (it elides instead).
        self.count.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit_request)

        self.query = QLineEdit(self)
        self.query.setObjectName("searchField")
        self.query.setClearButtonEnabled(True)
        self.query.setMinimumHeight(30)
        self.query.textEdited.connect(self._on_text_edited)
        self.query.returnPressed.connect(self.run_now)
        self.query.setToolTip(
            self.tr(
                "Describe what is in the photo. Combine: 'beach +sunset -people', "
                "weight with '2:dog', or give an image file's path; text:WORD finds the words "
                "written in photos."
            )
        )

        self.relevance = QComboBox(self)
        for value, text in (
            ("strict", self.tr("Strict")),
            ("normal", self.tr("Normal")),
            ("loose", self.tr("Loose")),
            ("off", self.tr("Show all")),
        ):
            self.relevance.addItem(text, value)
        self.relevance.setCurrentIndex(1)
        self.relevance.setToolTip(self.tr("How close a photo must match to be shown"))
        self.relevance.currentIndexChanged.connect(self._emit_if_searching)

        self.sort = QComboBox(self)
        for key, text in (
            (SortKey.SCORE, self.tr("Best match")),
            (SortKey.DATE, self.tr("Newest")),
            (SortKey.NAME, self.tr("Name")),
        ):
            self.sort.addItem(text, key)
        self.sort.setCurrentIndex(1)
        self.sort.currentIndexChanged.connect(
            lambda: self.sort_changed.emit(self.sort.currentData())
        )

        self.folder = QComboBox(self)
        self.folder.addItem(self.tr("All folders"), ALL)
        self.folder.setMinimumContentsLength(8)
        self.folder.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.folder.currentIndexChanged.connect(self._emit_request)

        self.tag = QComboBox(self)
        self.tag.addItem(self.tr("Any tag"), ALL)
        self.tag.setMinimumContentsLength(7)
        self.tag.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.tag.currentIndexChanged.connect(self._emit_request)

        self.camera = QLineEdit(self)
        self.camera.setObjectName("cameraFilter")
        self.camera.setPlaceholderText(self.tr("any camera"))
        self.camera.setClearButtonEnabled(True)
        self.camera.setToolTip(self.tr("Only photos whose camera make or model contains this text"))
        self.camera.setMaximumWidth(80)
        self.camera.textEdited.connect(lambda _text: self._debounce.start())

        self.file_type = QComboBox(self)
        self.file_type.addItem(self.tr("Any type"), ALL)
        for name in FILE_TYPES:
            self.file_type.addItem(name, name)
        self.file_type.currentIndexChanged.connect(self._emit_request)

        self.use_dates = QCheckBox(self.tr("Taken"), self)
        self.date_from = QDateEdit(QDate.currentDate().addYears(-1), self)
        self.date_to = QDateEdit(QDate.currentDate(), self)
        for widget in (self.date_from, self.date_to):
            widget.setCalendarPopup(True)
            widget.setDisplayFormat("yyyy-MM-dd")
            widget.setEnabled(False)
            widget.dateChanged.connect(self._emit_request)
        self.use_dates.toggled.connect(self._on_dates_toggled)

        top = QHBoxLayout()
        top.addWidget(self.chip)
        top.addWidget(self.query, 1)
        top.addWidget(QLabel(self.tr("Match:"), self))
        top.addWidget(self.relevance)
        top.addWidget(QLabel(self.tr("Sort:"), self))
        top.addWidget(self.sort)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("Folder:"), self))
        filters.addWidget(self.folder)
        filters.addSpacing(8)
        filters.addWidget(QLabel(self.tr("Tag:"), self))
        filters.addWidget(self.tag)
        filters.addWidget(
            self.camera
        )  # its placeholder and the combo's "Any type" say what they are
        filters.addWidget(self.file_type)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("–", self))
        filters.addWidget(self.date_to)
        filters.addStretch(1)
        filters.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(filters)
        self.set_model_state(ModelState.LOADING)

    # -- state from outside ----------------------------------------------------------------
    def set_model_state(self, state: ModelState) -> None:
        """Only a model that can answer queries makes the field live."""
        placeholders = {
            ModelState.LOADING: self.tr("Loading the search model…"),
            ModelState.READY: self.tr(
                "Search your photos: “a dog on the beach”, “red car +night”…"
            ),
            ModelState.MISMATCH: self.tr(
                "Search your photos: “a dog on the beach”, “red car +night”…"
            ),
            ModelState.UNAVAILABLE: self.tr("Search needs a model: choose one in Settings"),
        }
        self.query.setPlaceholderText(placeholders[state])
        self.query.setReadOnly(not state.can_query)
        if state.can_query and self.query.text().strip():
            self.run_now()

    def set_folders(self, folders: list[tuple[int, str]]) -> None:
        self._refill(self.folder, self.tr("All folders"), folders)

    def set_tags(self, tags: list[str]) -> None:
        self._refill(self.tag, self.tr("Any tag"), [(t, t) for t in tags])

    def set_tag(self, name: str | None) -> None:
        """Filter by a tag (added to the list if the list has not caught up with it yet)."""
        if name is not None and self.tag.findData(name) < 0:
            self.tag.addItem(shown(name), name)
        self.tag.setCurrentIndex(max(0, self.tag.findData(ALL if name is None else name)))

    def set_folder(self, root_id: int | None) -> None:
        self.folder.setCurrentIndex(
            max(0, self.folder.findData(ALL if root_id is None else root_id))
        )

    def set_relevance(self, level: str) -> None:
        with QSignalBlocker(self.relevance):
            self.relevance.setCurrentIndex(max(0, self.relevance.findData(level)))

    def set_sort(self, key: SortKey) -> None:
        with QSignalBlocker(self.sort):
            self.sort.setCurrentIndex(max(0, self.sort.findData(key)))

    def set_query(self, text: str) -> None:
        """Put `text` in the field and search for it now (e.g. an image dropped on the window)."""
        self._similar_to = None
        self.chip.setVisible(False)
        self.query.setText(text)
        self.run_now()

    def search_similar(self, photo_id: int, name: str = "") -> None:
        """ "More like this": the field empties, the chip names the photo, the request holds it."""
        self.query.clear()
        self._similar_to = photo_id
        self.chip.show_photo(name)
        self.run_now()

    def clear_similar(self) -> None:
        """The chip's ✕: back to browsing with the same filters."""
        self._similar_to = None
        self.chip.setVisible(False)
        self.run_now()

    def show_count(self, shown: int) -> None:
        """The grid's photo count (what a search hid is the notice bar's to say)."""
        text = self.tr("1 photo") if shown == 1 else self.tr("{n} photos").format(n=f"{shown:,}")
        self.count.setText(text)

    # -- building requests -----------------------------------------------------------------
    def request(self) -> SearchRequest:
        date_from = date_to = None
        if self.use_dates.isChecked():
            date_from = _timestamp(self.date_from.date())
            date_to = _timestamp(self.date_to.date().addDays(1))
        return SearchRequest(
            text=self.query.text().strip(),
            relevance=self.relevance.currentData(),
            root_id=cast("int | None", _value(self.folder.currentData())),
            tag=cast("str | None", _value(self.tag.currentData())),
            date_from=date_from,
            date_to=date_to,
            similar_to=self._similar_to,
            camera=self.camera.text().strip() or None,
            file_types=FILE_TYPES.get(self.file_type.currentData(), ()),
        )

    @Slot()
    def run_now(self) -> None:
        self._debounce.stop()
        self._emit_request()

    def _on_text_edited(self, text: str) -> None:
        self._similar_to = None
        self.chip.setVisible(False)
        self._debounce.start()

    def _on_dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self._emit_request()

    def _emit_if_searching(self) -> None:
        if self.request().is_search:
            self._emit_request()

    def _emit_request(self) -> None:
        self.request_changed.emit(self.request())

    @staticmethod
    def _refill(combo: QComboBox, all_text: str, entries: Sequence[tuple[object, str]]) -> None:
        current = combo.currentData()
        with QSignalBlocker(combo):
            combo.clear()
            combo.addItem(all_text, ALL)
            for data, text in entries:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(current)))


def _value(data: object) -> object | None:
    return None if data == ALL else data


def _timestamp(date: QDate) -> float:
    day = cast("datetime_date", date.toPython())  # PySide6's stub says object
    return datetime.combine(day, time()).timestamp()
