"""The chip that shows an image query in the search bar: "Similar to IMG_0042.jpg ✕".

Why: "More like this" searches by a photo, not by text, so the field stays empty; without the
chip nothing on screen said what the grid was showing, nor how to get back to browsing.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class QueryChip(QFrame):
    cleared = Signal()  # the ✕ was clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queryChip")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(self)
        self.close_button = QToolButton(self)
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(self.tr("Stop searching by this photo"))
        self.close_button.clicked.connect(self.cleared)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.close_button)
        self.setVisible(False)

    def show_photo(self, name: str) -> None:
        self.label.setText(self.tr("Similar to {name}").format(name=name or self.tr("this photo")))
        self.setVisible(True)

    def text(self) -> str:
        """What the chip says, or "" when hidden."""
        return self.label.text() if not self.isHidden() else ""
