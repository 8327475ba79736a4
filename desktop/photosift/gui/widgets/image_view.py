"""A picture scaled to fit its widget, aspect kept, centred; or a message when there is none.

Why not a QLabel with setScaledContents: that stretches the picture out of shape, and a label
sized by its pixmap fights the dialog's layout when the user shrinks the window. Here the
pixmap is scaled while painting, so any window size shows the whole photo.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

Corners = Sequence[tuple[float, float]]  # a box's corners as fractions of the picture's size


class FitImageView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        self._message = ""
        self._boxes: list[tuple[Corners, bool]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 150)

    def set_pixmap(self, pixmap: QPixmap, boxes: Sequence[tuple[Corners, bool]] = ()) -> None:
        """Show `pixmap`, with text boxes drawn over it: (corners, matched the query)."""
        self._pixmap = pixmap
        self._message = ""
        self._boxes = list(boxes)
        self.update()

    def boxes(self) -> list[tuple[Corners, bool]]:
        return list(self._boxes)

    def set_message(self, text: str) -> None:
        """Show `text` instead of a picture (loading, or why the photo cannot be shown)."""
        self._pixmap = QPixmap()
        self._message = text
        self._boxes = []
        self.update()

    def pixmap(self) -> QPixmap:
        return self._pixmap

    def message(self) -> str:
        return self._message

    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    def image_rect(self) -> QRect:
        """Where the picture lands: the largest rectangle of its aspect inside the widget."""
        if self._pixmap.isNull():
            return QRect()
        size = self._pixmap.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        if self._pixmap.width() <= self.width() and self._pixmap.height() <= self.height():
            size = self._pixmap.size()  # small photos are not blown up into a blur
        left = (self.width() - size.width()) // 2
        top = (self.height() - size.height()) // 2
        return QRect(left, top, size.width(), size.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Dark))
        if self._pixmap.isNull():
            painter.setPen(self.palette().color(QPalette.ColorRole.BrightText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._message)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        area = self.image_rect()
        painter.drawPixmap(area, self._pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for corners, matched in self._boxes:
            colour = QColor(255, 200, 0) if matched else QColor(255, 255, 255, 110)
            painter.setPen(QPen(colour, 3 if matched else 1))
            if matched:
                painter.setBrush(QColor(255, 200, 0, 60))
            else:
                painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolygon(
                QPolygonF([QPointF(area.x() + x * area.width(), area.y() + y * area.height())
                           for x, y in corners])
            )
