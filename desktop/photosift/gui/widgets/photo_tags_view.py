"""One photo as the tag panel shows it: its name, the label score chart, its tags, an "add" box.

Presentation only: the tag panel fills it (``show_photo``/``show_nothing``) and acts on the
signals of ``chart`` (``label_clicked``), ``tag_list`` (filter/accept/reject/remove) and
``tag_typed(str)`` (a tag name the user typed to add).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from photosift.gui.widgets.score_chart import ScoreBar, ScoreChart
from photosift.gui.widgets.tag_list import PhotoTagList, TagChip


class PhotoTagsView(QScrollArea):
    tag_typed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        page = QWidget()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.chart = ScoreChart(page)
        self.tag_list = PhotoTagList(page)
        self.add_edit = QLineEdit()
        self.add_edit.setPlaceholderText(self.tr("Add a tag…"))
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self.add_edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.add_edit.setCompleter(completer)
        self.add_edit.returnPressed.connect(self.submit_typed_tag)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.clicked.connect(self.submit_typed_tag)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_edit, 1)
        add_row.addWidget(self.add_button)
        column = QVBoxLayout(page)
        column.addWidget(self.title)
        column.addWidget(QLabel(self.tr("How well each label fits:")))
        column.addWidget(self.chart)
        column.addWidget(QLabel(self.tr("Tags:")))
        column.addWidget(self.tag_list)
        column.addLayout(add_row)
        column.addStretch(1)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidget(page)
        self.show_nothing()

    def show_nothing(self) -> None:
        self.title.setText(self.tr("No photo selected."))
        self.chart.clear()
        self.chart.set_placeholder(self.tr("Select a photo to see how well each label fits it."))
        self.tag_list.set_tags([])
        self.set_can_add(False)

    def show_loading(self, name: str, text: str, *, same_photo: bool) -> None:
        """The photo's name at once, while its tags and scores are being read; another
        photo's chart and tags are cleared rather than shown under this name."""
        self.title.setText(name)
        if not same_photo:
            self.chart.clear()
            self.tag_list.set_tags([])
        self.chart.set_placeholder(text)

    def show_photo(
        self, name: str, bars: Sequence[ScoreBar], tags: Sequence[TagChip], no_scores_text: str
    ) -> None:
        """`no_scores_text` is shown in place of the chart when there are no bars."""
        self.title.setText(name)
        self.chart.set_scores(bars)
        self.chart.set_placeholder(no_scores_text)
        self.tag_list.set_tags(tags)

    def set_can_add(self, enabled: bool) -> None:
        self.add_edit.setEnabled(enabled)
        self.add_button.setEnabled(enabled)

    def set_label_names(self, names: Sequence[str]) -> None:
        """Offered as completions while typing a tag."""
        self._names.setStringList(list(names))

    def knows_label(self, name: str) -> bool:
        return name.lower() in {known.lower() for known in self._names.stringList()}

    def submit_typed_tag(self) -> None:
        name = " ".join(self.add_edit.text().split())
        if name:
            self.add_edit.clear()
            self.tag_typed.emit(name)
