"""One photo's tags as rows: the name (click: show all photos with it) and what can be done.

Why rows with their own buttons instead of a list plus a toolbar: each tag's possible action
depends on how it came to be (a model's guess can be confirmed or rejected, a hand-made tag
removed, a rejection undone), and a button beside the tag says that without a selection step.

Interface:
- ``PhotoTagList(parent=None)``; ``set_tags(Sequence[TagChip])``; ``tags() -> list[TagChip]``
- ``action_button(label, action) -> QToolButton | None``, action "accept" | "reject" | "remove"
- signals ``filter_requested(str)``, ``accept_requested(str)``, ``reject_requested(str)``,
  ``remove_requested(str)``: the owner does the work off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from photosift.core.library.tag_records import TagSource, TagState
from photosift.gui.label_names import shown


@dataclass(frozen=True)
class TagChip:
    label: str
    source: TagSource
    state: TagState
    score: float | None = None


class PhotoTagList(QWidget):
    filter_requested = Signal(str)
    accept_requested = Signal(str)
    reject_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tags: list[TagChip] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._empty = QLabel(self.tr("No tags yet."))
        self._empty.setEnabled(False)
        self._layout.addWidget(self._empty)
        self._rows: list[QWidget] = []

    def tags(self) -> list[TagChip]:
        return list(self._tags)

    def set_tags(self, tags: Sequence[TagChip]) -> None:
        for row in self._rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self._rows = [self._row(tag) for tag in tags]
        for row in self._rows:
            self._layout.addWidget(row)
        self._tags = list(tags)
        self._empty.setVisible(not self._tags)

    def action_button(self, label: str, action: str) -> QToolButton | None:
        return self.findChild(QToolButton, f"{action}:{label}")

    def _row(self, tag: TagChip) -> QWidget:
        row = QWidget(self)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        name = QPushButton(shown(tag.label), row)
        name.setObjectName(f"filter:{tag.label}")
        name.setFlat(True)
        name.setCursor(Qt.CursorShape.PointingHandCursor)
        name.setToolTip(self.tr("Show all photos tagged “%1”").replace("%1", shown(tag.label)))
        font = QFont(name.font())
        font.setStrikeOut(tag.state is TagState.REJECTED)
        font.setBold(tag.state is TagState.ASSIGNED)
        name.setFont(font)
        name.clicked.connect(lambda: self.filter_requested.emit(tag.label))
        layout.addWidget(name)
        how = QLabel(self._describe(tag), row)
        how.setEnabled(False)
        layout.addWidget(how)
        layout.addStretch(1)
        for action in self._actions(tag):
            layout.addWidget(self._action_button(row, tag.label, action))
        return row

    def _describe(self, tag: TagChip) -> str:
        if tag.state is TagState.REJECTED:
            return self.tr("rejected")
        if tag.source is TagSource.MANUAL:
            return self.tr("confirmed") if tag.score is not None else self.tr("by hand")
        return self.tr("auto %1").replace("%1", f"{tag.score:.1f}" if tag.score is not None else "")

    @staticmethod
    def _actions(tag: TagChip) -> tuple[str, ...]:
        if tag.state is TagState.REJECTED:
            return ("accept",)
        if tag.source is TagSource.AUTO:
            return ("accept", "reject")
        return ("remove",)

    def _action_button(self, row: QWidget, label: str, action: str) -> QToolButton:
        texts = {
            "accept": ("✓", self.tr("Keep this tag: auto-tagging will not change it")),
            "reject": ("✕", self.tr("Wrong: remove it and never assign it to this photo again")),
            "remove": ("✕", self.tr("Remove this tag")),
        }
        signals = {
            "accept": self.accept_requested,
            "reject": self.reject_requested,
            "remove": self.remove_requested,
        }
        text, tip = texts[action]
        button = QToolButton(row)
        button.setObjectName(f"{action}:{label}")
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(lambda: signals[action].emit(label))
        return button
