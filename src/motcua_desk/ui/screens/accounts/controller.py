"""Accounts page: list, create clerk and supervisor accounts, reset a password, deactivate,
unlock an account locked out by wrong passwords.

Uses :class:`motcua_desk.services.accounts.AccountService` on the db lane. An administrator
gets the whole page (issue 12 §2; the first-run wizard promises it); a supervisor gets the list
and the unlock only (issue 14 §5: lockouts are lifted by a supervisor).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog

from motcua_desk.storage.repositories.users import Role
from motcua_desk.ui import errors, strings
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import CollectionOp, QueryOp
from motcua_desk.ui.tasks import TaskRunner

from .view import AccountsView, CreateAccountDialog, ResetPasswordDialog


def _role(user: Any) -> str:
    value = str(getattr(user.role, "value", user.role))
    return strings.ROLES.get(value, value)


def _state(user: Any) -> str:
    if not user.active:
        return "Đã khóa"
    if getattr(user, "locked", False):
        return "Tạm khóa (nhập sai mật khẩu nhiều lần)"
    return "Đang dùng"


COLUMNS: tuple[Column[Any], ...] = (
    Column("username", "Tên đăng nhập", lambda u: u.username),
    Column("full_name", "Họ và tên", lambda u: u.full_name),
    Column("role", "Vai trò", _role),
    Column("active", "Trạng thái", lambda u: _state(u)),
    Column("created", "Ngày tạo", lambda u: strings.format_datetime(u.created_at)),
)


def _role_value(user: Any) -> str:
    return str(getattr(user.role, "value", user.role))


def _run(dialog: QDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


class AccountsController(QObject):
    #: An account was created or changed (its user name).
    changed = Signal(str)

    def __init__(
        self, ctx: Any, runner: TaskRunner, user: Any, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.service = ctx.accounts
        self.runner = runner
        self.admin = user
        self.view = AccountsView()
        self.model: FrozenTableModel[Any] = FrozenTableModel(COLUMNS, self.view)
        self.view.table.setModel(self.model)
        self.view.table.stretch_column = 1
        #: Opens a dialog modally; tests replace it to fill the dialog instead.
        self.run_dialog: Callable[[QDialog], bool] = _run
        self.view.create_button.clicked.connect(self.create_account)
        self.view.reset_button.clicked.connect(self.reset_password)
        self.view.active_button.clicked.connect(self.toggle_active)
        self.view.unlock_button.clicked.connect(self.unlock)
        #: A supervisor sees the list and unlocks; everything else is the administrator's.
        self.manages = _role_value(user) == Role.ADMIN.value
        if not self.manages:
            self.view.set_unlock_only()
        self.view.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.refresh()

    # -- reading ------------------------------------------------------------------------
    def refresh(self) -> None:
        QueryOp[list[Any]](self.runner, self.service.list_users).success(self._on_listed).failure(
            self._failed
        ).run_in_background()

    def _on_listed(self, users: list[Any]) -> None:
        chosen = self.selected()
        self.model.set_rows(users)
        if chosen is not None:
            self.select(chosen.username)
        self._on_selection_changed()

    def selected(self) -> Any:
        rows = self.view.table.selectionModel().selectedRows()
        return self.model.row_value(rows[0].row()) if rows else None

    def select(self, username: str) -> None:
        for row, user in enumerate(self.model.rows()):
            if user.username == username:
                self.view.table.selectRow(row)
                return

    def _on_selection_changed(self, *_args: object) -> None:
        user = self.selected()
        self.view.reset_button.setEnabled(user is not None)
        self.view.active_button.setEnabled(user is not None and user.id != self.admin.id)
        active = user is None or user.active
        self.view.active_button.setText("Khóa tài khoản" if active else "Mở khóa tài khoản")
        self.view.unlock_button.setEnabled(
            user is not None and user.active and bool(getattr(user, "locked", False))
        )

    # -- actions ------------------------------------------------------------------------
    def create_account(self) -> None:
        self.view.message.setText("")
        dialog = CreateAccountDialog(self.view)
        if not self.run_dialog(dialog):
            return
        username, full_name, role, password = dialog.values()
        self._write(
            lambda: self.service.create_user(self.admin, username, full_name, password, Role(role)),
            lambda user: f"Đã tạo tài khoản {user.username} ({_role(user)}).",
        )

    def reset_password(self) -> None:
        self.view.message.setText("")
        user = self.selected()
        if user is None:
            return
        dialog = ResetPasswordDialog(user.username, user.full_name, self.view)
        if not self.run_dialog(dialog):
            return
        password = dialog.password.text()
        self._write(
            lambda: self.service.reset_password(self.admin, user.username, password),
            lambda _none: f"Đã đặt mật khẩu mới cho tài khoản {user.username}.",
        )

    def toggle_active(self) -> None:
        self.view.message.setText("")
        user = self.selected()
        if user is None:
            return
        active = not user.active
        self._write(
            lambda: self.service.set_active(self.admin, user.username, active),
            lambda changed: (
                f"Đã mở khóa tài khoản {changed.username}."
                if changed.active
                else f"Đã khóa tài khoản {changed.username}: tài khoản không đăng nhập được nữa."
            ),
        )

    def unlock(self) -> None:
        """Lift a lockout after wrong passwords (audited by the service)."""
        self.view.message.setText("")
        user = self.selected()
        if user is None or not getattr(user, "locked", False):
            return
        self._write(
            lambda: self.service.unlock_user(self.admin, user.username),
            lambda changed: f"Đã mở khóa đăng nhập cho tài khoản {changed.username}.",
        )

    def _write(self, work: Callable[[], Any], said: Callable[[Any], str]) -> None:
        def done(result: Any) -> None:
            self.view.message.show_message(said(result))
            self.changed.emit(getattr(result, "username", ""))
            self.refresh()

        CollectionOp[Any](self.runner, work).success(done).failure(self._failed).run_in_background()

    def _failed(self, exc: BaseException) -> None:
        if not isinstance(getattr(exc, "code", None), str):
            errors.report_exception(exc)
        self.view.message.show_message(strings.exception_message(exc), kind="error")
