"""Reports page layout: period choice, figures by field and procedure, chart, ledger export."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.ui.fit import MessageBanner, page_layout
from motcua_desk.ui.screens.home.view import _table

from .chart import BarChart

DAY_FORMAT = "dd/MM/yyyy"
MONTH_FORMAT = "MM/yyyy"


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DAY_FORMAT)
    return edit


class ReportsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reports_view")
        self.kind = QComboBox()
        self.kind.setObjectName("report_kind")
        self.kind.addItem("Theo ngày", "day")
        self.kind.addItem("Theo tháng", "month")
        self.day = _date_edit("report_day")
        self.show_button = QPushButton("Xem báo cáo")
        self.show_button.setObjectName("show_report")
        period = QHBoxLayout()
        period.addWidget(QLabel("Báo cáo:"))
        period.addWidget(self.kind)
        period.addWidget(self.day)
        period.addWidget(self.show_button)
        period.addStretch(1)

        self.summary = QLabel()
        self.summary.setObjectName("report_summary")
        self.summary.setWordWrap(True)
        self.table = _table("report_table")
        self.table.setSortingEnabled(False)  # rows keep the field / procedure grouping
        self.chart = BarChart()
        self.table.setMinimumHeight(80)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        ledger = QGroupBox("Sổ theo dõi hồ sơ (Mẫu 07)")
        form = QFormLayout(ledger)
        self.ledger_from = _date_edit("ledger_from")
        self.ledger_to = _date_edit("ledger_to")
        dates = QHBoxLayout()
        dates.addWidget(QLabel("Từ ngày"))
        dates.addWidget(self.ledger_from)
        dates.addWidget(QLabel("đến ngày"))
        dates.addWidget(self.ledger_to)
        dates.addStretch(1)
        form.addRow(dates)
        self.ledger_field = QComboBox()
        self.ledger_field.setObjectName("ledger_field")
        form.addRow("Lĩnh vực:", self.ledger_field)
        self.export_pdf = QPushButton("Xuất sổ ra PDF…")
        self.export_pdf.setObjectName("export_ledger_pdf")
        self.export_xlsx = QPushButton("Xuất sổ ra Excel…")
        self.export_xlsx.setObjectName("export_ledger_xlsx")
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_pdf)
        buttons.addWidget(self.export_xlsx)
        buttons.addStretch(1)
        form.addRow(buttons)

        self.message = MessageBanner("reports_message")

        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.summary)
        body.addWidget(split, 1)
        # The ledger box (its export buttons) stays below the figures, always in view.
        page_layout(self, self.message, body, ledger, top=period, scroll=False)
