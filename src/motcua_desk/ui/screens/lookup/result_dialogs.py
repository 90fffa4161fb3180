"""Dialogs of the issue 13 transitions: refusal after appraisal (Mẫu 03) and fees (status 6).

Built on the lookup screen's dialog base: checked on "Đồng ý", plain values from ``value()``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QSpinBox, QWidget

from motcua_desk.domain.dossier import Dossier, Status
from motcua_desk.domain.fees import MAX_FEE_VND
from motcua_desk.domain.text import normalize

from .dialogs import _Dialog, _text_box


class RefusalDialog(_Dialog):
    """Mẫu 03 after appraisal: the reason, and the papers handed back to the citizen."""

    def __init__(self, dossier: Dossier, parent: QWidget | None = None) -> None:
        super().__init__("Từ chối giải quyết hồ sơ (Mẫu 03)", dossier, parent)
        self.explain(
            "Cơ quan giải quyết đã thẩm định và từ chối giải quyết. Phiếu từ chối (Mẫu 03) là "
            "kết quả của hồ sơ; đánh dấu giấy tờ trả lại cho công dân."
        )
        self.papers = QListWidget()
        self.papers.setObjectName("refusal_papers")
        for item in dossier.checklist:
            if item.received:
                row = QListWidgetItem(item.name)
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(Qt.CheckState.Checked)
                self.papers.addItem(row)
        self.reason = _text_box()
        self.layout_.addWidget(QLabel("Giấy tờ trả lại công dân:"))
        self.layout_.addWidget(self.papers)
        self.form.addRow("Lý do từ chối:", self.reason)
        self._finish()

    def returned(self) -> tuple[str, ...]:
        return tuple(
            self.papers.item(i).text()
            for i in range(self.papers.count())
            if self.papers.item(i).checkState() == Qt.CheckState.Checked
        )

    def problem(self) -> str:
        return "" if normalize(self.reason.toPlainText()) else "Hãy ghi lý do từ chối."

    def value(self) -> tuple[str, tuple[str, ...]]:
        return normalize(self.reason.toPlainText()), self.returned()


class PaymentDialog(_Dialog):
    """Status 6: the amount asked (with a note), or the amount paid (with its receipt)."""

    def __init__(
        self, title: str, dossier: Dossier, *, paid: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, dossier, parent)
        self.paid = paid
        self.amount = QSpinBox()
        self.amount.setRange(0, MAX_FEE_VND)
        self.amount.setSingleStep(1000)
        self.amount.setGroupSeparatorShown(True)
        self.amount.setSuffix(" đồng")
        self.amount.setValue(dossier.fee_vnd or 0)
        self.text = QLineEdit()
        self.form.addRow("Số tiền:", self.amount)
        self.form.addRow("Số biên lai:" if paid else "Nội dung:", self.text)
        self._finish()

    def problem(self) -> str:
        if self.amount.value() <= 0:
            return "Hãy nhập số tiền."
        if self.paid and not normalize(self.text.text()):
            return "Hãy nhập số biên lai."
        return ""

    def value(self) -> tuple[int, str]:
        return self.amount.value(), normalize(self.text.text())


# -- the lookup controller's actions (kept here so the controller stays short) -------------


def refuse_after_appraisal(ctrl: Any) -> None:
    """Mẫu 03 as the result after appraisal (issue 13), printed after."""
    d = ctrl._current(Status.REFUSED, "từ chối giải quyết")  # noqa: SLF001
    if d is None:
        return
    dialog = RefusalDialog(d, ctrl.view)
    if not ctrl.run_dialog(dialog):
        return
    reason, papers = dialog.value()
    lifecycle, user, dossier_id = ctrl.ctx.lifecycle, ctrl.user, d.id
    ctrl._record(  # noqa: SLF001
        "từ chối giải quyết",
        lambda: lifecycle.refuse_after_appraisal(dossier_id, user, reason, papers),
        "refusal",
    )


def request_payment(ctrl: Any) -> None:
    """Status 6: the citizen must pay before processing goes on."""
    d = ctrl._current(Status.PAYMENT_DUE, "yêu cầu nộp phí")  # noqa: SLF001
    if d is None:
        return
    dialog = PaymentDialog("Yêu cầu thực hiện nghĩa vụ tài chính", d, paid=False)
    if not ctrl.run_dialog(dialog):
        return
    amount, note = dialog.value()
    lifecycle, user, dossier_id = ctrl.ctx.lifecycle, ctrl.user, d.id
    ctrl._record(  # noqa: SLF001
        "yêu cầu nộp phí", lambda: lifecycle.request_payment(dossier_id, user, amount, note)
    )


def payment_received(ctrl: Any) -> None:
    """The citizen paid what status 6 asked: the receipt is recorded, processing resumes."""
    d = ctrl._current(Status.PROCESSING, "ghi nhận đã nộp phí")  # noqa: SLF001
    if d is None:
        return
    dialog = PaymentDialog("Công dân đã nộp phí, lệ phí", d, paid=True)
    if not ctrl.run_dialog(dialog):
        return
    amount, receipt_no = dialog.value()
    lifecycle, user, dossier_id = ctrl.ctx.lifecycle, ctrl.user, d.id
    ctrl._record(  # noqa: SLF001
        "đã nộp phí", lambda: lifecycle.payment_received(dossier_id, user, amount, receipt_no)
    )
