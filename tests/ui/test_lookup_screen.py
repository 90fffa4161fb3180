"""Lookup screen on the real services: open by code with the timeline, search, and each
transition through its dialog with the slip printed and recorded (issue 5)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLabel

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, ChecklistItem, Dossier, Person, Status
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.ui.changes import ChangeSet
from motcua_desk.ui.screens.lookup import dialogs
from motcua_desk.ui.screens.lookup.controller import LookupController
from motcua_desk.ui.tasks import TaskRunner

from .fakes import Clock, FakePrinterBackend

UNIT = UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa")
HOA = Person(
    "Lê Thị Hoa",
    "038195001234",
    phone="0912345678",
    address="Thanh Hóa",
    kind=ApplicantKind.CITIZEN,
)
BINH = Person("Nguyễn Văn Bình", "038090004321", address="Thanh Hóa", kind=ApplicantKind.CITIZEN)
HEALTH_CARD = "1.014137"
PAPERS = (
    ChecklistItem("Tờ khai tham gia bảo hiểm y tế", received=True),
    ChecklistItem("Giấy xác nhận cư trú", received=True),
)
MONDAY = datetime(2023, 10, 2, 9, 0, tzinfo=OFFICE_TZ)


@dataclass
class Page:
    ctx: Any
    clock: Clock
    admin: Any
    controller: LookupController
    backend: FakePrinterBackend
    qtbot: Any
    dialogs: list[QDialog] = field(default_factory=list)

    def receive(self, person: Person = HOA) -> Dossier:
        return self.ctx.reception.receive(
            IntakeDraft(HEALTH_CARD, person, checklist=PAPERS), self.admin
        ).value

    def open(self, code: str, typed: str = "") -> None:
        c = self.controller
        c.file = None
        c.open_code(typed or code)
        self.qtbot.waitUntil(lambda: c.file is not None and c.file.dossier.code == code)

    def answer(self, fill: Callable[[Any], None]) -> None:
        """The next dialog is filled by ``fill`` and its "Đồng ý" button pressed."""

        def run(dialog: QDialog) -> bool:
            self.dialogs.append(dialog)
            fill(dialog)
            dialog.ok_button.click()  # type: ignore[attr-defined]
            return dialog.result() == QDialog.DialogCode.Accepted

        self.controller.run_dialog = run

    def status(self) -> Status:
        assert self.controller.file is not None
        return self.controller.file.dossier.status

    def wait_status(self, status: Status) -> None:
        self.qtbot.waitUntil(lambda: self.controller.file is not None and self.status() is status)

    def wait_printed(self, dossier: Dossier, doc_type: str, count: int = 1) -> None:
        def done() -> bool:
            jobs = self.ctx.documents.print_history(dossier.id)
            return sum(j.doc_type == doc_type and j.outcome == "sent" for j in jobs) == count

        self.qtbot.waitUntil(done, timeout=10000)
        titles = [title for _, _, _, title in self.backend.jobs]
        assert titles.count(f"{doc_type}-{dossier.code}") == count

    def message(self) -> str:
        return str(self.controller.view.message.text())

    def timeline_labels(self) -> list[str]:
        model = self.controller.timeline
        return [model.row_value(r).label for r in range(model.rowCount())]


@pytest.fixture
def page(qtbot: Any, tmp_path: Path) -> Iterator[Page]:
    clock = Clock(MONDAY)
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    runner = TaskRunner()
    backend = FakePrinterBackend()
    controller = LookupController(ctx, runner, admin, backend=backend)
    qtbot.addWidget(controller.view)
    yield Page(ctx, clock, admin, controller, backend, qtbot)
    runner.shutdown()


def test_open_by_code_shows_header_timeline_and_prints(page: Page) -> None:
    d = page.receive()
    doc = page.ctx.documents.render("receipt", d)
    page.ctx.documents.record_print(doc, printer="quay-1", outcome="sent", clerk=page.admin)

    page.open(d.code, f"  {d.code.lower()} ")  # a typed code: case and spaces forgiven
    c = page.controller
    header = c.view.header.text()
    assert d.code in header and "Lê Thị Hoa" in header and "Đã tiếp nhận" in header
    assert c.view.code.text() == d.code.lower()
    rows = [c.timeline.row_value(r) for r in range(c.timeline.rowCount())]
    assert [r.label for r in rows] == [
        "Tiếp nhận hồ sơ",
        "In Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)",
    ]
    assert rows[0].actor == "Nguyễn Văn An"  # the full name, not the username
    assert c.timeline.index(0, 0).data() == "02/10/2023 09:00"  # office time, not UTC
    assert "máy in quay-1" in rows[1].detail
    assert c.prints.rowCount() == 1
    assert c.prints.index(0, 4).data() == "Nguyễn Văn An"
    assert "Chưa trả kết quả" in c.view.return_info.text()
    v = c.view
    assert v.hand_over_button.isEnabled() and v.supplement_button.isEnabled()
    assert v.withdraw_button.isEnabled() and v.extend_button.isEnabled()
    assert not v.return_button.isEnabled() and not v.supplemented_button.isEnabled()

    c.open_code("000.00.06.H56-231002-9999")
    page.qtbot.waitUntil(lambda: "Không tìm thấy hồ sơ" in page.message())


def test_search_with_and_without_diacritics(page: Page) -> None:
    hoa = page.receive(HOA)
    page.clock.now = MONDAY + timedelta(days=1)
    binh = page.receive(BINH)
    c, v = page.controller, page.controller.view

    def found(text: str) -> list[str]:
        c.results.set_rows([])
        v.result_count.setText("")
        v.text.setText(text)
        v.search_button.click()
        page.qtbot.waitUntil(lambda: v.result_count.text() != "")
        return [d.code for d in c.results.rows()]

    assert found("Lê Thị Hoa") == [hoa.code]
    assert found("le thi hoa") == [hoa.code]
    assert found("NGUYEN VAN BINH") == [binh.code]
    assert found("038195001234") == [hoa.code]
    assert found("0912345678") == [hoa.code]
    assert found("") == [binh.code, hoa.code]  # newest first
    assert found("không có ai") == []
    assert v.result_count.text() == "Không tìm thấy hồ sơ nào."

    v.use_from.setChecked(True)
    v.date_from.setDate(v.date_from.date().fromString("03/10/2023", "dd/MM/yyyy"))
    assert found("") == [binh.code]
    v.use_to.setChecked(True)
    v.date_to.setDate(v.date_to.date().fromString("01/10/2023", "dd/MM/yyyy"))
    found("")
    assert "“Đến ngày” phải sau" in v.result_count.text()
    v.use_from.setChecked(False)
    v.use_to.setChecked(False)
    v.status.setCurrentIndex(v.status.findData(int(Status.PROCESSING)))
    assert found("") == []

    # Opening a result loads its dossier.
    v.status.setCurrentIndex(0)
    found("binh")
    c.file = None
    c.view.results.doubleClicked.emit(c.results_proxy.index(0, 0))
    page.qtbot.waitUntil(lambda: c.file is not None and c.file.dossier.code == binh.code)


def test_hand_over_prints_mau_06_then_result_then_return(page: Page) -> None:
    d = page.receive()
    page.open(d.code)
    c = page.controller

    def fill(dialog: dialogs.HandOverDialog) -> None:
        dialog.department.setCurrentText("Phòng Văn hóa - Xã hội")
        dialog.note.setText("Hồ sơ gốc 1 bộ")

    page.answer(fill)
    with page.qtbot.waitSignal(c.dossier_changed) as changed:
        c.view.hand_over_button.click()
    assert changed.args == [d.id]
    page.wait_status(Status.PROCESSING)
    page.wait_printed(d, "control_slip")
    page.qtbot.waitUntil(lambda: c.prints.rowCount() == 1)  # reloaded after the print record
    assert "Chuyển hồ sơ cho bộ phận xử lý" in page.timeline_labels()
    assert any("Phòng Văn hóa - Xã hội" in c.timeline.row_value(r).detail for r in range(3))
    assert "Đã gửi Phiếu kiểm soát" in page.message()
    assert not c.view.hand_over_button.isEnabled()

    page.answer(lambda dialog: dialog.note.setText("Kết quả: thẻ BHYT"))
    c.view.result_button.click()
    page.wait_status(Status.PROCESSED)
    v = c.view
    assert v.return_button.isEnabled()
    assert not any(b.isEnabled() for b in (v.result_button, v.supplement_button, v.withdraw_button))
    with page.qtbot.waitSignal(c.return_requested) as returned:
        v.return_button.click()
    assert returned.args == [d.code]


def test_supplement_warns_late_and_second_and_prints_mau_02(page: Page) -> None:
    d = page.receive()
    page.clock.now = MONDAY + timedelta(days=7)  # the 3-working-day window has passed
    page.open(d.code)
    c = page.controller

    def fill(dialog: dialogs.SupplementDialog) -> None:
        assert dialog.findChild(QLabel, "second_supplement_warning") is None
        assert dialog.missing() == ()  # every required paper was received
        dialog.check("Giấy xác nhận cư trú")
        dialog.other.setText("Bản sao giấy khai sinh")
        dialog.reason.setPlainText("Giấy xác nhận cư trú đã hết hạn")

    page.answer(fill)
    c.view.supplement_button.click()
    page.wait_status(Status.SUPPLEMENT)
    page.wait_printed(d, "supplement")
    assert "quá thời hạn quy định (sau ngày 05/10/2023)" in page.message()
    assert page.timeline_labels()[1] == "Yêu cầu bổ sung, hoàn thiện hồ sơ"
    entry = c.timeline.row_value(1)
    assert "Giấy xác nhận cư trú; Bản sao giấy khai sinh" in entry.detail
    assert c.view.supplemented_button.isEnabled()

    old_due = c.file.dossier.due_at if c.file else None
    page.answer(lambda dialog: None)
    c.view.supplemented_button.click()
    page.wait_status(Status.RECEIVED)
    assert c.file is not None and c.file.dossier.due_at != old_due  # the clock restarted
    assert "Công dân đã bổ sung đủ hồ sơ" in page.timeline_labels()

    def fill_again(dialog: dialogs.SupplementDialog) -> None:
        warning = dialog.findChild(QLabel, "second_supplement_warning")
        assert warning is not None and "1 lần" in warning.text()
        dialog.other.setText("Ảnh 3x4")
        dialog.reason.setPlainText("Thiếu ảnh")

    page.answer(fill_again)
    c.view.supplement_button.click()
    page.wait_status(Status.SUPPLEMENT)
    assert "yêu cầu bổ sung thứ hai" in page.message()
    page.wait_printed(d, "supplement", count=2)  # a new Mẫu 02, recorded with why


def test_extension_prints_mau_04_once_and_a_second_is_refused(page: Page) -> None:
    d = page.receive()
    assert d.due_at is not None
    page.open(d.code)
    c = page.controller
    new_due = (d.due_at + timedelta(days=7)).astimezone(OFFICE_TZ).replace(second=0)

    def fill(dialog: dialogs.ExtensionDialog) -> None:
        dialog.set_new_due(new_due)
        dialog.reason.setPlainText("Chờ cơ quan BHXH xác minh")

    page.answer(fill)
    c.view.extend_button.click()
    page.wait_printed(d, "apology")
    page.qtbot.waitUntil(lambda: c.file is not None and c.file.dossier.extensions == 1)
    assert c.file is not None and c.file.dossier.due_at == new_due
    assert "đã gia hạn 1 lần" in c.view.header.text()
    assert "Xin lỗi và gia hạn thời gian trả kết quả" in page.timeline_labels()

    page.dialogs.clear()
    c.view.extend_button.click()
    assert page.dialogs == []  # refused before any typing
    assert "chỉ được xin lỗi và hẹn lại ngày trả kết quả một lần" in page.message()


def test_extension_too_late_is_refused_by_the_rule(page: Page) -> None:
    d = page.receive()
    assert d.due_at is not None
    page.clock.now = d.due_at.astimezone(OFFICE_TZ).replace(hour=8)  # on the due date itself
    page.open(d.code)
    c = page.controller

    def fill(dialog: dialogs.ExtensionDialog) -> None:
        dialog.set_new_due(d.due_at + timedelta(days=5))  # type: ignore[operator]
        dialog.reason.setPlainText("Chậm")

    page.answer(fill)
    c.view.extend_button.click()
    page.qtbot.waitUntil(lambda: "Đã quá thời hạn lập phiếu xin lỗi" in page.message())
    assert page.dialogs == []  # refused before the clerk types a reason (issue 12 §2)
    assert page.ctx.lifecycle.get(d.id).extensions == 0
    assert page.backend.jobs == []


@pytest.mark.parametrize(
    ("button", "status"),
    [("withdraw_button", Status.WITHDRAWN), ("stop_button", Status.STOPPED)],
)
def test_withdraw_or_stop_prints_mau_05(page: Page, button: str, status: Status) -> None:
    d = page.receive()
    page.open(d.code)
    c = page.controller
    page.answer(lambda dialog: dialog.reason.setPlainText("Công dân đề nghị rút để bổ sung sau"))
    getattr(c.view, button).click()
    page.wait_status(status)
    page.wait_printed(d, "stop_notice")
    assert not any(b.isEnabled() for b in c.view.action_buttons)


def test_dialog_keeps_open_without_a_reason(page: Page) -> None:
    d = page.receive()
    page.open(d.code)
    c = page.controller
    page.answer(lambda dialog: None)
    c.view.stop_button.click()
    dialog = page.dialogs[-1]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.text() == "Hãy ghi lý do."  # type: ignore[attr-defined]
    assert page.ctx.lifecycle.get(d.id).status is Status.RECEIVED


def test_forbidden_transitions_show_a_message(page: Page) -> None:
    d = page.receive()
    page.open(d.code)
    c = page.controller
    # Withdrawn at another counter while this screen still shows "received".
    page.ctx.lifecycle.withdraw(d.id, page.admin, "Công dân rút")
    assert c.view.hand_over_button.isEnabled()
    page.answer(lambda dialog: dialog.department.setCurrentText("Phòng Kinh tế"))
    c.view.hand_over_button.click()
    page.qtbot.waitUntil(lambda: "Không thể thực hiện" in page.message())
    assert "“Công dân đã rút hồ sơ”" in page.message()
    page.wait_status(Status.WITHDRAWN)  # reloaded: every action is now off
    assert not any(b.isEnabled() for b in c.view.action_buttons)
    assert page.backend.jobs == []

    page.dialogs.clear()
    c.hand_over()  # e.g. a shortcut while the button is off
    assert page.dialogs == []
    assert page.message() == (
        f"Không thể chuyển xử lý: hồ sơ {d.code} đang ở trạng thái “Công dân đã rút hồ sơ”."
    )


def test_reloads_when_the_dossier_changed_elsewhere(page: Page) -> None:
    d = page.receive()
    other = page.receive(BINH)
    page.open(d.code)
    c = page.controller
    page.ctx.lifecycle.hand_over(d.id, page.admin, "Phòng Kinh tế")
    c.on_data_changed(ChangeSet.of("dossier", codes=(other.code,)))  # not this one
    c.on_data_changed(ChangeSet.of("dossier", codes=(d.code,)))
    page.wait_status(Status.PROCESSING)


def test_failed_print_is_shown_and_the_archived_slip_can_be_previewed_and_reprinted(
    page: Page,
) -> None:
    d = page.receive()
    page.open(d.code)
    c = page.controller
    page.backend.fail = True
    page.answer(lambda dialog: dialog.reason.setPlainText("Công dân rút hồ sơ"))
    c.view.withdraw_button.click()
    page.qtbot.waitUntil(lambda: "In không thành công" in page.message(), timeout=10000)
    assert "Đã ghi: công dân rút hồ sơ" in page.message()  # the withdrawal itself is saved
    page.qtbot.waitUntil(lambda: c.prints.rowCount() == 1)
    assert c.prints.index(0, 3).data() == "In không thành công"

    page.backend.fail = False
    c.view.prints.selectRow(0)
    c.view.preview_button.click()
    page.qtbot.waitUntil(lambda: len(c.previews) == 1)
    preview = c.previews[0]
    assert preview.page_count >= 1 and preview.doc.doc_type == "stop_notice"
    c.ask_reprint_reason = lambda: "In lại sau khi máy in hoạt động"
    preview.print_button.click()
    page.wait_printed(d, "stop_notice")
    jobs = page.ctx.documents.print_history(d.id)
    assert [j.outcome for j in jobs] == ["failed", "sent"]
    assert jobs[-1].reprint_reason == "In lại sau khi máy in hoạt động"
    page.qtbot.waitUntil(lambda: c.previews == [])  # closed after "In" and deleted


def test_extension_refuses_a_not_later_date_before_the_reason(page: Page) -> None:
    from PySide6.QtCore import Qt

    d = page.receive()
    assert d.due_at is not None
    page.open(d.code)
    c = page.controller
    seen: list[dialogs.ExtensionDialog] = []

    def fill(dialog: dialogs.ExtensionDialog) -> None:
        seen.append(dialog)
        dialog.set_new_due(d.due_at - timedelta(days=1))  # type: ignore[operator]
        assert "phải sau ngày hẹn trả hiện tại" in dialog.error.text()
        assert not dialog.reason.isEnabled() and not dialog.ok_button.isEnabled()
        dialog.set_new_due(d.due_at + timedelta(days=3))  # type: ignore[operator]
        assert dialog.error.text() == ""
        assert dialog.reason.isEnabled() and dialog.ok_button.isEnabled()
        # Tab leaves the date field for the reason (not the date's next part).
        dialog.show()
        page.qtbot.waitExposed(dialog)
        dialog.activateWindow()
        dialog.new_due.setFocus()
        page.qtbot.waitUntil(dialog.new_due.hasFocus)
        page.qtbot.keyClick(dialog.new_due, Qt.Key.Key_Tab)
        page.qtbot.waitUntil(dialog.reason.hasFocus)

    page.answer(fill)
    c.view.extend_button.click()
    assert len(seen) == 1
