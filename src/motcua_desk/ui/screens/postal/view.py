"""Postal hand-over page layout."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.ui.fit import MessageBanner, page_layout
from motcua_desk.ui.screens.home.view import _table


class PostalView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postal_view")
        self.batches = QComboBox()
        self.batches.setObjectName("postal_batches")
        self.new_results = QPushButton("Lô gửi kết quả qua bưu điện mới")
        self.new_results.setObjectName("new_results_batch")
        # The record is signed now (office time, taken when the batch is opened) unless the
        # clerk enters an earlier signing by hand (issue 12 §3).
        self.signed_now = QCheckBox("Ký ngay bây giờ")
        self.signed_now.setObjectName("signed_now")
        self.signed_now.setChecked(True)
        self.signed_at = QDateTimeEdit()
        self.signed_at.setObjectName("signed_at")
        self.signed_at.setDisplayFormat("HH:mm dd/MM/yyyy")
        self.signed_at.setCalendarPopup(True)
        self.signed_at.setEnabled(False)
        self.signed_now.toggled.connect(lambda now: self.signed_at.setEnabled(not now))
        self.incoming_staff = QLineEdit()
        self.incoming_staff.setPlaceholderText("Nhân viên bưu chính giao hồ sơ")
        self.new_incoming = QPushButton("Lô nhận hồ sơ từ bưu điện mới")
        self.new_incoming.setObjectName("new_incoming_batch")
        start = QGroupBox("Lô giao nhận")
        sf = QFormLayout(start)
        sf.addRow("Lô đang mở:", self.batches)
        sf.addRow("", self.new_results)
        row = QHBoxLayout()
        row.addWidget(QLabel("Giờ ký biên bản:"))
        row.addWidget(self.signed_now)
        row.addWidget(self.signed_at)
        row.addWidget(self.incoming_staff, 1)
        row.addWidget(self.new_incoming)
        sf.addRow(row)

        self.expecting = QLabel()
        self.expecting.setObjectName("postal_expecting")
        self.message = MessageBanner("postal_message")
        self.items = _table("postal_items")
        self.check_button = QPushButton("Kiểm tra sai lệch")
        self.postal_unit = QLineEdit()
        self.postal_unit.setObjectName("postal_unit")
        self.postal_unit.setPlaceholderText("Đơn vị bưu chính nhận")
        self.postal_staff = QLineEdit()
        self.postal_staff.setObjectName("postal_staff")
        self.postal_staff.setPlaceholderText("Nhân viên bưu chính nhận")
        self.close_button = QPushButton("Chốt lô và in biên bản giao nhận")
        self.close_button.setObjectName("close_batch")
        self.delivered_button = QPushButton("Đã phát thành công")
        self.returned_button = QPushButton("Chuyển hoàn về bộ phận một cửa")
        self.attempt_button = QPushButton("Phát không thành công")
        self.attempt_button.setObjectName("postal_attempt")
        self.register_button = QPushButton("Tiếp nhận hồ sơ của bưu gửi đã chọn…")
        self.register_button.setObjectName("register_postal_item")
        closing = QHBoxLayout()
        closing.addWidget(self.check_button)
        closing.addWidget(QLabel("Bưu điện nhận:"))
        closing.addWidget(self.postal_unit, 1)
        closing.addWidget(self.postal_staff, 1)
        closing.addWidget(self.close_button)
        outcomes = QHBoxLayout()
        outcomes.addWidget(QLabel("Kết quả phát của dòng đã chọn:"))
        outcomes.addWidget(self.delivered_button)
        outcomes.addWidget(self.attempt_button)
        outcomes.addWidget(self.returned_button)
        outcomes.addStretch(1)
        outcomes.addWidget(self.register_button)
        actions = QVBoxLayout()
        actions.addLayout(closing)
        actions.addLayout(outcomes)

        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(start)
        body.addWidget(self.expecting)
        body.addWidget(self.items, 1)
        # The batch's items table takes the height; the buttons stay below it in view.
        page_layout(self, self.message, body, actions, scroll=False)
