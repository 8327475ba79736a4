"""The files indexing left out, each with its reason, so a user can fix or ignore them.

The records are read on the library lane and handed in; the dialog only shows them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from photosift.core.paths import display_path


def reason_text(reason: str) -> str:
    """The core's human description of a SkipReason value (the raw value if unknown)."""
    from photosift.core.imaging.decode import SkipReason

    try:
        return SkipReason(reason).description
    except ValueError:
        return reason


class SkippedFilesDialog(QDialog):
    def __init__(self, records: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Skipped files"))
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(
            [self.tr("File"), self.tr("Reason"), self.tr("Detail")]
        )
        for record in records:
            row = [
                QStandardItem(display_path(record.path)),
                QStandardItem(reason_text(record.reason)),
                QStandardItem(record.detail or ""),
            ]
            for item in row:
                item.setEditable(False)
                item.setToolTip(item.text())
            self.model.appendRow(row)
        table = QTableView(self)
        table.setModel(self.model)
        table.setSortingEnabled(True)
        table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        intro = QLabel(
            self.tr("{n} files could not be indexed. They are retried when they change.").format(
                n=len(records)
            )
            if records
            else self.tr("No files were skipped."),
            self,
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)
