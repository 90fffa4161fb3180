"""Accounts page and its two dialogs: create an account, set a new password (issue 12 §2)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.ui import strings
from motcua_desk.ui.fit import MessageBanner, make_table, page_layout
from motcua_desk.ui.scanner import EXEMPT_PROPERTY

#: Roles an administrator hands out here (another administrator comes from the first run).
CREATABLE_ROLES = ("clerk", "supervisor")
MIN_PASSWORD = 8


def _password(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setProperty(EXEMPT_PROPERTY, True)
    return edit


class AccountsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accounts_view")
        self.message = MessageBanner("accounts_message")
        self.table = make_table("accounts_table")
        self.create_button = QPushButton("Tạo tài khoản…")
        self.create_button.setObjectName("create_account")
        self.reset_button = QPushButton("Đặt lại mật khẩu…")
        self.reset_button.setObjectName("reset_password")
        self.active_button = QPushButton("Khóa tài khoản")
        self.active_button.setObjectName("toggle_active")
        self.unlock_button = QPushButton("Mở khóa đăng nhập")
        self.unlock_button.setObjectName("unlock_login")
        self.unlock_button.setToolTip(
            "Cho tài khoản bị tạm khóa (do nhập sai mật khẩu nhiều lần) đăng nhập lại."
        )
        for button in (self.reset_button, self.active_button, self.unlock_button):
            button.setEnabled(False)
        actions = QHBoxLayout()
        for button in (
            self.create_button,
            self.reset_button,
            self.active_button,
            self.unlock_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        self.hint = hint = QLabel(
            "Tài khoản bị khóa không đăng nhập được; lịch sử thao tác của tài khoản vẫn được giữ. "
            "Tài khoản nhập sai mật khẩu nhiều lần bị tạm khóa cho đến khi được mở khóa đăng nhập."
        )
        hint.setWordWrap(True)
        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(hint)
        body.addWidget(self.table, 1)
        page_layout(self, self.message, body, actions, scroll=False)

    def set_unlock_only(self) -> None:
        """A supervisor's view: the list, and unlocking locked-out accounts only."""
        for button in (self.create_button, self.reset_button, self.active_button):
            button.hide()
        self.hint.setText(
            "Lãnh đạo xem danh sách tài khoản và mở khóa đăng nhập cho tài khoản bị tạm khóa do "
            "nhập sai mật khẩu nhiều lần; tạo, khóa tài khoản và đặt lại mật khẩu do quản trị "
            "thực hiện."
        )


class _PasswordDialog(QDialog):
    """OK checks the form first; the error stays in the dialog and the typing is kept."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.password = _password("new_password")
        self.repeat = _password("repeat_password")
        self.error = QLabel()
        self.error.setObjectName("account_dialog_error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Lưu")
        self.ok_button.setDefault(True)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("Hủy")
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _add_passwords(self) -> None:
        self.form.addRow("Mật khẩu:", self.password)
        self.form.addRow("Nhập lại mật khẩu:", self.repeat)

    def problem(self) -> str:
        if len(self.password.text()) < MIN_PASSWORD:
            return strings.error_message("weak_password")
        if self.password.text() != self.repeat.text():
            return "Hai lần nhập mật khẩu không giống nhau."
        return ""

    def _try_accept(self) -> None:
        message = self.problem()
        self.error.setText(message)
        if not message:
            self.accept()


class CreateAccountDialog(_PasswordDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Tạo tài khoản", parent)
        self.setObjectName("create_account_dialog")
        self.username = QLineEdit()
        self.username.setObjectName("new_username")
        self.username.setPlaceholderText("chữ không dấu, ví dụ: hangnt")
        self.full_name = QLineEdit()
        self.full_name.setObjectName("new_full_name")
        self.role = QComboBox()
        self.role.setObjectName("new_role")
        for role in CREATABLE_ROLES:
            self.role.addItem(strings.ROLES[role], role)
        self.form.addRow("Tên đăng nhập:", self.username)
        self.form.addRow("Họ và tên:", self.full_name)
        self.form.addRow("Vai trò:", self.role)
        self._add_passwords()
        self.username.setFocus()

    def problem(self) -> str:
        if not self.username.text().strip():
            return strings.field_error("username", "required")
        if not self.full_name.text().strip():
            return strings.field_error("full_name", "required")
        return super().problem()

    def values(self) -> tuple[str, str, str, str]:
        """User name, full name, role value and password."""
        return (
            self.username.text().strip(),
            self.full_name.text(),
            str(self.role.currentData()),
            self.password.text(),
        )


class ResetPasswordDialog(_PasswordDialog):
    def __init__(self, username: str, full_name: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Đặt lại mật khẩu — {username}", parent)
        self.setObjectName("reset_password_dialog")
        self.form.addRow("Tài khoản:", QLabel(f"{username} — {full_name}"))
        self._add_passwords()
        self.password.setFocus()
