"""Review duplicate groups and send the marked photos to the trash.

One top-level row per group (kind, size, similarity), one child row per photo with its
thumbnail, resolution, file size, date and folder; the suggested keeper is first and says why.
The user ticks what to remove ("Mark Suggested" ticks every photo but the keepers). A group
can never lose all its photos: ticking the last unticked one is undone. "Move to Trash…"
lists the files in a confirmation; only then are they moved (send2trash, on the duplicates
lane), and photos left unticked are passed as the ones to keep, never touched.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photosift.core.paths import display_path
from photosift.gui.duplicates import DuplicatesController

if TYPE_CHECKING:
    from photosift.core.library.photo_records import PhotoRecord
    from photosift.core.search.duplicates import DuplicateGroup, DuplicateReport
    from photosift.gui.thumbnails import ThumbnailLoader
    from photosift.service.library import Trashed

PHOTO_ID = Qt.ItemDataRole.UserRole
COLUMNS = 6  # photo, resolution, size, date, folder, suggestion


class DuplicatesDialog(QDialog):
    def __init__(
        self,
        db_path: Path,
        thumbnails: ThumbnailLoader | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Duplicates"))
        self.controller = DuplicatesController(db_path, self)
        self._thumbnails = thumbnails
        self._rows: dict[int, QTreeWidgetItem] = {}
        self._records: dict[int, PhotoRecord] = {}
        self._adjusting = False
        self._notice = ""  # what the last trash did, shown with the next report

        self.threshold = QDoubleSpinBox(self)
        self.threshold.setRange(0.50, 1.00)
        self.threshold.setSingleStep(0.01)
        self.threshold.setDecimals(2)
        self.threshold.setValue(0.90)
        self.threshold.setToolTip(
            self.tr("How alike two photos' contents must be; higher is stricter")
        )
        self.find_button = QPushButton(self.tr("Find"), self)
        self.status = QLabel(self.tr("Looking for duplicates…"), self)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Similarity:"), self))
        top.addWidget(self.threshold)
        top.addWidget(self.find_button)
        top.addWidget(self.status, 1)

        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(COLUMNS)
        self.tree.setHeaderLabels(
            [
                self.tr("Photo"),
                self.tr("Resolution"),
                self.tr("Size"),
                self.tr("Date"),
                self.tr("Folder"),
                self.tr("Suggestion"),
            ]
        )
        self.tree.setIconSize(self.tree.iconSize().expandedTo(QPixmap(72, 72).size()))
        self.tree.header().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)

        self.mark_button = QPushButton(self.tr("Mark Suggested"), self)
        self.trash_button = QPushButton(self.tr("Move Marked to Trash…"), self)
        self.trash_button.setEnabled(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.mark_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.trash_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(980, 560)

        self.find_button.clicked.connect(self.find_duplicates)
        self.mark_button.clicked.connect(self.mark_suggested)
        self.trash_button.clicked.connect(self.confirm_and_trash)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.controller.found.connect(self.show_report)
        self.controller.trashed.connect(self._on_trashed)
        self.controller.failed.connect(self._on_failed)
        if thumbnails is not None:
            thumbnails.ready.connect(self._on_thumbnail)

    # -- actions ---------------------------------------------------------------------------
    def find_duplicates(self) -> None:
        self.status.setText(self.tr("Looking for duplicates…"))
        self.find_button.setEnabled(False)
        self.controller.find(self.threshold.value())

    def mark_suggested(self) -> None:
        """Tick every photo but each group's suggested keeper."""
        self._adjusting = True
        for group_item in self._groups():
            for index, child in enumerate(_children(group_item)):
                state = Qt.CheckState.Unchecked if index == 0 else Qt.CheckState.Checked
                child.setCheckState(0, state)
        self._adjusting = False
        self._update_trash_button()

    def marked(self) -> tuple[list[int], list[int]]:
        """(photo ids to remove, photo ids to keep) from the ticks, over every group."""
        remove: list[int] = []
        keep: list[int] = []
        for group_item in self._groups():
            for child in _children(group_item):
                ticked = child.checkState(0) == Qt.CheckState.Checked
                (remove if ticked else keep).append(int(child.data(0, PHOTO_ID)))
        return remove, keep

    def confirm_and_trash(self) -> None:
        remove, keep = self.marked()
        if not remove:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Move to Trash"))
        box.setText(self.tr("Move these {n} files to the trash?").format(n=len(remove)))
        box.setInformativeText(self.tr("The photos you kept are not touched."))
        box.setDetailedText("\n".join(display_path(self._records[i].abspath) for i in remove))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        self.trash(remove, keep)

    def trash(self, remove: list[int], keep: list[int]) -> None:
        """Move confirmed photos to the trash (confirm_and_trash asks the user first)."""
        self.trash_button.setEnabled(False)
        self.status.setText(self.tr("Moving {n} files to the trash…").format(n=len(remove)))
        self.controller.trash(remove, keep)

    # -- answers ---------------------------------------------------------------------------
    def show_report(self, report: DuplicateReport) -> None:
        self.find_button.setEnabled(True)
        self._adjusting = True
        self.tree.clear()
        self._rows.clear()
        self._records.clear()
        for number, group in enumerate(report.groups, start=1):
            self._add_group(number, group)
        self.tree.expandAll()
        for column in (1, 2, 3, 5):
            self.tree.resizeColumnToContents(column)
        self._adjusting = False
        photos = sum(len(g.photos) for g in report.groups)
        summary = (
            self.tr("{groups} groups, {photos} photos ({compared} compared).").format(
                groups=len(report.groups), photos=photos, compared=report.compared
            )
            if report.groups
            else self.tr("No duplicates found among {n} photos.").format(n=report.compared)
        )
        self.status.setText(f"{self._notice} {summary}".strip())
        self._notice = ""
        self._update_trash_button()

    def _add_group(self, number: int, group: DuplicateGroup) -> None:
        from photosift.core.search.duplicates import DuplicateKind

        kind = (
            self.tr("exact copies")
            if group.kind is DuplicateKind.EXACT
            else self.tr("near-duplicates")
        )
        title = self.tr("Group {n}: {kind}, {count} photos, similarity {sim:.3f}").format(
            n=number, kind=kind, count=len(group.photos), sim=group.similarity
        )
        group_item = QTreeWidgetItem(self.tree, [title])
        group_item.setFirstColumnSpanned(True)
        for photo in group.photos:
            self._records[photo.id] = photo
            suggestion = self._keep_text(group) if photo is group.keep else ""
            row = QTreeWidgetItem(group_item, [*_photo_columns(photo), suggestion])
            row.setData(0, PHOTO_ID, photo.id)
            row.setToolTip(0, display_path(photo.abspath))
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(0, Qt.CheckState.Unchecked)
            self._rows[photo.id] = row
            self._set_icon(photo)

    def _keep_text(self, group: DuplicateGroup) -> str:
        from photosift.core.search.duplicates import KeepReason

        return {
            KeepReason.LARGEST: self.tr("Keep: the most pixels"),
            KeepReason.ORIGINAL: self.tr("Keep: same size, biggest file (the original)"),
            KeepReason.OLDEST: self.tr("Keep: the oldest"),
        }[group.keep_reason]

    def _on_trashed(self, done: Trashed) -> None:
        text = self.tr("Moved {n} files to the trash.").format(n=len(done.moved))
        if done.failed:
            text += " " + self.tr("{n} could not be moved.").format(n=len(done.failed))
            QMessageBox.warning(
                self,
                self.tr("Move to Trash"),
                "\n".join(f"{display_path(path)}: {why}" for path, why in done.failed),
            )
        self._notice = text
        self.find_duplicates()

    def _on_failed(self, message: str) -> None:
        self.find_button.setEnabled(True)
        self.status.setText(message)

    # -- helpers ---------------------------------------------------------------------------
    def _groups(self) -> list[QTreeWidgetItem]:
        items = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in items if item is not None]

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._adjusting or column != 0 or item.parent() is None:
            return
        ticked = [
            child.checkState(0) == Qt.CheckState.Checked for child in _children(item.parent())
        ]
        if all(ticked):  # never remove every photo of a group
            self._adjusting = True
            item.setCheckState(0, Qt.CheckState.Unchecked)
            self._adjusting = False
            self.status.setText(self.tr("Keep at least one photo of each group."))
        self._update_trash_button()

    def _update_trash_button(self) -> None:
        self.trash_button.setEnabled(bool(self.marked()[0]))

    def _set_icon(self, photo: PhotoRecord) -> None:
        if self._thumbnails is None:
            return
        image = self._thumbnails.thumbnail(photo.id, photo.abspath, photo.mtime_ns)
        if image is not None and not image.isNull():
            self._rows[photo.id].setIcon(0, QIcon(QPixmap.fromImage(image)))

    def _on_thumbnail(self, photo_id: int) -> None:
        if photo_id in self._rows:
            self._set_icon(self._records[photo_id])


def _children(item: QTreeWidgetItem | None) -> list[QTreeWidgetItem]:
    if item is None:
        return []
    children = (item.child(i) for i in range(item.childCount()))
    return [child for child in children if child is not None]


def _photo_columns(photo: PhotoRecord) -> list[str]:
    resolution = f"{photo.width} × {photo.height}" if photo.width and photo.height else "?"
    size = f"{photo.size / 1e6:.2f} MB" if photo.size >= 100_000 else f"{photo.size / 1e3:.0f} kB"
    when = photo.taken_at if photo.taken_at is not None else photo.mtime_ns / 1e9
    return [
        photo.abspath.name,
        resolution,
        size,
        datetime.fromtimestamp(when).strftime("%Y-%m-%d %H:%M"),
        display_path(photo.abspath.parent),
    ]
