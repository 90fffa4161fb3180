"""Sync-health page layout."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.ui.fit import page_layout
from motcua_desk.ui.screens.home.view import _table


def _value(name: str) -> QLabel:
    label = QLabel("—")
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class SyncHealthView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_health_view")
        self.state = _value("sync_state")
        self.pending = _value("sync_pending")
        self.oldest = _value("sync_oldest")
        self.last_success = _value("sync_last_success")
        self.last_error = _value("sync_last_error")
        self.sync_now_button = QPushButton("Đồng bộ ngay")
        self.sync_now_button.setObjectName("sync_now_button")
        summary = QGroupBox("Tình trạng đồng bộ với máy chủ tỉnh")
        form = QFormLayout(summary)
        form.addRow("Trạng thái:", self.state)
        form.addRow("Sự kiện chờ gửi:", self.pending)
        form.addRow("Chờ lâu nhất:", self.oldest)
        form.addRow("Đồng bộ thành công gần nhất:", self.last_success)
        form.addRow("Lỗi gần nhất:", self.last_error)
        form.addRow("", self.sync_now_button)

        self.problems: QTableView = _table("sync_problems_table")
        self.retry_button = QPushButton("Gửi lại sự kiện đã chọn")
        self.retry_button.setObjectName("retry_button")
        self.retry_hint = QLabel()
        self.retry_hint.setWordWrap(True)
        problems = QGroupBox("Sự kiện gửi lỗi hoặc bị máy chủ từ chối")
        pl = QVBoxLayout(problems)
        pl.addWidget(self.problems)
        row = QHBoxLayout()
        row.addWidget(self.retry_button)
        row.addWidget(self.retry_hint, 1)
        pl.addLayout(row)

        self.conflicts = QListWidget()
        self.conflicts.setObjectName("sync_conflicts")
        self.resolve_button = QPushButton("Đánh dấu đã xử lý")
        self.resolve_button.setObjectName("resolve_button")
        self.reapply_button = QPushButton("Áp dụng lại")
        self.reapply_button.setObjectName("reapply_button")
        self.reprint = _value("sync_reprint")
        self.gaps = _value("sync_code_gaps")
        other = QGroupBox("Xung đột và giấy tiếp nhận cần in lại")
        ol = QVBoxLayout(other)
        ol.addWidget(self.conflicts)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reapply_button)
        buttons.addWidget(self.resolve_button)
        buttons.addStretch(1)
        ol.addLayout(buttons)
        ol.addWidget(self.reprint)
        ol.addWidget(self.gaps)

        self.server_url = QLineEdit()
        self.server_url.setObjectName("server_url")
        self.server_url.setPlaceholderText("https://motcua.tinh.gov.vn")
        self.ca_bundle = QLineEdit()
        self.ca_bundle.setObjectName("ca_bundle")
        self.ca_bundle.setPlaceholderText("Tệp chứng chỉ CA (để trống nếu dùng mặc định)")
        self.enrol_code = QLineEdit()
        self.enrol_code.setObjectName("enrol_code")
        self.device_name = QLineEdit()
        self.device_name.setObjectName("device_name")
        self.enrol_button = QPushButton("Đăng ký máy trạm")
        self.enrol_button.setObjectName("enrol_button")
        self.enrol_message = _value("enrol_message")
        self.enrol_box = QGroupBox("Đăng ký máy trạm với máy chủ (quản trị)")
        ef = QFormLayout(self.enrol_box)
        ef.addRow("Địa chỉ máy chủ:", self.server_url)
        ef.addRow("Chứng chỉ CA:", self.ca_bundle)
        ef.addRow("Mã đăng ký một lần:", self.enrol_code)
        ef.addRow("Tên máy trạm:", self.device_name)
        ef.addRow("", self.enrol_button)
        ef.addRow("", self.enrol_message)

        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(summary, 1)
        top.addWidget(self.enrol_box, 1)
        body.addLayout(top)
        body.addWidget(problems, 2)
        body.addWidget(other, 1)
        page_layout(self, None, body)
