"""A small bar chart painted with QPainter (no chart library needed)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    color: str  # "#rrggbb"


class BarChart(QWidget):
    """Vertical bars with their value above and their label below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_chart")
        self._bars: tuple[Bar, ...] = ()
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_bars(self, bars: tuple[Bar, ...] | list[Bar]) -> None:
        self._bars = tuple(bars)
        self.update()

    def bars(self) -> tuple[Bar, ...]:
        return self._bars

    def sizeHint(self) -> QSize:
        return QSize(480, 220)

    def bar_rects(self) -> list[QRectF]:
        """Geometry of each bar in widget coordinates (also used by tests)."""
        if not self._bars:
            return []
        metrics = self.fontMetrics()
        text_h = metrics.height()
        top, bottom = text_h + 6, self.height() - 2 * text_h - 8
        plot_h = max(1, bottom - top)
        slot = self.width() / len(self._bars)
        width = max(4.0, slot * 0.55)
        peak = max(1, max(b.value for b in self._bars))
        rects = []
        for i, bar in enumerate(self._bars):
            h = plot_h * bar.value / peak
            x = slot * i + (slot - width) / 2
            rects.append(QRectF(x, bottom - h, width, h))
        return rects

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.fillRect(self.rect(), self.palette().base())
            if not self._bars:
                painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Chưa có số liệu")
                return
            metrics = self.fontMetrics()
            text_h = metrics.height()
            slot = self.width() / len(self._bars)
            baseline = self.height() - 2 * text_h - 8
            painter.setPen(self.palette().text().color())
            painter.drawLine(0, int(baseline), self.width(), int(baseline))
            for i, (bar, rect) in enumerate(zip(self._bars, self.bar_rects(), strict=True)):
                painter.fillRect(rect, QColor(bar.color))
                value_box = QRectF(rect.x() - 20, rect.y() - text_h - 2, rect.width() + 40, text_h)
                painter.drawText(value_box, Qt.AlignmentFlag.AlignCenter, str(bar.value))
                label_box = QRectF(slot * i, baseline + 4, slot, 2 * text_h)
                painter.drawText(
                    label_box,
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                    | int(Qt.TextFlag.TextWordWrap),
                    bar.label,
                )
        finally:
            painter.end()
