"""The large view of one photo, with its facts and the things one does with a single photo.

Interface (for the main window)::

    viewer = PhotoViewer(db_path, photo_ids, current_id, parent=window)
    viewer.more_like_this.connect(window.search_similar)   # int: photo id
    viewer.show()

- ``PhotoViewer(db_path, photo_ids: Sequence[int], current_id: int | None = None, parent=None)``
  steps through ``photo_ids`` (the grid's order when it was opened).
- ``current_photo_id() -> int | None``, ``show_photo(photo_id)``, ``next_photo()``,
  ``previous_photo()``; Right/Left, PageDown/PageUp and Space step too.
- Zoom: wheel, double-click (fit <-> 100 %), 0 = fit, 1 = 100 %; F11 or F = full screen on
  black (Escape leaves it), ``toggle_full_screen()``.
- ``reveal_in_file_manager()``, ``open_with_default_app()``, ``copy_path()``.
- signals ``more_like_this(int)`` and ``photo_loaded(int)`` (after a photo's picture or its
  "cannot show" message is on screen; tests wait for it).

Why it looks like this: decoding a 50-megapixel photo takes long enough to freeze the window, so
the record, tags and picture are read on the dialog's own worker lane and each request
supersedes the previous one: holding the Right key never queues a backlog of decodes. Results
are keyed by photo id and dropped if the user has moved on. The picture is decoded only as
large as a screen needs (JPEG draft mode), oriented by the core.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, Qt, Signal
from PySide6.QtGui import QCloseEvent, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from photosift.core.library.tag_records import TagState
from photosift.core.paths import display_path
from photosift.gui import photo_actions
from photosift.gui.widgets.image_view import FitImageView
from photosift.gui.workers import Job, JobContext, Lane, thread_store

if TYPE_CHECKING:
    from photosift.core.library.photo_records import PhotoRecord

VIEW_MIN_SIDE = 1600
"""Decode at least this many pixels on the short side: sharp on a large screen, still cheap."""


@dataclass(frozen=True)
class LoadedPhoto:
    photo_id: int
    record: PhotoRecord | None
    tags: list[str]
    image: QImage | None
    problem: str | None  # "missing" | "offline" | "unreadable"; worded on the GUI thread
    detail: str = ""
    text: str = ""  # the words read in the photo, one line per line
    boxes: tuple = ()  # ((corners, matched the query), ...) for FitImageView
    raw: Path | None = None  # the RAW file of the RAW+JPEG pair this JPEG stands for


def _load_photo(ctx: JobContext, db_path: Path, photo_id: int, query: str) -> LoadedPhoto:
    """Runs on the viewer's lane, with that thread's own Store."""
    from photosift.core.imaging.decode import ImageSkip, decode_image
    from photosift.core.search.words import matched_boxes, query_phrases
    from photosift.core.tagging.tag_book import TagBook
    from photosift.gui.thumbnails import pil_to_qimage
    from photosift.service.library import PhotoLibrary

    store = thread_store(ctx, db_path)
    record = store.photo(photo_id)
    if record is None:
        return LoadedPhoto(photo_id, None, [], None, "missing")
    companion = PhotoLibrary(store).raw_companions([record]).get(photo_id)
    raw = companion.abspath if companion is not None else None
    tags = [
        tag.label
        for tag in TagBook(store, write_xmp=False).tags_for_photo(photo_id)
        if tag.state is TagState.ASSIGNED
    ]
    if record.offline:
        return LoadedPhoto(photo_id, record, tags, None, "offline", raw=raw)
    try:
        decoded = decode_image(record.abspath, min_side=VIEW_MIN_SIDE)
    except ImageSkip as skip:
        return LoadedPhoto(
            photo_id, record, tags, None, "unreadable", skip.reason.description, raw=raw
        )
    reading = store.photo_text(photo_id)
    read = reading.boxes if reading is not None else []
    boxes = zip((b.points for b in read), matched_boxes(read, query_phrases(query)), strict=True)
    text = reading.text if reading is not None else ""
    return LoadedPhoto(
        photo_id, record, tags, pil_to_qimage(decoded.image), None, "", text, tuple(boxes), raw
    )


class PhotoViewer(QDialog):
    more_like_this = Signal(int)
    photo_loaded = Signal(int)

    def __init__(
        self,
        db_path: str | Path,
        photo_ids: Sequence[int],
        current_id: int | None = None,
        parent: QWidget | None = None,
        *,
        query: str = "",
    ) -> None:
        super().__init__(parent)
        self._query = query  # the search that led here: its words are highlighted
        self.setWindowTitle(self.tr("Photo"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._db_path = Path(db_path)
        self._ids = list(photo_ids)
        self._index = self._ids.index(current_id) if current_id in self._ids else 0
        self._loaded: LoadedPhoto | None = None
        self._lane: Lane | None = None
        self._build()
        self.resize(1100, 760)
        if self._ids:
            self._request(self._ids[self._index])

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.image_view = FitImageView(self)
        keys = ("date", "camera", "size", "type", "path", "tags", "text")
        self._facts = {key: self._fact_label() for key in keys}
        facts = QFormLayout()
        facts.addRow(self.tr("Date:"), self._facts["date"])
        facts.addRow(self.tr("Camera:"), self._facts["camera"])
        facts.addRow(self.tr("Size:"), self._facts["size"])
        facts.addRow(self.tr("Type:"), self._facts["type"])
        facts.addRow(self.tr("Path:"), self._facts["path"])
        facts.addRow(self.tr("Tags:"), self._facts["tags"])
        facts.addRow(self.tr("Text:"), self._facts["text"])

        self.reveal_button = QPushButton(self.tr("Reveal in File Manager"))
        self.open_button = QPushButton(self.tr("Open with Default App"))
        self.copy_button = QPushButton(self.tr("Copy Path"))
        self.similar_button = QPushButton(self.tr("More Like This"))
        self.reveal_button.clicked.connect(self.reveal_in_file_manager)
        self.open_button.clicked.connect(self.open_with_default_app)
        self.copy_button.clicked.connect(self.copy_path)
        self.similar_button.clicked.connect(self._emit_more_like_this)

        side = self._side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.addLayout(facts)
        for button in (self.reveal_button, self.open_button, self.copy_button, self.similar_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows and Space stay for stepping
            side_layout.addWidget(button)
        side_layout.addStretch(1)

        splitter = QSplitter(self)
        splitter.addWidget(self.image_view)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([820, 280])

        self.previous_button = QPushButton(self.tr("◀ Previous"))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.position_label = QLabel()
        for button in (self.previous_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.previous_button.clicked.connect(self.previous_photo)
        self.next_button.clicked.connect(self.next_photo)
        self._nav = QWidget(self)
        nav = QHBoxLayout(self._nav)
        nav.setContentsMargins(0, 0, 0, 0)
        nav.addWidget(self.previous_button)
        nav.addStretch(1)
        nav.addWidget(self.position_label)
        nav.addStretch(1)
        nav.addWidget(self.next_button)

        self._layout = QVBoxLayout(self)
        self._layout.addWidget(splitter, 1)
        self._layout.addWidget(self._nav)

    def _fact_label(self) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # -- navigation ------------------------------------------------------------------------
    def current_photo_id(self) -> int | None:
        return self._ids[self._index] if self._ids else None

    def show_photo(self, photo_id: int) -> None:
        if photo_id not in self._ids:
            self._ids.append(photo_id)
        self._index = self._ids.index(photo_id)
        self._request(photo_id)

    def next_photo(self) -> None:
        if self._index + 1 < len(self._ids):
            self._index += 1
            self._request(self._ids[self._index])

    def previous_photo(self) -> None:
        if self._index > 0:
            self._index -= 1
            self._request(self._ids[self._index])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space):
            self.next_photo()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace):
            self.previous_photo()
        elif key in (Qt.Key.Key_F11, Qt.Key.Key_F):
            self.toggle_full_screen()
        elif key == Qt.Key.Key_Escape and self.isFullScreen():
            self.toggle_full_screen()  # Escape leaves full screen before it closes the viewer
        elif key == Qt.Key.Key_0:
            self.image_view.zoom_to_fit()
        elif key == Qt.Key.Key_1:
            self.image_view.zoom_to(1.0)
        else:
            super().keyPressEvent(event)

    def toggle_full_screen(self) -> None:
        """Full screen shows only the photo, on black; the facts and buttons come back after."""
        full = not self.isFullScreen()
        self._side.setVisible(not full)
        self._nav.setVisible(not full)
        self._layout.setContentsMargins(*(0, 0, 0, 0) if full else (11, 11, 11, 11))
        self.showFullScreen() if full else self.showNormal()

    def _request(self, photo_id: int) -> None:
        self._loaded = None
        self.image_view.set_message(self.tr("Loading…"))
        self._update_navigation()
        db_path, query = self._db_path, self._query
        job = Job(lambda ctx: _load_photo(ctx, db_path, photo_id, query), "view-photo")
        job.succeeded.connect(self._on_loaded)
        job.setProperty("photo_id", photo_id)
        job.failed.connect(
            self._on_job_failed
        )  # methods, not lambdas: Qt drops them with the dialog
        if self._lane is None:  # a viewer shown again after closing gets a fresh lane
            self._lane = Lane("viewer", parent=self)
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self._stop_lane)
        self._lane.submit(job, supersede=True)

    def _update_navigation(self) -> None:
        count = len(self._ids)
        self.position_label.setText(
            self.tr("%1 of %2").replace("%1", str(self._index + 1)).replace("%2", str(count))
            if count
            else ""
        )
        self.previous_button.setEnabled(self._index > 0)
        self.next_button.setEnabled(self._index + 1 < count)

    # -- results ---------------------------------------------------------------------------
    def _on_loaded(self, loaded: LoadedPhoto) -> None:
        if loaded.photo_id != self.current_photo_id():
            return
        self._loaded = loaded
        if loaded.image is not None:
            self.image_view.set_pixmap(QPixmap.fromImage(loaded.image), loaded.boxes)
        else:
            self.image_view.set_message(self._problem_text(loaded))
        self._show_facts(loaded)
        self.photo_loaded.emit(loaded.photo_id)

    def _problem_text(self, loaded: LoadedPhoto) -> str:
        if loaded.problem == "missing":
            return self.tr("This photo is no longer in the library.")
        if loaded.problem == "offline":
            return self.tr(
                "The folder holding this photo is offline. Connect its drive to view it."
            )
        return self.tr("This photo cannot be shown: %1.").replace("%1", loaded.detail)

    def _on_job_failed(self, exc: Exception) -> None:
        job = self.sender()
        if job is not None:
            self._on_failed(job.property("photo_id"), exc)

    def _on_failed(self, photo_id: int, exc: Exception) -> None:
        if photo_id != self.current_photo_id():
            return
        self.image_view.set_message(str(exc))
        self.photo_loaded.emit(photo_id)

    def _show_facts(self, loaded: LoadedPhoto) -> None:
        record = loaded.record
        locale = QLocale()
        if record is None:
            for label in self._facts.values():
                label.clear()
            return
        if record.taken_at is not None:
            taken = QDateTime.fromSecsSinceEpoch(int(record.taken_at))
            self._facts["date"].setText(locale.toString(taken, QLocale.FormatType.LongFormat))
        else:
            self._facts["date"].setText(self.tr("unknown"))
        self._facts["camera"].setText(record.camera or self.tr("unknown"))
        pixels = f"{record.width} × {record.height}" if record.width and record.height else "?"
        self._facts["size"].setText(f"{pixels} · {locale.formattedDataSize(record.size)}")
        rendered = "JPEG" if record.file_type in ("jpg", "jpeg") else record.file_type.upper()
        self._facts["type"].setText(
            self.tr("RAW+%2 (%1)")
            .replace("%1", display_path(loaded.raw.name))
            .replace("%2", rendered)
            if loaded.raw is not None
            else record.file_type.upper()
        )
        self._facts["path"].setText(display_path(record.abspath))
        self._facts["tags"].setText(", ".join(loaded.tags) or self.tr("none"))
        self._facts["text"].setText(loaded.text or self.tr("none"))
        self.setWindowTitle(Path(display_path(record.abspath)).name)

    def facts_visible(self) -> bool:
        """False in full screen, where only the photo is shown."""
        return self._side.isVisible()

    def facts(self) -> dict[str, str]:
        """What the side panel shows, by field (date, camera, size, type, path, tags, text)."""
        return {key: label.text() for key, label in self._facts.items()}

    def current_path(self) -> Path | None:
        record = self._loaded.record if self._loaded else None
        return Path(record.abspath) if record is not None else None

    # -- actions ---------------------------------------------------------------------------
    def reveal_in_file_manager(self) -> None:
        path = self.current_path()
        if path is not None:
            photo_actions.reveal_in_file_manager(path)

    def open_with_default_app(self) -> None:
        path = self.current_path()
        if path is not None:
            photo_actions.open_with_default_app(path)

    def copy_path(self) -> None:
        path = self.current_path()
        if path is not None:
            photo_actions.copy_paths([path])

    def _emit_more_like_this(self) -> None:
        photo_id = self.current_photo_id()
        if photo_id is not None:
            self.more_like_this.emit(photo_id)

    # -- lifecycle -------------------------------------------------------------------------
    def _stop_lane(self) -> None:
        if self._lane is not None:
            self._lane.shutdown()
            self._lane = None

    def done(self, result: int) -> None:
        self._stop_lane()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop_lane()
        super().closeEvent(event)
