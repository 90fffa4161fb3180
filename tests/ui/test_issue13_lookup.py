"""Issue 13 on the lookup screen: refusal after appraisal prints Mẫu 03; status 6 (payment
due) is asked and paid through dialogs, on the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt

from motcua_desk.domain.dossier import Status
from motcua_desk.services.clock import OFFICE_TZ

from .test_lookup_screen import Page, page  # noqa: F401 - the fixture

__all__ = ["page"]


def _hand_over(page: Page) -> Any:  # noqa: F811
    d = page.receive()
    page.open(d.code)
    c = page.controller
    assert not c.view.refuse_button.isEnabled()  # not appraised: refuse at intake instead
    page.answer(lambda dialog: dialog.department.setCurrentText("Phòng Tư pháp"))
    c.view.hand_over_button.click()
    page.wait_status(Status.PROCESSING)
    page.wait_printed(d, "control_slip")
    return d


def test_refusal_after_appraisal_prints_mau_03(page: Page) -> None:  # noqa: F811
    d = _hand_over(page)
    c = page.controller
    page.qtbot.waitUntil(c.view.refuse_button.isEnabled)

    def fill(dialog: Any) -> None:
        assert dialog.papers.count() == 2
        dialog.papers.item(1).setCheckState(Qt.CheckState.Unchecked)  # kept on file
        dialog.reason.setPlainText("Không đủ điều kiện cấp thẻ")

    page.answer(fill)
    c.view.refuse_button.click()
    page.wait_status(Status.REFUSED)
    page.wait_printed(d, "refusal")
    assert "Từ chối giải quyết hồ sơ sau thẩm định" in page.timeline_labels()
    details = [c.timeline.row_value(r).detail for r in range(c.timeline.rowCount())]
    assert any("Giấy tờ trả lại: Tờ khai tham gia bảo hiểm y tế" in x for x in details)
    assert not any(b.isEnabled() for b in c.view.action_buttons)


def test_payment_due_then_paid(page: Page) -> None:  # noqa: F811
    d = _hand_over(page)
    c = page.controller
    page.qtbot.waitUntil(c.view.payment_due_button.isEnabled)
    assert not c.view.paid_button.isEnabled()

    def ask(dialog: Any) -> None:
        dialog.amount.setValue(30_000)
        dialog.text.setText("Lệ phí cấp thẻ")

    page.answer(ask)
    c.view.payment_due_button.click()
    page.wait_status(Status.PAYMENT_DUE)
    page.qtbot.waitUntil(c.view.paid_button.isEnabled)

    def without_receipt(dialog: Any) -> None:
        dialog.amount.setValue(30_000)

    page.answer(without_receipt)  # stays open: the receipt number is required
    c.view.paid_button.click()
    assert "số biên lai" in page.dialogs[-1].error.text()
    page.answer(lambda dialog: (dialog.amount.setValue(30_000), dialog.text.setText("0000042")))
    c.view.paid_button.click()
    page.wait_status(Status.PROCESSING)
    saved = page.ctx.lifecycle.get(d.id)
    assert (saved.fee_paid_vnd, saved.fee_receipt_no) == (30_000, "0000042")
    assert "Công dân đã nộp phí, lệ phí" in page.timeline_labels()


def test_incomplete_at_intake_completed_prints_the_new_mau_01(page: Page) -> None:  # noqa: F811
    from motcua_desk.services.reception import IntakeDraft

    from .test_lookup_screen import HEALTH_CARD, HOA

    d = page.ctx.reception.request_supplement(
        IntakeDraft(HEALTH_CARD, HOA), page.admin, ("Giấy xác nhận cư trú",), "Thiếu giấy"
    )
    page.open(d.code)
    c = page.controller
    page.qtbot.waitUntil(c.view.supplemented_button.isEnabled)
    page.clock.now = page.clock.now + timedelta(days=3)  # Thu 05/10/2023 09:00
    page.answer(lambda dialog: None)
    c.view.supplemented_button.click()
    page.wait_status(Status.RECEIVED)
    page.wait_printed(d, "receipt")
    # 5 working days after Thu 05/10/2023: Thu 12/10/2023, not the same day.
    assert c.file is not None and c.file.dossier.due_at == datetime(
        2023, 10, 12, 9, 0, tzinfo=OFFICE_TZ
    )
