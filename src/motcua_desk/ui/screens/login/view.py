"""Login dialog layout."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.ui import strings
from motcua_desk.ui.scanner import EXEMPT_PROPERTY


class LoginView(QDialog):
    """Username, password, and the unit/counter this PC was set up for."""

    def __init__(self, unit_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self.setWindowTitle(f"Đăng nhập — {strings.APP_TITLE}")
        self.unit_label = QLabel(unit_text)
        self.unit_label.setWordWrap(True)
        self.unit_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setProperty(EXEMPT_PROPERTY, True)
        self.error_label = QLabel()
        self.error_label.setObjectName("login_error")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form = QFormLayout()
        form.addRow("Tên đăng nhập:", self.username)
        form.addRow("Mật khẩu:", self.password)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Đăng nhập")
        ok.setDefault(True)
        self.ok_button = ok
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("Thoát")
        # Enter never means cancel (issue 12 §2): while OK is disabled during the check,
        # focus passing over this button must not make it the default one.
        cancel.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.unit_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.username.setFocus()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def set_busy(self, busy: bool) -> None:
        for w in (self.username, self.password, self.ok_button):
            w.setEnabled(not busy)
        if not busy:
            self.ok_button.setDefault(True)
