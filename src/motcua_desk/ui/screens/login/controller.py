"""Login: checks the clerk's account on the db lane and keeps the dialog open on failure."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from motcua_desk.domain.text import normalize
from motcua_desk.ui import errors, strings
from motcua_desk.ui.operations import QueryOp
from motcua_desk.ui.ports import ContextPort
from motcua_desk.ui.tasks import TaskRunner

from .view import LoginView

STARTING_TEXT = "Đang mở cơ sở dữ liệu…"


def unit_text(ctx: ContextPort | None) -> str:
    if ctx is None:
        return STARTING_TEXT
    s = ctx.settings
    parts = [p for p in (s.agency_name, s.counter_name) if p]
    return " — ".join(parts) if parts else strings.APP_TITLE


class LoginController(QObject):
    """Owns a :class:`LoginView`; ``logged_in`` carries the User.

    ``ctx`` may be None while the database is still being opened (deferred start): the clerk
    can already type and press the login button; a press before :meth:`set_context` waits
    (the dialog shows it is busy) and the account is checked as soon as the database is ready.
    """

    logged_in = Signal(object)

    def __init__(
        self, ctx: ContextPort | None, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.user: Any = None
        self.waiting = False  # pressed before the database was ready
        self.view = LoginView(unit_text(ctx), parent)
        self.view.buttons.accepted.connect(self._on_buttons_accepted)
        self.view.buttons.rejected.connect(self.view.reject)

    def set_context(self, ctx: ContextPort) -> None:
        self.ctx = ctx
        self.view.unit_label.setText(unit_text(ctx))
        if self.waiting:
            self.waiting = False
            self._on_buttons_accepted()

    @Slot()
    def _on_buttons_accepted(self) -> None:
        username = normalize(self.view.username.text())
        password = self.view.password.text()
        if not username or not password:
            self.view.show_error(strings.error_message("auth_failed"))
            return
        self.view.set_busy(True)
        self.view.show_error("")
        if self.ctx is None:
            self.waiting = True  # set_context checks the account
            return
        accounts = self.ctx.accounts
        QueryOp[Any](self.runner, lambda: accounts.login(username, password)).success(
            self._on_login_done
        ).failure(self._on_login_error).run_in_background()

    def _on_login_done(self, user: Any) -> None:
        self.view.set_busy(False)
        self.user = user
        self.logged_in.emit(user)
        self.view.accept()

    def _on_login_error(self, exc: BaseException) -> None:
        self.view.set_busy(False)
        if not isinstance(getattr(exc, "code", None), str):
            errors.show(exc)  # a bug (already logged), not a wrong password
        self.view.password.clear()
        self.view.password.setFocus()
        self.view.show_error(strings.exception_message(exc))
