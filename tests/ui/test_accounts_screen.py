"""Accounts page on the real services: create, reset a password, lock (issue 12 §2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from motcua_desk.config import AppPaths
from motcua_desk.services.accounts import AuthFailedError, UnitSetup

ADMIN_PASSWORD = "matkhau-dai-123"


@pytest.fixture
def accounts(qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    from motcua_desk.bootstrap import build_context
    from motcua_desk.ui.screens.accounts.controller import AccountsController
    from motcua_desk.ui.tasks import TaskRunner

    ctx = build_context(AppPaths(tmp_path / "data", tmp_path / "logs"))
    admin = ctx.accounts.first_run(
        UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường", "Quầy 1", "Thanh Hóa"),
        "admin",
        "Lê Thị Hoa",
        ADMIN_PASSWORD,
    )
    runner = TaskRunner()
    page = AccountsController(ctx, runner, admin)
    qtbot.addWidget(page.view)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.ctx = ctx
    page.runner = runner
    yield page
    runner.shutdown()


def filler(**values: str) -> Any:
    """A ``run_dialog`` that types ``values`` into the dialog's fields and presses OK."""
    seen: list[QDialog] = []

    def run(dialog: Any) -> bool:
        seen.append(dialog)
        for name, value in values.items():
            widget = getattr(dialog, name)
            if hasattr(widget, "setText"):
                widget.setText(value)
            else:
                widget.setCurrentIndex(widget.findData(value))
        dialog.ok_button.click()
        return bool(dialog.result() == QDialog.DialogCode.Accepted)

    run.seen = seen  # type: ignore[attr-defined]
    return run


def test_admin_creates_a_clerk_who_can_log_in(qtbot: Any, accounts: Any) -> None:
    accounts.run_dialog = filler(
        username="canbo1",
        full_name="Trần Thị Bình",
        role="supervisor",
        password="mat-khau-moi-1",
        repeat="mat-khau-moi-1",
    )
    accounts.view.create_button.click()
    qtbot.waitUntil(lambda: accounts.model.rowCount() == 2)
    assert "Đã tạo tài khoản canbo1 (Lãnh đạo)" in accounts.view.message.text()
    user = accounts.ctx.accounts.login("canbo1", "mat-khau-moi-1")
    assert user.role.value == "supervisor"


def test_mismatched_passwords_keep_the_dialog_open(qtbot: Any, accounts: Any) -> None:
    run = filler(
        username="canbo1",
        full_name="Trần Thị Bình",
        password="mat-khau-moi-1",
        repeat="mat-khau-moi-2",
    )
    accounts.run_dialog = run
    accounts.view.create_button.click()
    dialog = run.seen[0]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "không giống nhau" in dialog.error.text()
    assert len(accounts.ctx.accounts.list_users()) == 1


def test_a_taken_user_name_shows_the_error_in_the_banner(qtbot: Any, accounts: Any) -> None:
    accounts.run_dialog = filler(
        username="admin", full_name="Người Khác", password="mat-khau-1234", repeat="mat-khau-1234"
    )
    accounts.view.create_button.click()
    qtbot.waitUntil(lambda: accounts.view.message.kind == "error")
    assert accounts.view.message.isVisibleTo(accounts.view)
    assert accounts.view.message.text() == "Dữ liệu này đã tồn tại."


def test_reset_password_then_lock_and_unlock(qtbot: Any, accounts: Any) -> None:
    from motcua_desk.storage.repositories.users import Role

    ctx = accounts.ctx
    ctx.accounts.create_user(accounts.admin, "canbo1", "Trần Thị Bình", "mat-khau-cu-1", Role.CLERK)
    accounts.refresh()
    qtbot.waitUntil(lambda: accounts.model.rowCount() == 2)
    # The administrator cannot lock his own account from here.
    accounts.select("admin")
    assert not accounts.view.active_button.isEnabled()
    accounts.select("canbo1")
    assert accounts.view.reset_button.isEnabled() and accounts.view.active_button.isEnabled()
    accounts.run_dialog = filler(password="mat-khau-moi-9", repeat="mat-khau-moi-9")
    accounts.view.reset_button.click()
    qtbot.waitUntil(lambda: "mật khẩu mới" in accounts.view.message.text())
    assert ctx.accounts.login("canbo1", "mat-khau-moi-9").username == "canbo1"

    accounts.view.active_button.click()
    qtbot.waitUntil(lambda: accounts.view.active_button.text() == "Mở khóa tài khoản")
    with pytest.raises(AuthFailedError):
        ctx.accounts.login("canbo1", "mat-khau-moi-9")
    accounts.view.active_button.click()
    qtbot.waitUntil(lambda: accounts.view.active_button.text() == "Khóa tài khoản")
    assert ctx.accounts.login("canbo1", "mat-khau-moi-9").active


def test_only_an_administrator_gets_the_page(qtbot: Any, window: Any) -> None:
    assert window.accounts_page is None
    labels = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Tài khoản" not in labels


def _lock_out(ctx: Any, username: str) -> None:
    from motcua_desk.services.accounts import AccountLockedError
    from motcua_desk.storage.repositories.users import MAX_FAILED_LOGINS

    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises((AuthFailedError, AccountLockedError)):
            ctx.accounts.login(username, "sai-mat-khau")
    with pytest.raises(AccountLockedError):  # locked: even the right password is refused
        ctx.accounts.login(username, "mat-khau-cu-1")


def test_admin_unlocks_a_locked_out_account(qtbot: Any, accounts: Any) -> None:
    from motcua_desk.storage.repositories.users import Role

    ctx = accounts.ctx
    ctx.accounts.create_user(accounts.admin, "canbo1", "Trần Thị Bình", "mat-khau-cu-1", Role.CLERK)
    _lock_out(ctx, "canbo1")
    accounts.refresh()
    qtbot.waitUntil(lambda: accounts.model.rowCount() == 2)
    accounts.select("admin")
    assert not accounts.view.unlock_button.isEnabled()  # not locked out
    accounts.select("canbo1")
    row = [u.username for u in accounts.model.rows()].index("canbo1")
    assert accounts.model.index(row, 3).data() == "Tạm khóa (nhập sai mật khẩu nhiều lần)"
    assert accounts.view.unlock_button.isEnabled()
    accounts.view.unlock_button.click()
    qtbot.waitUntil(lambda: "Đã mở khóa đăng nhập" in accounts.view.message.text())
    assert ctx.accounts.login("canbo1", "mat-khau-cu-1").username == "canbo1"
    qtbot.waitUntil(lambda: not accounts.view.unlock_button.isEnabled())


def test_a_supervisor_gets_the_list_and_unlock_only(qtbot: Any, accounts: Any) -> None:
    from motcua_desk.storage.repositories.users import Role
    from motcua_desk.ui.pages import PAGES
    from motcua_desk.ui.screens.accounts.controller import AccountsController

    ctx = accounts.ctx
    boss = ctx.accounts.create_user(
        accounts.admin, "lanhdao", "Phạm Văn Lãnh", "mat-khau-ld-1", Role.SUPERVISOR
    ).value
    ctx.accounts.create_user(accounts.admin, "canbo1", "Trần Thị Bình", "mat-khau-cu-1", Role.CLERK)
    _lock_out(ctx, "canbo1")
    spec = next(p for p in PAGES if p.attr == "accounts_page")
    assert "supervisor" in spec.roles and "clerk" not in spec.roles
    page = AccountsController(ctx, accounts.runner, boss)
    qtbot.addWidget(page.view)
    page.view.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    v = page.view
    assert not any(b.isVisible() for b in (v.create_button, v.reset_button, v.active_button))
    assert v.unlock_button.isVisible() and not v.unlock_button.isEnabled()
    page.select("canbo1")
    assert v.unlock_button.isEnabled()
    v.unlock_button.click()
    qtbot.waitUntil(lambda: "Đã mở khóa đăng nhập cho tài khoản canbo1" in v.message.text())
    assert ctx.accounts.login("canbo1", "mat-khau-cu-1").username == "canbo1"
