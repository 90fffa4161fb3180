"""Postal hand-over page layout."""

from __future__ import annotations

from PySide6.QtWidgets import (
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

from motcua_desk.ui.screens.home.view import _table


class PostalView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("postal_view")
        self.batches = QComboBox()
        self.batches.setObjectName("postal_batches")
        self.new_results = QPushButton("Lô gửi kết quả qua bưu điện mới")
        self.new_results.setObjectName("new_results_batch")
        self.signed_at = QDateTimeEdit()
        self.signed_at.setDisplayFormat("HH:mm dd/MM/yyyy")
        self.signed_at.setCalendarPopup(True)
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
        row.addWidget(self.signed_at)
        row.addWidget(self.incoming_staff, 1)
        row.addWidget(self.new_incoming)
        sf.addRow(row)

        self.expecting = QLabel()
        self.expecting.setObjectName("postal_expecting")
        self.message = QLabel()
        self.message.setObjectName("postal_message")
        self.message.setWordWrap(True)
        self.items = _table("postal_items")
        self.check_button = QPushButton("Kiểm tra sai lệch")
        self.postal_unit = QLineEdit()
        self.postal_unit.setPlaceholderText("Đơn vị bưu chính")
        self.postal_staff = QLineEdit()
        self.postal_staff.setPlaceholderText("Nhân viên bưu chính nhận")
        self.close_button = QPushButton("Chốt lô và in biên bản giao nhận")
        self.close_button.setObjectName("close_batch")
        self.delivered_button = QPushButton("Đã phát thành công")
        self.returned_button = QPushButton("Chuyển hoàn về bộ phận một cửa")
        self.attempt_button = QPushButton("Phát không thành công")
        self.attempt_button.setObjectName("postal_attempt")
        self.register_button = QPushButton("Tiếp nhận hồ sơ của bưu gửi đã chọn…")
        self.register_button.setObjectName("register_postal_item")
        actions = QHBoxLayout()
        for w in (self.check_button, self.postal_unit, self.postal_staff, self.close_button):
            actions.addWidget(w)
        outcomes = QHBoxLayout()
        outcomes.addWidget(QLabel("Kết quả phát của dòng đã chọn:"))
        outcomes.addWidget(self.delivered_button)
        outcomes.addWidget(self.attempt_button)
        outcomes.addWidget(self.returned_button)
        outcomes.addStretch(1)
        outcomes.addWidget(self.register_button)

        layout = QVBoxLayout(self)
        layout.addWidget(start)
        layout.addWidget(self.expecting)
        layout.addWidget(self.message)
        layout.addWidget(self.items, 1)
        layout.addLayout(actions)
        layout.addLayout(outcomes)
