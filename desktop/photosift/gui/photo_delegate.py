"""Paints one grid cell: thumbnail (or a placeholder while it loads), name, and score.

One delegate paints every visible cell, which is what lets the grid hold 100k photos. It never
loads anything itself: the model's `thumbnail(row)` answers from the thumbnail cache, or None
while the image is on its way.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from photosift.gui.results_model import ItemRole, Mode

MARGIN = 6
TEXT_GAP = 4


class PhotoDelegate(QStyledItemDelegate):
    def __init__(self, thumbnail_size: int = 160, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._size = thumbnail_size
        self._mode = Mode.BROWSE

    def set_thumbnail_size(self, size: int) -> None:
        self._size = size

    def set_mode(self, mode: Mode) -> None:
        self._mode = mode

    def cell_size(self, metrics: QFontMetrics) -> QSize:
        return QSize(self._size + 2 * MARGIN, self._size + 2 * MARGIN + TEXT_GAP + metrics.height())

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return self.cell_size(option.fontMetrics)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        item = index.data(ItemRole)
        if item is None:
            return
        palette = option.palette
        cell = option.rect
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            highlight = QColor(palette.color(QPalette.ColorRole.Highlight))
            highlight.setAlpha(90)
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.setBrush(highlight)
            painter.drawRoundedRect(QRectF(cell).adjusted(1.5, 1.5, -1.5, -1.5), 6, 6)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            hover = QColor(palette.color(QPalette.ColorRole.Highlight))
            hover.setAlpha(30)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(hover)
            painter.drawRoundedRect(QRectF(cell).adjusted(1.5, 1.5, -1.5, -1.5), 6, 6)

        left = cell.x() + (cell.width() - self._size) // 2
        frame = QRect(left, cell.y() + MARGIN, self._size, self._size)
        image = index.model().thumbnail(index.row())  # type: ignore[attr-defined]
        if isinstance(image, QImage) and not image.isNull():
            picture = _fit(image.size(), frame)
            painter.drawImage(picture, image)
        else:
            picture = frame.adjusted(8, 8, -8, -8)
            self._paint_placeholder(painter, picture, palette, broken=isinstance(image, QImage))
        if item.offline:
            painter.fillRect(picture, QColor(0, 0, 0, 110))

        text_rect = QRect(left, frame.bottom() + TEXT_GAP, self._size, option.fontMetrics.height())
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        elided = option.fontMetrics.elidedText(
            item.name, Qt.TextElideMode.ElideMiddle, text_rect.width()
        )
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, elided
        )

        if self._mode is Mode.SEARCH and item.score is not None:
            self._paint_score(painter, picture, index.model().match_strength(item.score))  # type: ignore[attr-defined]
        painter.restore()

    def _paint_placeholder(
        self, painter: QPainter, inset: QRect, palette: QPalette, *, broken: bool
    ) -> None:
        base = QColor(palette.color(QPalette.ColorRole.Mid))
        base.setAlpha(60)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(base)
        painter.drawRoundedRect(QRectF(inset), 4, 4)
        if broken:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(inset, Qt.AlignmentFlag.AlignCenter, "?")

    def _paint_score(self, painter: QPainter, frame: QRect, strength: float) -> None:
        """A match bar along the picture's bottom edge: full for the best result shown,
        shorter for weaker ones (a number like 0.27 or -0.00 told users nothing)."""
        track = QRectF(frame.left() + 4, frame.bottom() - 9, frame.width() - 8, 5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 150))
        painter.drawRoundedRect(track, 2.5, 2.5)
        filled = QRectF(
            track.left(), track.top(), max(track.height(), track.width() * strength), track.height()
        )
        painter.setBrush(QColor(90, 200, 120))
        painter.drawRoundedRect(filled, 2.5, 2.5)


def _fit(size: QSize, frame: QRect) -> QRect:
    """The largest rect of `size`'s aspect ratio centred in `frame`, never enlarged past 2x."""
    if size.width() <= 0 or size.height() <= 0:
        return frame
    scale = min(frame.width() / size.width(), frame.height() / size.height(), 2.0)
    width, height = round(size.width() * scale), round(size.height() * scale)
    return QRect(
        frame.x() + (frame.width() - width) // 2,
        frame.y() + (frame.height() - height) // 2,
        width,
        height,
    )
