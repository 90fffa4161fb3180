"""First-run wizard pages."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget, QWizard, QWizardPage

from motcua_desk.ui import strings
from motcua_desk.ui.scanner import EXEMPT_PROPERTY

UNIT_FIELDS = (
    ("agency_id", "Mã định danh đơn vị (ví dụ 000.00.06.H56):"),
    ("agency_name", "Tên đơn vị:"),
    ("managing_body", "Cơ quan chủ quản:"),
    ("counter_name", "Tên quầy / bộ phận:"),
    ("place_name", "Địa danh (in trên phiếu):"),
    ("province", "Tỉnh, thành phố:"),
)
ADMIN_FIELDS = (
    ("admin_username", "Tên đăng nhập quản trị:"),
    ("admin_full_name", "Họ và tên:"),
    ("password", "Mật khẩu:"),
    ("password2", "Nhập lại mật khẩu:"),
)


def _form_page(title: str, subtitle: str, fields: tuple[tuple[str, str], ...]) -> QWizardPage:
    page = QWizardPage()
    page.setTitle(title)
    page.setSubTitle(subtitle)
    form = QFormLayout(page)
    page.edits = {}  # type: ignore[attr-defined]
    for name, label in fields:
        edit = QLineEdit()
        edit.setObjectName(name)
        if name.startswith("password"):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setProperty(EXEMPT_PROPERTY, True)
        form.addRow(label, edit)
        page.edits[name] = edit  # type: ignore[attr-defined]
    error = QLabel()
    error.setObjectName(f"{fields[0][0]}_page_error")
    error.setStyleSheet("color: #b00020;")
    error.setWordWrap(True)
    form.addRow(error)
    page.error_label = error  # type: ignore[attr-defined]
    return page


class FirstRunView(QWizard):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_run_wizard")
        self.setWindowTitle(f"Thiết lập lần đầu — {strings.APP_TITLE}")
        self.unit_page = _form_page(
            "Thông tin đơn vị",
            "Các thông tin này được in trên phiếu và dùng để cấp mã hồ sơ.",
            UNIT_FIELDS,
        )
        self.admin_page = _form_page(
            "Tài khoản quản trị", "Tài khoản đầu tiên, dùng để tạo tài khoản cán bộ.", ADMIN_FIELDS
        )
        self.addPage(self.unit_page)
        self.addPage(self.admin_page)
        self.setButtonText(QWizard.WizardButton.NextButton, "Tiếp >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< Quay lại")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Hoàn tất")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Hủy")

    def edit(self, name: str) -> QLineEdit:
        for page in (self.unit_page, self.admin_page):
            edits: dict[str, QLineEdit] = page.edits  # type: ignore[attr-defined]
            if name in edits:
                return edits[name]
        raise KeyError(name)
