"""End-of-day close page layout: the day, its figures, what is pending, state, recent closes."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.ui.fit import MessageBanner, page_layout
from motcua_desk.ui.screens.home.view import _table

DAY_FORMAT = "dd/MM/yyyy"

#: Figure name (a ``DaySummary`` field) and its label, in display order.
FIGURES: tuple[tuple[str, str], ...] = (
    ("received", "Hồ sơ tiếp nhận"),
    ("supplement_at_intake", "Trong đó yêu cầu bổ sung tại quầy"),
    ("refused", "Từ chối tiếp nhận"),
    ("handed_over", "Đã chuyển phòng chuyên môn"),
    ("returned", "Đã trả kết quả"),
    ("receipts_printed", "Đã in giấy tiếp nhận"),
    ("unprinted", "Chưa in giấy tiếp nhận"),
    ("to_transfer", "Chưa chuyển (nhận trước giờ chốt)"),
    ("to_transfer_next_day", "Chuyển đầu ngày làm việc sau (nhận sau giờ chốt)"),
    ("open_postal_batches", "Lô bưu chính đang mở"),
    ("unsynced", "Sự kiện chưa đồng bộ"),
    ("sync_rejected", "Sự kiện bị máy chủ từ chối"),
)


class DayCloseView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("day_close_view")
        self.day = QDateEdit()
        self.day.setObjectName("close_day")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat(DAY_FORMAT)
        self.refresh_button = QPushButton("Làm mới")
        self.refresh_button.setObjectName("refresh_day")
        top = QHBoxLayout()
        top.addWidget(QLabel("Ngày:"))
        top.addWidget(self.day)
        top.addWidget(self.refresh_button)
        top.addStretch(1)

        self.state = QLabel()
        self.state.setObjectName("day_state")
        self.state.setWordWrap(True)

        figures_box = QGroupBox("Số liệu trong ngày")
        form = QFormLayout(figures_box)
        self.figures: dict[str, QLabel] = {}
        for name, label in FIGURES:
            value = QLabel("—")
            value.setObjectName(f"figure_{name}")
            self.figures[name] = value
            form.addRow(f"{label}:", value)

        warnings_box = QGroupBox("Việc còn tồn")
        self.warnings = QListWidget()
        self.warnings.setObjectName("day_warnings")
        QVBoxLayout(warnings_box).addWidget(self.warnings)

        middle = QHBoxLayout()
        middle.addWidget(figures_box, 1)
        middle.addWidget(warnings_box, 1)

        self.close_button = QPushButton("Chốt sổ")
        self.close_button.setObjectName("close_day_button")
        self.reopen_button = QPushButton("Mở lại ngày")
        self.reopen_button.setObjectName("reopen_day_button")
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.reopen_button)
        buttons.addStretch(1)

        self.message = MessageBanner("day_close_message")

        recent_box = QGroupBox("Các ngày đã chốt gần đây")
        self.recent = _table("recent_closes")
        QVBoxLayout(recent_box).addWidget(self.recent)

        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.state)
        body.addLayout(middle)
        body.addWidget(recent_box, 1)
        page_layout(self, self.message, body, buttons, top=top)
