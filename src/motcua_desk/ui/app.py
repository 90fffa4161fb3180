"""Entry points the lead's bootstrap calls: ``run_gui`` and ``create_main_window``."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from . import errors, strings
from .fonts import apply_app_font
from .ports import ContextPort
from .single_instance import SingleInstanceGuard
from .tasks import TaskRunner

log = logging.getLogger(__name__)

EXIT_ALREADY_RUNNING = 3
EXIT_CANCELLED = 0

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message_handler(mode: QtMsgType, _context: Any, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def create_main_window(ctx: ContextPort, user: Any, **kwargs: Any) -> Any:
    """Build the main window for ``user`` (tests pass ``runner``/``backend``/``scanner``)."""
    from .main_window import MainWindow  # imported after login: keeps the login window fast

    return MainWindow(ctx, user, **kwargs)


def ensure_app(argv: list[str]) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(argv)
    app.setApplicationName("motcua_desk")
    app.setApplicationDisplayName(strings.APP_TITLE)
    return app


def login(ctx: ContextPort, runner: TaskRunner) -> Any:
    """First-run wizard when needed, then the login dialog. None if the clerk cancelled."""
    if ctx.accounts.needs_first_run():
        from .screens.first_run.controller import FirstRunController

        wizard = FirstRunController(ctx)
        if wizard.view.exec() != QDialog.DialogCode.Accepted or wizard.admin is None:
            return None
    from .screens.login.controller import LoginController

    controller = LoginController(ctx, runner)
    if controller.view.exec() != QDialog.DialogCode.Accepted:
        return None
    return controller.user


def run_gui(ctx: ContextPort, argv: list[str]) -> int:
    """Create the QApplication, check single instance, log in, run the main window."""
    app = ensure_app(argv)
    previous_handler = qInstallMessageHandler(_qt_message_handler)
    previous_hook = errors.install()
    family = apply_app_font(app)
    log.info("application font: %s", family or "<Qt default>")
    guard = SingleInstanceGuard(ctx.paths.db_file, app)
    runner = TaskRunner(app)
    try:
        if not guard.acquire():
            QMessageBox.information(None, strings.APP_TITLE, strings.ERRORS["already_running"])
            return EXIT_ALREADY_RUNNING
        user = login(ctx, runner)
        if user is None:
            return EXIT_CANCELLED
        window = create_main_window(ctx, user, runner=runner)
        guard.activation_requested.connect(window.raise_)
        guard.activation_requested.connect(window.activateWindow)
        window.showMaximized()
        return int(app.exec())
    finally:
        runner.shutdown()
        guard.release()
        qInstallMessageHandler(previous_handler)
        errors.uninstall(previous_hook)
