"""The PIN dialog: the token's user PIN, typed by the clerk, used once and never stored.

The dialog stays open on a wrong PIN and says how many tries the token reports; the controller
does the login off the GUI thread and closes it on success.
"""

from __future__ import annotations

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


class PinDialog(QDialog):
    def __init__(self, certificate_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pin_dialog")
        self.setWindowTitle("Nhập mã PIN thiết bị ký số")
        self.setModal(True)
        self.certificate = QLabel(certificate_text)
        self.certificate.setObjectName("pin_certificate")
        self.certificate.setWordWrap(True)
        self.pin = QLineEdit()
        self.pin.setObjectName("pin_edit")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(64)
        # Never buffered by the barcode-scanner filter, never offered to an input method.
        self.pin.setProperty(EXEMPT_PROPERTY, True)
        self.message = QLabel()
        self.message.setObjectName("pin_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.message.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton("Đăng nhập", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setObjectName("pin_ok")
        self.ok_button.setDefault(True)
        cancel = self.buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("pin_cancel")
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Chứng thư số:", self.certificate)
        form.addRow("Mã PIN:", self.pin)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.pin.setFocus()

    def take_pin(self) -> str:
        """The typed PIN; the field is emptied at once so the PIN does not stay on screen."""
        pin = self.pin.text()
        self.pin.clear()
        return pin

    def busy(self, on: bool) -> None:
        self.ok_button.setEnabled(not on)
        self.pin.setEnabled(not on)

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.busy(False)
        self.pin.setFocus()
