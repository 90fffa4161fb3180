"""Login dialog and first-run wizard against fake account services."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWizard

from motcua_desk.ui.screens.first_run.controller import (
    FirstRunController,
    admin_errors,
    unit_errors,
)
from motcua_desk.ui.screens.login.controller import LoginController
from motcua_desk.ui.tasks import TaskRunner

from . import fakes
from .conftest import type_text


@pytest.fixture
def runner(qtbot: Any) -> Any:
    r = TaskRunner()
    yield r
    r.shutdown()


def test_login_success(qtbot: Any, ctx: fakes.FakeContext, runner: TaskRunner) -> None:
    c = LoginController(ctx, runner)
    qtbot.addWidget(c.view)
    c.view.show()
    assert "Quầy số 1" in c.view.unit_label.text()
    type_text(c.view.username, "hoa")
    type_text(c.view.password, "matkhau123")
    with qtbot.waitSignal(c.logged_in, timeout=3000) as blocker:
        qtbot.keyClick(c.view.password, Qt.Key.Key_Return)
    assert blocker.args[0].full_name == "Lê Thị Hoa"
    assert c.view.result() == QDialog.DialogCode.Accepted


def test_login_failure_keeps_dialog_open(
    qtbot: Any, ctx: fakes.FakeContext, runner: TaskRunner
) -> None:
    c = LoginController(ctx, runner)
    qtbot.addWidget(c.view)
    c.view.show()
    c.view.username.setText("hoa")
    c.view.password.setText("sai")
    c.view.buttons.accepted.emit()
    qtbot.waitUntil(lambda: c.view.error_label.text() != "")
    assert "không đúng" in c.view.error_label.text()
    assert c.view.isVisible()
    assert c.view.password.text() == ""
    assert c.view.username.text() == "hoa"
    assert c.user is None


def test_login_empty_fields(qtbot: Any, ctx: fakes.FakeContext, runner: TaskRunner) -> None:
    c = LoginController(ctx, runner)
    qtbot.addWidget(c.view)
    c.view.buttons.accepted.emit()
    assert c.view.error_label.text()


def test_unit_and_admin_validation() -> None:
    assert set(unit_errors({})) == {"agency_id", "agency_name", "counter_name"}
    assert "agency_id" in unit_errors(
        {"agency_id": "000.00.06.h56", "agency_name": "x", "counter_name": "y"}
    )
    assert (
        unit_errors({"agency_id": "000.00.06.H56", "agency_name": "x", "counter_name": "y"}) == {}
    )
    assert "password" in admin_errors(
        {"admin_username": "a", "admin_full_name": "b", "password": "short"}
    )
    assert "password2" in admin_errors(
        {
            "admin_username": "a",
            "admin_full_name": "b",
            "password": "longenough",
            "password2": "other",
        }
    )
    assert (
        admin_errors(
            {
                "admin_username": "a",
                "admin_full_name": "b",
                "password": "longenough",
                "password2": "longenough",
            }
        )
        == {}
    )


def test_first_run_wizard_saves_unit_and_admin(
    qtbot: Any, tmp_path: Path, runner: TaskRunner
) -> None:
    ctx = fakes.make_context(tmp_path, first_run=True)
    threads: list[int] = []
    save = ctx.accounts.first_run

    def spy(*args: Any) -> Any:
        threads.append(threading.get_ident())
        return save(*args)

    ctx.accounts.first_run = spy  # type: ignore[method-assign]
    c = FirstRunController(ctx, runner)
    qtbot.addWidget(c.view)
    c.view.show()
    qtbot.waitExposed(c.view)
    c.view.next()
    assert c.view.currentPage() is c.view.unit_page  # refused: empty unit
    assert "mã đơn vị" in c.view.unit_page.error_label.text().lower()
    for name, value in {
        "agency_id": "000.00.06.H56",
        "agency_name": "Bộ phận Một cửa phường Hạc Thành",
        "managing_body": "UBND phường Hạc Thành",
        "counter_name": "Quầy 1",
        "place_name": "Thanh Hóa",
        "province": "Thanh Hóa",
    }.items():
        type_text(c.view.edit(name), value)
    c.view.next()
    assert c.view.currentPage() is c.view.admin_page
    for name, value in {
        "admin_username": "admin",
        "admin_full_name": "Nguyễn Quản Trị",
        "password": "matkhau-dai",
        "password2": "matkhau-khac",
    }.items():
        type_text(c.view.edit(name), value)
    c.view.button(QWizard.WizardButton.FinishButton).click()
    assert ctx.accounts.unit is None
    assert "không giống" in c.view.admin_page.error_label.text()
    c.view.edit("password2").clear()
    type_text(c.view.edit("password2"), "matkhau-dai")
    with qtbot.waitSignal(c.completed, timeout=3000):
        c.view.button(QWizard.WizardButton.FinishButton).click()
    assert ctx.accounts.unit.agency_name == "Bộ phận Một cửa phường Hạc Thành"
    assert ctx.accounts.unit.agency_id == "000.00.06.H56"
    assert c.admin.username == "admin"
    assert not ctx.accounts.needs_first_run()
    assert threads and threading.get_ident() not in threads  # saved on the db lane
    qtbot.waitUntil(lambda: not c.view.isVisible())  # closed once the save returned
