"""A horizontal bar chart of one photo's label scores, painted by hand.

Why a custom widget: the chart is the place where a user sees *why* a photo got a tag, so it
shows every label's score side by side, the label's own threshold as a tick, and marks the
labels that are assigned (highlight colour) or rejected (struck through). A QTableView with
progress-bar delegates would show the numbers but not the comparison at a glance.

Interface:
- ``ScoreChart(parent=None, *, top_n=8, value_format="{:.0%}")`` (scores are 0..1: a percentage)
- ``set_scores(bars: Sequence[ScoreBar])`` keeps the ``top_n`` highest scores, best first.
- ``bars() -> list[ScoreBar]`` what is drawn, top to bottom (the chart's data model).
- ``clear()``, ``set_top_n(n)``, ``set_placeholder(text)`` (shown when there are no bars).
- signal ``label_clicked(str)`` when a row is clicked: the tag panel turns it into a filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from photosift.gui.label_names import shown


@dataclass(frozen=True)
class ScoreBar:
    label: str
    score: float
    threshold: float | None = None
    assigned: bool = False
    rejected: bool = False


_ROW_GAP = 4
_PADDING = 6
_SCORE_TEXT = "-00.00"


class ScoreChart(QWidget):
    label_clicked = Signal(str)

    def __init__(
        self, parent: QWidget | None = None, *, top_n: int = 8, value_format: str = "{:.0%}"
    ) -> None:
        super().__init__(parent)
        self._top_n = top_n
        self._value_format = value_format
        self._bars: list[ScoreBar] = []
        self._placeholder = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMouseTracking(True)

    # -- data ------------------------------------------------------------------------------
    def set_scores(self, bars: Sequence[ScoreBar]) -> None:
        ranked = sorted(bars, key=lambda bar: bar.score, reverse=True)
        self._bars = ranked[: self._top_n]
        self.updateGeometry()
        self.update()

    def bars(self) -> list[ScoreBar]:
        return list(self._bars)

    def clear(self) -> None:
        self.set_scores([])

    def set_top_n(self, top_n: int) -> None:
        self._top_n = max(1, top_n)

    def placeholder(self) -> str:
        return self._placeholder

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    # -- geometry --------------------------------------------------------------------------
    def _row_height(self) -> int:
        return self.fontMetrics().height() + 6

    def sizeHint(self) -> QSize:
        rows = max(len(self._bars), 2)
        return QSize(260, 2 * _PADDING + rows * (self._row_height() + _ROW_GAP))

    def minimumSizeHint(self) -> QSize:
        return QSize(160, self.sizeHint().height())

    def _row_at(self, y: float) -> int | None:
        index = int((y - _PADDING) // (self._row_height() + _ROW_GAP))
        return index if 0 <= index < len(self._bars) else None

    def _label_width(self) -> int:
        bold = QFont(self.font())
        bold.setBold(True)  # assigned labels are drawn bold: measure the wider face
        metrics = QFontMetrics(bold)
        widest = max((metrics.horizontalAdvance(shown(bar.label)) for bar in self._bars), default=0)
        return min(widest + 8, int(self.width() * 0.4))

    def _scale_max(self) -> float:
        """Bars share one scale so rows compare; thresholds count so their ticks stay inside."""
        values = [bar.score for bar in self._bars]
        values += [bar.threshold for bar in self._bars if bar.threshold is not None]
        return max(max(values, default=0.0), 1e-6)

    # -- events ----------------------------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hovering = self._row_at(event.position().y()) is not None
        self.setCursor(
            Qt.CursorShape.PointingHandCursor if hovering else Qt.CursorShape.ArrowCursor
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        row = self._row_at(event.position().y())
        if row is not None:
            self.label_clicked.emit(self._bars[row].label)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        if not self._bars:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._placeholder,
            )
            return
        label_w = self._label_width()
        score_w = self.fontMetrics().horizontalAdvance(_SCORE_TEXT) + 8
        bar_x = _PADDING + label_w
        bar_w_max = max(self.width() - bar_x - score_w - _PADDING, 10)
        scale = self._scale_max()
        row_h = self._row_height()
        for index, bar in enumerate(self._bars):
            top = _PADDING + index * (row_h + _ROW_GAP)
            self._paint_row(painter, bar, top, row_h, label_w, bar_x, bar_w_max, scale)

    def _paint_row(
        self,
        painter: QPainter,
        bar: ScoreBar,
        top: float,
        row_h: int,
        label_w: int,
        bar_x: float,
        bar_w_max: float,
        scale: float,
    ) -> None:
        palette = self.palette()
        text_color = palette.color(QPalette.ColorRole.WindowText)
        font = QFont(self.font())
        font.setBold(bar.assigned)
        font.setStrikeOut(bar.rejected)
        painter.setFont(font)
        painter.setPen(text_color)
        label_rect = QRectF(_PADDING, top, label_w - 6, row_h)
        elided = QFontMetrics(font).elidedText(
            shown(bar.label), Qt.TextElideMode.ElideRight, int(label_rect.width())
        )
        painter.drawText(
            label_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, elided
        )

        track = QRectF(bar_x, top + 2, bar_w_max, row_h - 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
        painter.drawRoundedRect(track, 3, 3)
        filled = QRectF(track)
        filled.setWidth(max(bar_w_max * max(bar.score, 0.0) / scale, 1.0))
        painter.setBrush(self._bar_color(bar))
        painter.drawRoundedRect(filled, 3, 3)
        if bar.threshold is not None:
            tick_x = bar_x + bar_w_max * max(bar.threshold, 0.0) / scale
            painter.setPen(text_color)
            painter.drawLine(int(tick_x), int(top), int(tick_x), int(top + row_h))

        painter.setFont(self.font())
        painter.setPen(text_color)
        score_rect = QRectF(bar_x + bar_w_max + 4, top, self.width() - bar_x - bar_w_max, row_h)
        painter.drawText(
            score_rect,
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            self._value_format.format(bar.score),
        )

    def _bar_color(self, bar: ScoreBar) -> QColor:
        palette = self.palette()
        if bar.rejected:
            return QColor(200, 90, 90, 150)
        if bar.assigned:
            return palette.color(QPalette.ColorRole.Highlight)
        color = QColor(palette.color(QPalette.ColorRole.Mid))
        color.setAlpha(170)
        return color
