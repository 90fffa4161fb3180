"""End-of-day close page on the real services: figures, supervisor dialog, close and reopen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, Person
from motcua_desk.domain.errors import DayClosedError
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.storage.repositories.users import Role
from motcua_desk.ui.screens.day_close.controller import DayCloseController
from motcua_desk.ui.tasks import TaskRunner

from .fakes import Clock

UNIT = UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa")
HOA = Person("Lê Thị Hoa", "038195001234", address="Thanh Hóa", kind=ApplicantKind.CITIZEN)
HEALTH_CARD = "1.014137"
DAY = date(2026, 10, 22)
SUPERVISOR_PW = "lanh-dao-2026"


@dataclass
class Page:
    ctx: Any
    controller: DayCloseController
    clerk: Any
    supervisor: Any
    runner: TaskRunner


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Any, Any, Any]]:
    clock = Clock(at(2026, 10, 22, 9, 0))
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    supervisor = ctx.accounts.create_user(
        admin, "lanhdao", "Trần Văn Bình", SUPERVISOR_PW, Role.SUPERVISOR
    ).value
    clerk = ctx.accounts.create_user(
        admin, "canbo1", "Lê Văn Cường", "can-bo-2026", Role.CLERK
    ).value
    for minute in (0, 10):
        clock.now = at(2026, 10, 22, 9, minute)
        ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), clerk)
    clock.now = at(2026, 10, 22, 17, 0)
    yield ctx, clerk, supervisor


def make_page(qtbot: Any, ctx: Any, user: Any) -> Page:
    runner = TaskRunner()
    controller = DayCloseController(ctx, runner, user)
    qtbot.addWidget(controller.view)
    controller.view.show()
    qtbot.waitUntil(lambda: controller.summary is not None and not controller.loading)
    return Page(ctx, controller, user, None, runner)


@pytest.fixture
def page(qtbot: Any, world: tuple[Any, Any, Any]) -> Iterator[Page]:
    ctx, clerk, supervisor = world
    p = make_page(qtbot, ctx, clerk)
    p.supervisor = supervisor
    yield p
    p.runner.shutdown()


def ok(dialog: Any) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_summary_and_warnings_are_shown(page: Page) -> None:
    v = page.controller.view
    assert page.controller.day == DAY
    assert v.figures["received"].text() == "2"
    assert v.figures["unprinted"].text() == "2"
    assert v.figures["to_transfer"].text() == "2"
    warnings = [v.warnings.item(i).text() for i in range(v.warnings.count())]
    assert "2 hồ sơ tiếp nhận trong ngày chưa in được giấy tiếp nhận và hẹn trả kết quả." in (
        warnings
    )
    assert any("chưa chuyển cho phòng chuyên môn" in w for w in warnings)
    assert any("chưa gửi được lên máy chủ" in w for w in warnings)
    assert "chưa chốt sổ" in v.state.text()
    assert v.close_button.isEnabled() and not v.reopen_button.isEnabled()
    assert page.controller.model.rowCount() == 0


def test_wrong_password_then_close_then_reopen(qtbot: Any, page: Page) -> None:
    c, v, ctx = page.controller, page.controller.view, page.ctx
    v.close_button.click()
    dialog = c.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.username.text() == ""  # a clerk is signed in: no name to prefill
    dialog.username.setText("lanhdao")
    dialog.password.setText("sai-mat-khau")
    ok(dialog)
    qtbot.waitUntil(lambda: dialog.error_label.text() != "")
    assert dialog.error_label.text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert dialog.isVisible() and dialog.password.text() == ""
    assert not ctx.day_close.is_closed(DAY)

    dialog.password.setText(SUPERVISOR_PW)
    dialog.text.setText("Còn 2 hồ sơ chuyển sáng mai")
    with qtbot.waitSignal(c.day_closed, timeout=5000) as closed:
        ok(dialog)
    assert closed.args[0].closed_by == "lanhdao"
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: "đã chốt sổ lúc" in v.state.text())
    assert "17:00 ngày 22/10/2026" in v.state.text() and "lanhdao" in v.state.text()
    assert ctx.day_close.is_closed(DAY)
    assert not v.close_button.isEnabled() and v.reopen_button.isEnabled()
    assert c.model.rowCount() == 1
    with pytest.raises(DayClosedError):
        ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), page.clerk)

    v.reopen_button.click()
    reopen = c.dialog
    assert reopen is not None and reopen is not dialog
    reopen.username.setText("lanhdao")
    reopen.password.setText(SUPERVISOR_PW)
    ok(reopen)  # no reason yet
    assert reopen.error_label.text() == "Chưa nhập lý do mở lại ngày."
    reopen.text.setText("Nhập sót một hồ sơ")
    with qtbot.waitSignal(c.day_reopened, timeout=5000):
        ok(reopen)
    qtbot.waitUntil(lambda: "đã chốt rồi mở lại" in v.state.text())
    assert "Nhập sót một hồ sơ" in v.state.text()
    assert not ctx.day_close.is_closed(DAY)
    assert v.close_button.isEnabled() and not v.reopen_button.isEnabled()
    ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), page.clerk)  # editable again


def test_a_clerk_cannot_approve_and_a_supervisor_is_prefilled(
    qtbot: Any, page: Page, world: tuple[Any, Any, Any]
) -> None:
    c = page.controller
    c.view.close_button.click()
    dialog = c.dialog
    assert dialog is not None
    dialog.username.setText("canbo1")
    dialog.password.setText("can-bo-2026")
    ok(dialog)
    qtbot.waitUntil(lambda: dialog.error_label.text() != "")
    assert "không phải lãnh đạo" in dialog.error_label.text()
    assert not page.ctx.day_close.is_closed(DAY)
    dialog.reject()

    other = make_page(qtbot, page.ctx, page.supervisor)
    try:
        other.controller.view.close_button.click()
        assert other.controller.dialog is not None
        assert other.controller.dialog.username.text() == "lanhdao"
        other.controller.dialog.reject()
    finally:
        other.runner.shutdown()


def test_a_future_day_cannot_be_closed(qtbot: Any, page: Page) -> None:
    c = page.controller
    c.view.day.setDate(c.view.day.date().addDays(1))
    qtbot.waitUntil(lambda: c.summary is not None and c.summary.day == date(2026, 10, 23))
    assert not c.view.close_button.isEnabled()
    assert c.view.figures["received"].text() == "0"
