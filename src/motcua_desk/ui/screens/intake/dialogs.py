"""Small modal prompts of the intake screen (replaceable in tests)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.domain.text import normalize


def confirm(parent: QWidget | None, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Xác nhận",
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_reason(parent: QWidget | None, title: str, prompt: str) -> str | None:
    text, ok = QInputDialog.getMultiLineText(parent, title, prompt)
    reason = normalize(text)
    return reason if ok and reason else None


class SupplementDialog(QDialog):
    """Every missing paper at once (ask once, NĐ 61 Art. 15.3), plus the reason."""

    def __init__(self, missing: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)")
        self.items = QListWidget()
        for name in missing:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.items.addItem(item)
        self.reason = QPlainTextEdit()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Giấy tờ cần bổ sung (liệt kê đầy đủ một lần):"))
        layout.addWidget(self.items)
        layout.addWidget(QLabel("Lý do / hướng dẫn:"))
        layout.addWidget(self.reason)
        layout.addWidget(buttons)

    def result_value(self) -> tuple[tuple[str, ...], str]:
        chosen = tuple(
            self.items.item(i).text()
            for i in range(self.items.count())
            if self.items.item(i).checkState() == Qt.CheckState.Checked
        )
        return chosen, normalize(self.reason.toPlainText())


def ask_supplement(
    parent: QWidget | None, missing: list[str]
) -> tuple[tuple[str, ...], str] | None:
    dialog = SupplementDialog(missing, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    chosen, reason = dialog.result_value()
    return (chosen, reason) if chosen else None
