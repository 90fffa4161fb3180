"""Lookup screen layout: search on the left, the opened dossier on the right."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.domain.dossier import Status
from motcua_desk.ui import strings
from motcua_desk.ui.fit import MessageBanner, make_table


def _table(name: str) -> QTableView:
    """Columns sized to content, cut cells with a tooltip (issue 12 §1)."""
    return make_table(name, sortable=False)


def _date_edit() -> QDateEdit:
    edit = QDateEdit(QDate.currentDate())
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.setEnabled(False)
    return edit


class LookupView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lookup_view")

        # -- search ----------------------------------------------------------------------
        self.code = QLineEdit()
        self.code.setObjectName("lookup_code")
        self.code.setPlaceholderText("Quét hoặc gõ mã hồ sơ rồi nhấn Enter")
        self.open_button = QPushButton("Mở hồ sơ")
        code_row = QHBoxLayout()
        code_row.addWidget(self.code, 1)
        code_row.addWidget(self.open_button)

        self.text = QLineEdit()
        self.text.setObjectName("lookup_text")
        self.text.setPlaceholderText("Họ tên (có hoặc không dấu), số định danh, điện thoại, mã")
        self.procedure = QLineEdit()
        self.procedure.setPlaceholderText("Mã thủ tục")
        self.status = QComboBox()
        self.status.addItem("Tất cả", None)
        for status in Status:
            self.status.addItem(strings.STATUS_LABELS[status], int(status))
        self.use_from = QCheckBox("Từ ngày")
        self.date_from = _date_edit()
        self.use_to = QCheckBox("Đến ngày")
        self.date_to = _date_edit()
        self.use_from.toggled.connect(self.date_from.setEnabled)
        self.use_to.toggled.connect(self.date_to.setEnabled)
        self.search_button = QPushButton("Tìm")
        self.search_button.setObjectName("lookup_search")
        search_form = QFormLayout()
        search_form.addRow("Tìm:", self.text)
        search_form.addRow("Thủ tục:", self.procedure)
        search_form.addRow("Trạng thái:", self.status)
        dates = QHBoxLayout()
        dates.addWidget(self.use_from)
        dates.addWidget(self.date_from)
        dates.addWidget(self.use_to)
        dates.addWidget(self.date_to)
        search_form.addRow("Ngày nhận:", dates)
        search_form.addRow("", self.search_button)
        self.result_count = QLabel()
        self.results = _table("lookup_results")
        self.results.setSortingEnabled(True)

        search_box = QGroupBox("Tra cứu hồ sơ")
        sl = QVBoxLayout(search_box)
        sl.addLayout(code_row)
        sl.addLayout(search_form)
        sl.addWidget(self.result_count)
        sl.addWidget(self.results, 1)

        # -- the opened dossier ----------------------------------------------------------
        self.header = QLabel("Chưa mở hồ sơ nào.")
        self.header.setObjectName("dossier_header")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.hand_over_button = QPushButton("Chuyển xử lý")
        self.result_button = QPushButton("Nhận kết quả")
        self.supplement_button = QPushButton("Yêu cầu bổ sung")
        self.supplemented_button = QPushButton("Đã bổ sung đủ")
        self.extend_button = QPushButton("Xin lỗi và gia hạn")
        self.withdraw_button = QPushButton("Công dân rút hồ sơ")
        self.stop_button = QPushButton("Dừng xử lý")
        self.return_button = QPushButton("Trả kết quả")
        self.refuse_button = QPushButton("Từ chối giải quyết")
        self.payment_due_button = QPushButton("Yêu cầu nộp phí")
        self.paid_button = QPushButton("Đã nộp phí")
        self.action_buttons = (
            self.hand_over_button,
            self.result_button,
            self.supplement_button,
            self.supplemented_button,
            self.extend_button,
            self.withdraw_button,
            self.stop_button,
            self.return_button,
            self.refuse_button,
            self.payment_due_button,
            self.paid_button,
        )
        actions = QGridLayout()
        for i, button in enumerate(self.action_buttons):
            button.setEnabled(False)
            actions.addWidget(button, i // 4, i % 4)

        self.message = MessageBanner("lookup_message")

        self.timeline = _table("lookup_timeline")
        self.prints = _table("lookup_prints")
        self.preview_button = QPushButton("Xem phiếu…")
        self.preview_button.setEnabled(False)
        prints_page = QWidget()
        pl = QVBoxLayout(prints_page)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.prints, 1)
        pr = QHBoxLayout()
        pr.addWidget(self.preview_button)
        self.papers_button = QPushButton("Xem bản số hóa…")  # digitised papers (issue 15)
        self.papers_button.setEnabled(False)
        pr.addWidget(self.papers_button)
        pr.addStretch(1)
        pl.addLayout(pr)
        self.return_info = QLabel("Chưa trả kết quả.")
        self.return_info.setObjectName("return_info")
        self.return_info.setWordWrap(True)
        self.return_info.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.return_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.timeline, "Quá trình xử lý")
        self.tabs.addTab(prints_page, "Phiếu đã in")
        self.tabs.addTab(self.return_info, "Trả kết quả và đánh giá")
        self.signatures = _table("lookup_signatures")
        self.tabs.addTab(self.signatures, "Chữ ký số")

        dossier_box = QGroupBox("Hồ sơ")
        dl = QVBoxLayout(dossier_box)
        dl.addWidget(self.message)
        dl.addWidget(self.header)
        dl.addLayout(actions)
        dl.addWidget(self.tabs, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(search_box)
        splitter.addWidget(dossier_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def set_message(self, text: str, *, error: bool = False, warning: bool = False) -> None:
        kind = "error" if error else "warning" if warning else "info"
        self.message.show_message(text, kind=kind)
