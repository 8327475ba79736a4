"""A picture that fits its widget (aspect kept, centred), zooms and pans; or a message.

Why not a QLabel with setScaledContents: that stretches the picture out of shape, and a label
sized by its pixmap fights the dialog's layout when the user shrinks the window. Here the
pixmap is scaled while painting, so any window size shows the whole photo.

Zoom: "fit" (the default, and whenever a new picture arrives) or a scale where 1.0 shows one
picture pixel per screen pixel ("100 %"). The wheel zooms around the pointer, a double-click
toggles fit and 100 %, dragging pans a zoomed picture. The background is dark, as photo
viewers have it, so full screen shows the photo on black.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

WHEEL_STEP = 1.25  # zoom factor per wheel notch
MIN_SCALE, MAX_SCALE = 0.05, 8.0
BACKGROUND = QColor(18, 18, 18)
MESSAGE_COLOUR = QColor(220, 220, 220)
Corners = Sequence[tuple[float, float]]  # a box's corners as fractions of the picture's size


class FitImageView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        self._message = ""
        self._scale: float | None = None  # None = fit
        self._centre = QPointF(0.5, 0.5)  # the picture point (0..1) shown at the widget centre
        self._drag_from: QPointF | None = None
        self._boxes: list[tuple[Corners, bool]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 150)

    def set_pixmap(self, pixmap: QPixmap, boxes: Sequence[tuple[Corners, bool]] = ()) -> None:
        """Show `pixmap`, with text boxes drawn over it: (corners, matched the query)."""
        self._pixmap = pixmap
        self._message = ""
        self._boxes = list(boxes)
        self.zoom_to_fit()

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

    # -- zoom ------------------------------------------------------------------------------
    def is_fit(self) -> bool:
        return self._scale is None

    def fit_scale(self) -> float:
        """The scale "fit" uses: the whole picture visible, small pictures never blown up."""
        if self._pixmap.isNull():
            return 1.0
        return min(1.0, self.width() / self._pixmap.width(), self.height() / self._pixmap.height())

    def scale(self) -> float:
        return self.fit_scale() if self._scale is None else self._scale

    def zoom_to_fit(self) -> None:
        self._scale = None
        self._centre = QPointF(0.5, 0.5)
        self.update()

    def zoom_to(self, scale: float, anchor: QPointF | None = None) -> None:
        """Zoom to `scale` keeping the picture point under `anchor` (default: centre) still."""
        if self._pixmap.isNull():
            return
        anchor = anchor if anchor is not None else QPointF(self.width() / 2, self.height() / 2)
        before = self._picture_point(anchor)
        self._scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        after = self._picture_point(anchor)
        self._centre += before - after
        self.update()

    def toggle_zoom(self, anchor: QPointF | None = None) -> None:
        """Fit <-> 100 %."""
        if self.is_fit():
            self.zoom_to(1.0, anchor)
        else:
            self.zoom_to_fit()

    def image_rect(self) -> QRect:
        """Where the picture lands in the widget."""
        if self._pixmap.isNull():
            return QRect()
        scale = self.scale()
        width, height = self._pixmap.width() * scale, self._pixmap.height() * scale
        left = self.width() / 2 - self._centre.x() * width
        top = self.height() / 2 - self._centre.y() * height
        return QRectF(left, top, width, height).toRect()

    def _picture_point(self, at: QPointF) -> QPointF:
        rect = QRectF(self.image_rect())
        if rect.isEmpty():
            return QPointF(0.5, 0.5)
        return QPointF((at.x() - rect.left()) / rect.width(), (at.y() - rect.top()) / rect.height())

    # -- input -----------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120
        if notches and not self._pixmap.isNull():
            self.zoom_to(self.scale() * WHEEL_STEP**notches, event.position())
            event.accept()
        else:
            super().wheelEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.toggle_zoom(event.position())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not self.is_fit() and event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.position()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            rect = QRectF(self.image_rect())
            moved = event.position() - self._drag_from
            self._drag_from = event.position()
            self._centre -= QPointF(moved.x() / rect.width(), moved.y() / rect.height())
            self.update()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_from = None
        super().mouseReleaseEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        if self._pixmap.isNull():
            painter.setPen(MESSAGE_COLOUR)
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message
            )
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
                QPolygonF(
                    [
                        QPointF(area.x() + x * area.width(), area.y() + y * area.height())
                        for x, y in corners
                    ]
                )
            )
