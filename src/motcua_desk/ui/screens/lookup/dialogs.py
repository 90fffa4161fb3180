"""The transition dialogs of the lookup screen.

Each dialog checks its own input on "Đồng ý" (a missing reason keeps it open with a message)
and hands back plain values with :meth:`value`. The controller opens them through a replaceable
``run_dialog`` so tests can fill the real widgets and press the real buttons.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.domain.dossier import Dossier
from motcua_desk.domain.text import normalize
from motcua_desk.services.clock import OFFICE_TZ, to_local
from motcua_desk.services.lifecycle import MAX_AGENCY_NAME, MAX_COOPERATING
from motcua_desk.ui import strings

from .timeline import fmt_date


class _Dialog(QDialog):
    """OK/Cancel with an error line; subclasses override :meth:`problem`."""

    def __init__(self, title: str, dossier: Dossier, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{title} — {dossier.code}")
        self.dossier = dossier
        self.layout_ = QVBoxLayout(self)
        header = QLabel(
            f"<b>{html.escape(dossier.code)}</b> — {html.escape(dossier.applicant.full_name)}"
        )
        header.setTextFormat(Qt.TextFormat.RichText)
        self.layout_.addWidget(header)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("dialog_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Đồng ý")
        self.ok_button: QPushButton = ok
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)

    def explain(self, text: str) -> None:
        """A wrapped line of explanation above the fields."""
        label = QLabel(text)
        label.setWordWrap(True)
        self.layout_.addWidget(label)

    def _finish(self) -> None:
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.buttons)

    def problem(self) -> str:
        return ""

    def _try_accept(self) -> None:
        message = self.problem()
        self.error.setText(message)
        if not message:
            self.accept()


def _text_box() -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setMaximumHeight(90)
    return box


class HandOverDialog(_Dialog):
    """Chuyển xử lý: the receiving department and a note; Mẫu 06 is printed after."""

    def __init__(
        self, dossier: Dossier, departments: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__("Chuyển hồ sơ cho bộ phận xử lý", dossier, parent)
        self.department = QComboBox()
        self.department.setEditable(True)
        self.department.addItems(departments)
        self.department.setCurrentText(departments[0] if departments else "")
        self.cooperating = QLineEdit()
        self.cooperating.setPlaceholderText("Nếu có; nhiều cơ quan cách nhau bởi dấu chấm phẩy (;)")
        self.note = QLineEdit()
        self.form.addRow("Bộ phận/cán bộ nhận xử lý:", self.department)
        self.form.addRow("Cơ quan phối hợp:", self.cooperating)
        self.form.addRow("Ghi chú:", self.note)
        self.layout_.addWidget(
            QLabel("Sau khi lưu, phần mềm in Phiếu kiểm soát quá trình giải quyết (Mẫu 06).")
        )
        self._finish()

    def agencies(self) -> tuple[str, ...]:
        """The cooperating agencies typed, one per ";"-separated part."""
        parts = (normalize(x) for x in self.cooperating.text().split(";"))
        return tuple(dict.fromkeys(x for x in parts if x))

    def problem(self) -> str:
        if not normalize(self.department.currentText()):
            return "Hãy nhập bộ phận nhận xử lý."
        agencies = self.agencies()
        if len(agencies) > MAX_COOPERATING or any(len(x) > MAX_AGENCY_NAME for x in agencies):
            return (
                f"Tối đa {MAX_COOPERATING} cơ quan phối hợp, "
                f"mỗi tên không quá {MAX_AGENCY_NAME} ký tự."
            )
        return ""

    def value(self) -> tuple[str, str, tuple[str, ...]]:
        return (
            normalize(self.department.currentText()),
            normalize(self.note.text()),
            self.agencies(),
        )


class NoteDialog(_Dialog):
    """Nhận kết quả / Đã bổ sung đủ: a confirmation with an optional note."""

    def __init__(
        self, title: str, text: str, dossier: Dossier, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, dossier, parent)
        self.explain(text)
        self.note = QLineEdit()
        self.form.addRow("Ghi chú:", self.note)
        self._finish()

    def value(self) -> str:
        return normalize(self.note.text())


class SupplementDialog(_Dialog):
    """Mẫu 02 after intake: every missing paper at once, chosen from the checklist."""

    def __init__(self, dossier: Dossier, parent: QWidget | None = None) -> None:
        super().__init__("Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)", dossier, parent)
        if dossier.supplement_requests >= 1:
            warn = QLabel(
                f"Hồ sơ đã được yêu cầu bổ sung {dossier.supplement_requests} lần. Theo quy định "
                "chỉ yêu cầu bổ sung một lần; lần này sẽ bị ghi nhận là sai quy định."
            )
            warn.setObjectName("second_supplement_warning")
            warn.setWordWrap(True)
            warn.setStyleSheet("color: #b26a00;")
            self.layout_.addWidget(warn)
        self.papers = QListWidget()
        self.papers.setObjectName("supplement_papers")
        for item in dossier.checklist:
            row = QListWidgetItem(item.name)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            unticked = item.required and not item.received
            row.setCheckState(Qt.CheckState.Checked if unticked else Qt.CheckState.Unchecked)
            self.papers.addItem(row)
        self.other = QLineEdit()
        self.other.setPlaceholderText("Giấy tờ khác (nếu có), cách nhau bằng dấu ;")
        self.reason = _text_box()
        self.layout_.addWidget(QLabel("Giấy tờ cần bổ sung (liệt kê đầy đủ một lần):"))
        self.layout_.addWidget(self.papers)
        self.form.addRow("Giấy tờ khác:", self.other)
        self.form.addRow("Lý do / hướng dẫn:", self.reason)
        self._finish()

    def check(self, name: str, checked: bool = True) -> None:
        """Tick or untick a paper by name (keyboard users and tests)."""
        for i in range(self.papers.count()):
            row = self.papers.item(i)
            if row.text() == name:
                row.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def missing(self) -> tuple[str, ...]:
        chosen = [
            self.papers.item(i).text()
            for i in range(self.papers.count())
            if self.papers.item(i).checkState() == Qt.CheckState.Checked
        ]
        chosen += [p for p in (normalize(x) for x in self.other.text().split(";")) if p]
        return tuple(dict.fromkeys(chosen))

    def problem(self) -> str:
        if not self.missing():
            return "Hãy chọn ít nhất một giấy tờ cần bổ sung."
        if not normalize(self.reason.toPlainText()):
            return "Hãy ghi lý do hoặc hướng dẫn bổ sung."
        return ""

    def value(self) -> tuple[tuple[str, ...], str]:
        return self.missing(), normalize(self.reason.toPlainText())


def _qdatetime(value: datetime) -> QDateTime:
    local = to_local(value)
    return QDateTime(local.year, local.month, local.day, local.hour, local.minute, 0)


class DateTimeField(QDateTimeEdit):
    """A date and time field that Tab leaves (Qt's moves between its day/month/year parts)."""

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt override
        return QWidget.focusNextPrevChild(self, next)


class ExtensionDialog(_Dialog):
    """Mẫu 04: the new due date (office time) and the reason.

    ``check(new_due)`` returns why a date is refused ("" when fine); it runs as the date
    changes, so a not-later date is refused before the clerk types the reason (issue 12 §2).
    """

    def __init__(
        self,
        dossier: Dossier,
        parent: QWidget | None = None,
        *,
        latest_apology: str = "",
        check: Callable[[datetime], str] | None = None,
    ) -> None:
        super().__init__("Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)", dossier, parent)
        assert dossier.due_at is not None
        current = QLabel(strings.format_datetime(dossier.due_at))
        current.setObjectName("current_due")
        self.form.addRow("Hẹn trả hiện tại:", current)
        if latest_apology:
            self.form.addRow("Lập phiếu chậm nhất:", QLabel(latest_apology))
        self.check = check
        self.new_due = DateTimeField()
        self.new_due.setObjectName("new_due")
        self.new_due.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.new_due.setCalendarPopup(True)
        start = _qdatetime(dossier.due_at).addDays(5)
        self.new_due.setDateTime(start)
        self.reason = _text_box()
        self.form.addRow("Hẹn trả mới:", self.new_due)
        self.form.addRow("Lý do chậm:", self.reason)
        self.layout_.addWidget(
            QLabel(
                "Chỉ được gia hạn một lần, chậm nhất một ngày làm việc trước ngày hẹn trả "
                f"({fmt_date(dossier.due_at)})."
            )
        )
        self._finish()
        self.new_due.dateTimeChanged.connect(self._on_new_due_changed)
        self._on_new_due_changed()

    def date_problem(self) -> str:
        assert self.dossier.due_at is not None
        if self.new_due_value() <= self.dossier.due_at:
            return "Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại."
        return self.check(self.new_due_value()) if self.check is not None else ""

    def _on_new_due_changed(self, *_args: object) -> None:
        message = self.date_problem()
        self.error.setText(message)
        self.reason.setEnabled(not message)
        self.ok_button.setEnabled(not message)

    def set_new_due(self, value: datetime) -> None:
        self.new_due.setDateTime(_qdatetime(value))

    def new_due_value(self) -> datetime:
        qdt = self.new_due.dateTime()
        d, t = qdt.date(), qdt.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=OFFICE_TZ)

    def problem(self) -> str:
        date_problem = self.date_problem()
        if date_problem:
            return date_problem
        if not normalize(self.reason.toPlainText()):
            return "Hãy ghi lý do chậm trả kết quả."
        return ""

    def value(self) -> tuple[datetime, str]:
        return self.new_due_value(), normalize(self.reason.toPlainText())


class ReasonDialog(_Dialog):
    """Công dân rút hồ sơ / Dừng xử lý: a reason; Mẫu 05 is printed after."""

    def __init__(
        self, title: str, text: str, dossier: Dossier, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, dossier, parent)
        self.explain(text)
        self.reason = _text_box()
        self.form.addRow("Lý do:", self.reason)
        self._finish()

    def problem(self) -> str:
        return "" if normalize(self.reason.toPlainText()) else "Hãy ghi lý do."

    def value(self) -> str:
        return normalize(self.reason.toPlainText())


def run_modal(dialog: QDialog) -> bool:
    """Open ``dialog`` modally; True when the clerk accepted it."""
    return dialog.exec() == QDialog.DialogCode.Accepted
