"""Settings page layout: unit, codes and deadlines, scanner, printing, server, holidays."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.printing.paper_layouts import PAPERS_BY_DOC
from motcua_desk.ui import strings
from motcua_desk.ui.fit import MessageBanner, page_layout
from motcua_desk.ui.screens.home.view import _table

from .scanner import ScannerSection

DOC_LABELS = {
    "receipt": "Giấy tiếp nhận (Mẫu 01)",
    "supplement": "Phiếu bổ sung (Mẫu 02)",
    "refusal": "Phiếu từ chối (Mẫu 03)",
}


class Field:
    """An input with its error label, placed as one form row."""

    def __init__(self, widget: QWidget) -> None:
        self.widget = widget
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.box = QWidget()
        layout = QVBoxLayout(self.box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
        layout.addWidget(self.error)

    def set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))


def _line(name: str, placeholder: str = "") -> QLineEdit:
    w = QLineEdit()
    w.setObjectName(name)
    w.setPlaceholderText(placeholder)
    return w


class SettingsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_view")
        self.fields: dict[str, Field] = {}

        def add(form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
            field = Field(widget)
            self.fields[key] = field
            form.addRow(label, field.box)

        unit = QGroupBox("Đơn vị")
        uf = QFormLayout(unit)
        add(uf, "agency_id", "Mã định danh đơn vị:", _line("agency_id", "000.00.06.H56"))
        add(uf, "agency_name", "Tên đơn vị:", _line("agency_name"))
        add(uf, "managing_body", "Cơ quan chủ quản:", _line("managing_body"))
        add(uf, "counter_name", "Quầy:", _line("counter_name"))
        add(uf, "place_name", "Địa danh (ghi trên phiếu):", _line("place_name"))
        add(uf, "province", "Tỉnh:", _line("province"))

        rules = QGroupBox("Mã hồ sơ và thời hạn")
        rf = QFormLayout(rules)
        add(rf, "code_pattern", "Mẫu mã hồ sơ:", _line("code_pattern"))
        add(rf, "cutoff", "Giờ chốt nhận trong ngày:", _line("cutoff", "15:00"))
        self.saturdays = QCheckBox("Thứ Bảy là ngày làm việc")
        add(rf, "saturdays_count", "", self.saturdays)
        self.makeup = QCheckBox("Tính ngày làm bù (thứ Bảy làm bù) là ngày làm việc")
        add(rf, "makeup_days_count", "", self.makeup)
        self.supplement_clock = QComboBox()
        self.supplement_clock.addItem("Tính lại từ đầu khi đủ hồ sơ", "restart")
        self.supplement_clock.addItem("Tạm dừng rồi tính tiếp", "pause")
        add(rf, "supplement_clock", "Thời hạn khi bổ sung:", self.supplement_clock)
        self.near_due = QSpinBox()
        self.near_due.setRange(0, 30)
        add(rf, "near_due_days", "Cảnh báo sắp đến hạn (ngày):", self.near_due)
        # Issue 13: fee timing proposed at intake; postal delivery attempts (QĐ 45/2016).
        self.fee_timing = QComboBox()
        for value, label in strings.FEE_TIMINGS.items():
            self.fee_timing.addItem(label, value)
        add(rf, "default_fee_timing", "Thu phí (mặc định):", self.fee_timing)
        self.postal_attempts = QSpinBox()
        self.postal_attempts.setRange(0, 9)
        add(rf, "postal_delivery_attempts", "Số lần phát bưu gửi:", self.postal_attempts)
        self.postal_gap = QSpinBox()
        self.postal_gap.setRange(0, 30)
        add(rf, "postal_attempt_gap_days", "Cách nhau (ngày làm việc):", self.postal_gap)

        printing = QGroupBox("In phiếu")
        pf = QFormLayout(printing)
        add(
            pf,
            "qr_lookup_template",
            "Đường dẫn tra cứu (QR):",
            _line("qr_lookup_template", "https://dichvucong.../tra-cuu?ma={code}"),
        )
        self.due_wording = QComboBox()
        self.due_wording.addItem("Theo cách làm tròn giờ hẹn", "auto")
        self.due_wording.addItem("“Vào lúc … giờ … phút”", "at")
        self.due_wording.addItem("“Sau … giờ”", "after")
        add(pf, "due_time_wording", "Cách ghi giờ hẹn trả (Mẫu 01):", self.due_wording)
        add(pf, "signer_title", "Chức danh người ký Mẫu 04, 05:", _line("signer_title"))
        add(pf, "signer_name", "Họ tên người ký Mẫu 04, 05:", _line("signer_name"))
        add(pf, "ledger_book_no", "Quyển sổ theo dõi (Mẫu 07) số:", _line("ledger_book_no", "01"))
        self.papers: dict[str, QComboBox] = {}
        self.printers: dict[str, QComboBox] = {}
        for doc, label in DOC_LABELS.items():
            paper = QComboBox()
            paper.addItems(list(PAPERS_BY_DOC[doc]))  # only what the form renders
            printer = QComboBox()
            printer.setEditable(True)
            self.papers[doc] = paper
            self.printers[doc] = printer
            row = QWidget()
            rl = QHBoxLayout(row)
            rl.setContentsMargins(0, 0, 0, 0)
            rl.addWidget(paper)
            rl.addWidget(printer, 1)
            pf.addRow(f"{label}:", row)
        self.fields["paper_sizes"] = Field(QLabel())
        pf.addRow("", self.fields["paper_sizes"].box)

        server = QGroupBox("Máy chủ tỉnh và sao lưu")
        sf = QFormLayout(server)
        add(sf, "server_url", "Địa chỉ máy chủ:", _line("server_url", "https://"))
        add(sf, "ca_bundle", "Tệp chứng chỉ CA:", _line("ca_bundle"))
        self.keep_days = QSpinBox()
        self.keep_days.setRange(1, 3650)
        add(sf, "backup_keep_days", "Giữ bản sao lưu hằng ngày (ngày):", self.keep_days)
        self.allow_http = QCheckBox("Cho phép máy chủ http:// không mã hóa (chỉ trong mạng nội bộ)")
        self.allow_http.setObjectName("allow_insecure_http")
        sf.addRow("", self.allow_http)
        self.audit_button = QPushButton("Kiểm tra nhật ký")
        self.audit_button.setObjectName("check_audit")
        self.audit_status = QLabel()
        self.audit_status.setObjectName("audit_status")
        self.audit_status.setWordWrap(True)
        sf.addRow(self.audit_button, self.audit_status)
        self.unlock_name = _line("unlock_username", "Tên đăng nhập bị khóa")
        self.unlock_button = QPushButton("Mở khóa tài khoản")
        self.unlock_button.setObjectName("unlock_user")
        sf.addRow(self.unlock_button, self.unlock_name)

        self.message = MessageBanner("settings_message")
        self.save_button = QPushButton("Lưu cấu hình")
        self.save_button.setObjectName("save_settings")

        holidays = QGroupBox("Ngày nghỉ lễ, nghỉ bù, làm bù")
        hl = QVBoxLayout(holidays)
        self.days = _table("calendar_days")
        hl.addWidget(self.days)
        self.day_date = QDateEdit()
        self.day_date.setCalendarPopup(True)
        self.day_date.setDisplayFormat("dd/MM/yyyy")
        self.day_kind = QComboBox()
        self.day_kind.addItem("Nghỉ lễ", "holiday")
        self.day_kind.addItem("Nghỉ bù", "substitute_day_off")
        self.day_kind.addItem("Làm bù", "makeup_workday")
        self.day_name = _line("day_name", "Tên ngày (ví dụ: Tết Nguyên đán)")
        self.add_day_button = QPushButton("Thêm / sửa ngày")
        self.remove_day_button = QPushButton("Xóa ngày đã chọn")
        day_row = QHBoxLayout()
        for w in (
            self.day_date,
            self.day_kind,
            self.day_name,
            self.add_day_button,
            self.remove_day_button,
        ):
            day_row.addWidget(w)
        hl.addLayout(day_row)

        content = QWidget()
        grid = QHBoxLayout(content)
        left = QVBoxLayout()
        left.addWidget(unit)
        left.addWidget(rules)
        self.scanner = ScannerSection()
        left.addWidget(self.scanner)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(printing)
        right.addWidget(server)
        right.addWidget(holidays, 1)
        grid.addLayout(left, 1)
        grid.addLayout(right, 1)
        self.days.setMinimumHeight(160)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        page_layout(self, self.message, content, save_row)
