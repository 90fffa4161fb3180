"""Status board layout: urgency toggles with counts, filters, and the table."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.domain.board import Urgency
from motcua_desk.ui.fit import FitTable

from .model import URGENCY_COLOURS, URGENCY_LABELS


class BoardView(QWidget):
    #: The page became visible (its tab was chosen).
    shown = Signal()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown.emit()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("board_view")
        self.urgency_buttons: dict[Urgency, QPushButton] = {}
        toggles = QHBoxLayout()
        for urgency in Urgency:
            button = QPushButton(URGENCY_LABELS[urgency])
            button.setObjectName(f"urgency_{urgency.name.lower()}")
            button.setCheckable(True)
            colour = URGENCY_COLOURS[urgency]
            if colour:
                button.setStyleSheet(f"QPushButton:checked {{ background: {colour}; }}")
            self.urgency_buttons[urgency] = button
            toggles.addWidget(button)
        toggles.addStretch(1)
        self.refresh_button = QPushButton("Làm mới")
        toggles.addWidget(self.refresh_button)

        self.status = QComboBox()
        self.status.setObjectName("board_status")
        self.procedure = QComboBox()
        self.procedure.setObjectName("board_procedure")
        self.procedure.setMinimumContentsLength(30)
        self.text = QLineEdit()
        self.text.setObjectName("board_text")
        self.text.setPlaceholderText("Lọc theo mã, họ tên (có hoặc không dấu), số định danh, ĐT")
        self.text.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Trạng thái:"))
        filters.addWidget(self.status)
        filters.addWidget(QLabel("Thủ tục:"))
        filters.addWidget(self.procedure, 1)
        filters.addWidget(self.text, 2)

        self.summary = QLabel()
        self.summary.setObjectName("board_summary")
        # Widths from the font (size_columns), not measured: 100,000 rows; cut cells get a tooltip.
        self.table = FitTable("board_table", auto_size=False)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)

        layout = QVBoxLayout(self)
        layout.addLayout(toggles)
        layout.addLayout(filters)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def size_columns(self) -> None:
        """Fixed widths from the font, never ResizeToContents: that measures all 100,000 rows.
        Call after the model is set (the header has no sections before)."""
        header = self.table.horizontalHeader()
        fm = self.table.fontMetrics()
        pad = 18
        for column, sample in (
            (0, "000.00.06.H56-261125-0001"),
            (1, "Nguyễn Thị Thu Hằng"),
            (3, "Chờ bổ sung"),
            (4, "25/11/2026 16:30"),
            (5, "25/11/2026 16:30"),
            (6, "Có kết quả, chờ trả"),
        ):
            header.resizeSection(column, fm.horizontalAdvance(sample) + pad)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the procedure
