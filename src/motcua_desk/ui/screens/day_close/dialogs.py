"""A supervisor's approval: user name, password and a note or reason.

The OK button does not close the dialog: it emits ``submitted`` and the controller checks the
password on the db lane, then accepts the dialog or shows the error in it (the password is
typed again; the rest stays).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.ui.scanner import EXEMPT_PROPERTY


class SupervisorDialog(QDialog):
    #: The OK button was pressed (the values are read with :meth:`values`).
    submitted = Signal()

    def __init__(
        self,
        title: str,
        explanation: str,
        text_label: str,
        ok_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("supervisor_dialog")
        self.setWindowTitle(title)
        self.explanation = QLabel(explanation)
        self.explanation.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setObjectName("supervisor_username")
        self.password = QLineEdit()
        self.password.setObjectName("supervisor_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setProperty(EXEMPT_PROPERTY, True)
        self.text = QLineEdit()
        self.text.setObjectName("supervisor_text")
        self.error_label = QLabel()
        self.error_label.setObjectName("supervisor_error")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        form = QFormLayout()
        form.addRow("Tài khoản lãnh đạo:", self.username)
        form.addRow("Mật khẩu:", self.password)
        form.addRow(text_label, self.text)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setDefault(True)
        self.ok_button = ok
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("Hủy")
        # Enter never means cancel (issue 12 §2): while OK is disabled during the check,
        # focus passing over this button must not make it the default one.
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self.submitted.emit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def values(self) -> tuple[str, str, str]:
        """User name, password and the note or reason as typed."""
        return self.username.text().strip(), self.password.text(), self.text.text().strip()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def set_busy(self, busy: bool) -> None:
        for w in (self.username, self.password, self.text, self.ok_button):
            w.setEnabled(not busy)
        if not busy:
            self.ok_button.setDefault(True)
