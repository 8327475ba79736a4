"""The label list auto-tagging works from, and a dialog to add or change one label.

Why it only emits requests: saving goes through the core on a worker thread (the tag panel
owns that), so this widget stays a plain view of a list of ``vocabulary.Label`` values and can
be shown before the database has answered.

Interface:
- ``VocabularyEditor(parent=None, *, default_threshold=3.0)``; ``set_labels(Sequence[Label])``;
  ``labels()``; ``select_label(name) -> bool``; ``selected_name() -> str | None``
- ``open_add_dialog()`` / ``open_edit_dialog()`` open a non-blocking ``LabelDialog``
  (``current_dialog()`` returns it); ``remove_selected()`` asks for confirmation first.
- signals ``add_requested(object)`` (LabelEdit), ``edit_requested(str, object)`` (old name,
  LabelEdit), ``remove_requested(str)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from photosift.core.tagging.vocabulary import Label, template_prompts


@dataclass(frozen=True)
class LabelEdit:
    """What the user asked for. Empty prompts mean "the default templates around the name"."""

    name: str
    group: str | None
    threshold: float | None  # None = the default threshold
    prompts: tuple[str, ...]


class LabelDialog(QDialog):
    def __init__(
        self, label: Label | None, default_threshold: float, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit Label") if label else self.tr("Add Label"))
        self.name_edit = QLineEdit(label.name if label else "")
        self.group_edit = QLineEdit(label.group or "" if label else "")
        self.group_edit.setPlaceholderText(self.tr("custom"))
        self.default_check = QCheckBox(
            self.tr("Use the default (%1)").replace("%1", f"{default_threshold:g}")
        )
        self.threshold_spin = QDoubleSpinBox()
        self.threshold_spin.setRange(-10.0, 50.0)
        self.threshold_spin.setSingleStep(0.5)
        self.threshold_spin.setDecimals(2)
        self.threshold_spin.setToolTip(
            self.tr(
                "How far above the usual score a photo must be to get this label. Raise it if the "
                "label is given too freely, lower it if photos that show it are missed."
            )
        )
        own = label.threshold if label is not None else None
        self.threshold_spin.setValue(own if own is not None else default_threshold)
        has_own = own is not None
        self.default_check.setChecked(not has_own)
        self.threshold_spin.setEnabled(has_own)
        self.default_check.toggled.connect(lambda on: self.threshold_spin.setEnabled(not on))
        self.prompts_edit = QPlainTextEdit(
            "\n".join(label.prompts) if label and label.prompts else ""
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name_edit.textChanged.connect(self._name_changed)
        self._name_changed()

        threshold_row = QHBoxLayout()
        threshold_row.addWidget(self.threshold_spin)
        threshold_row.addWidget(self.default_check)
        form = QFormLayout()
        form.addRow(self.tr("Name:"), self.name_edit)
        form.addRow(self.tr("Group:"), self.group_edit)
        form.addRow(self.tr("Threshold:"), threshold_row)
        form.addRow(self.tr("Prompts (one per line):"), self.prompts_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def _name_changed(self) -> None:
        """Show which prompts an empty box stands for; a nameless label cannot be saved."""
        name = self.name_edit.text().strip()
        self.prompts_edit.setPlaceholderText(
            self.tr("Empty: the default prompts, e.g.")
            + "\n"
            + "\n".join(template_prompts(name or self.tr("label"))[:3])
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(name))

    def label_edit(self) -> LabelEdit:
        prompts = tuple(
            line.strip() for line in self.prompts_edit.toPlainText().splitlines() if line.strip()
        )
        return LabelEdit(
            name=" ".join(self.name_edit.text().split()),
            group=self.group_edit.text().strip() or None,
            threshold=None if self.default_check.isChecked() else self.threshold_spin.value(),
            prompts=prompts,
        )


class VocabularyEditor(QWidget):
    add_requested = Signal(object)
    edit_requested = Signal(str, object)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, default_threshold: float = 3.0) -> None:
        super().__init__(parent)
        self._default_threshold = default_threshold
        self._labels: list[Label] = []
        self._dialog: LabelDialog | None = None
        self._model = QStandardItemModel(0, 4, self)
        self._model.setHorizontalHeaderLabels(
            [self.tr("Label"), self.tr("Group"), self.tr("Threshold"), self.tr("Prompts")]
        )
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self._model)
        self._proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._proxy.setFilterKeyColumn(-1)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Filter labels…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._proxy.setFilterFixedString)
        self.table = QTableView()
        self.table.setModel(self._proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _: self.open_edit_dialog())
        self.add_button = QPushButton(self.tr("Add…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.add_button.clicked.connect(self.open_add_dialog)
        self.edit_button.clicked.connect(self.open_edit_dialog)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._update_buttons()

    # -- data ------------------------------------------------------------------------------
    def set_labels(self, labels: Sequence[Label]) -> None:
        keep = self.selected_name()
        self._labels = list(labels)
        self._model.setRowCount(0)
        for label in self._labels:
            threshold = (
                f"{label.threshold:g}" if label.threshold is not None else self.tr("default")
            )
            prompts = "; ".join(label.prompts) if label.prompts else self.tr("default")
            row = [
                QStandardItem(label.name),
                QStandardItem(label.group or ""),
                QStandardItem(threshold),
                QStandardItem(prompts),
            ]
            self._model.appendRow(row)
        if keep is not None:
            self.select_label(keep)
        self._update_buttons()

    def labels(self) -> list[Label]:
        return list(self._labels)

    def select_label(self, name: str) -> bool:
        for row in range(self._proxy.rowCount()):
            index = self._proxy.index(row, 0)
            if index.data().lower() == name.lower():
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return True
        return False

    def selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows(0)
        return rows[0].data() if rows else None

    def _selected_label(self) -> Label | None:
        name = self.selected_name()
        return next((label for label in self._labels if label.name == name), None)

    def _update_buttons(self) -> None:
        chosen = self.selected_name() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    # -- actions ---------------------------------------------------------------------------
    def current_dialog(self) -> LabelDialog | None:
        return self._dialog

    def open_add_dialog(self) -> LabelDialog:
        return self._open_dialog(None)

    def open_edit_dialog(self) -> LabelDialog | None:
        label = self._selected_label()
        return self._open_dialog(label) if label is not None else None

    def _open_dialog(self, label: Label | None) -> LabelDialog:
        dialog = LabelDialog(label, self._default_threshold, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._dialog_accepted(label, dialog.label_edit()))
        dialog.finished.connect(lambda _: setattr(self, "_dialog", None))
        self._dialog = dialog
        dialog.open()
        return dialog

    def _dialog_accepted(self, label: Label | None, edit: LabelEdit) -> None:
        if label is None:
            self.add_requested.emit(edit)
        else:
            self.edit_requested.emit(label.name, edit)

    def remove_selected(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Remove Label"),
            self.tr("Remove the label “%1”? Its tags disappear from every photo.").replace(
                "%1", name
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_requested.emit(name)
