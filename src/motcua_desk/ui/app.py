"""Entry points for the bootstrap: ``run_gui``, ``start_gui`` and ``create_main_window``."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from ..domain.errors import DomainError
from . import errors, strings, translation
from .fonts import apply_app_font
from .gc_guard import GuiThreadGarbageCollector
from .operations import QueryOp
from .ports import ContextPort
from .single_instance import SingleInstanceGuard
from .tasks import TaskRunner

log = logging.getLogger(__name__)

EXIT_ALREADY_RUNNING = 3
EXIT_CANCELLED = 0
EXIT_START_FAILED = 2

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
        translation.install(app)
        return app
    app = QApplication(argv)
    translation.install(app)  # Qt's own buttons and dialogs in Vietnamese
    app.setProperty("motcua_gc_guard", GuiThreadGarbageCollector(app))  # see gc_guard.py
    app.setApplicationName("motcua_desk")
    app.setApplicationDisplayName(strings.APP_TITLE)
    return app


def first_run_if_needed(ctx: ContextPort) -> bool:
    """Run the setup wizard when the unit or the first account is missing; False = cancelled."""
    if not ctx.accounts.needs_first_run():
        return True
    from .screens.first_run.controller import FirstRunController

    wizard = FirstRunController(ctx)
    return wizard.view.exec() == QDialog.DialogCode.Accepted and wizard.admin is not None


def login(ctx: ContextPort, runner: TaskRunner) -> Any:
    """First-run wizard when needed, then the login dialog. None if the clerk cancelled."""
    if not first_run_if_needed(ctx):
        return None
    from .screens.login.controller import LoginController

    controller = LoginController(ctx, runner)
    if controller.view.exec() != QDialog.DialogCode.Accepted:
        return None
    return controller.user


@contextmanager
def _gui_session(argv: list[str], db_file: Path) -> Iterator[tuple[QApplication, Any, Any]]:
    """QApplication, hooks, fonts and the single-instance guard; restores the hooks after."""
    app = ensure_app(argv)
    previous_handler = qInstallMessageHandler(_qt_message_handler)
    previous_hook = errors.install()
    family = apply_app_font(app)
    log.info("application font: %s", family or "<Qt default>")
    guard = SingleInstanceGuard(db_file, app)
    runner = TaskRunner(app)
    try:
        yield app, guard, runner
    finally:
        runner.shutdown()
        guard.release()
        qInstallMessageHandler(previous_handler)
        errors.uninstall(previous_hook)


def _run_main_window(app: QApplication, guard: Any, runner: TaskRunner, ctx: Any, user: Any) -> int:
    window = create_main_window(ctx, user, runner=runner)
    guard.activation_requested.connect(window.raise_)
    guard.activation_requested.connect(window.activateWindow)
    window.showMaximized()
    return int(app.exec())


def show_start_error(message: str) -> None:
    """The app could not start (bootstrap): say why in a dialog before exiting."""
    ensure_app(["motcua_desk"])
    QMessageBox.critical(None, strings.APP_TITLE, message)


def already_running(db_file: Path) -> int:
    """Another process holds the database: bring its window to the front and say so."""
    app = ensure_app(["motcua_desk"])
    guard = SingleInstanceGuard(db_file, app)
    if guard.acquire():  # no window to raise (a restore or an export holds the file)
        guard.release()
    message = strings.ERRORS["already_running"]
    sys.stderr.write(message + "\n")
    show_start_error(message)
    return EXIT_ALREADY_RUNNING


def _already_running() -> int:
    QMessageBox.information(None, strings.APP_TITLE, strings.ERRORS["already_running"])
    return EXIT_ALREADY_RUNNING


def run_gui(ctx: ContextPort, argv: list[str]) -> int:
    """Create the QApplication, check single instance, log in, run the main window."""
    with _gui_session(argv, ctx.paths.db_file) as (app, guard, runner):
        if not guard.acquire():
            return _already_running()
        user = login(ctx, runner)
        if user is None:
            return EXIT_CANCELLED
        return _run_main_window(app, guard, runner, ctx, user)


class _AfterFirstPaint(QObject):
    """Calls ``start`` once ``widget`` has been painted (or after ``fallback_ms``).

    The database work of a deferred start is Python (imports, wiring) and shares the GIL with
    the GUI thread: begun before the login window's first paint, it would delay that paint.
    """

    def __init__(self, widget: QObject, start: Callable[[], None], fallback_ms: int = 1000):
        super().__init__(widget)
        self._start: Callable[[], None] | None = start
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self.fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._start is not None:
            QTimer.singleShot(0, self, self.fire)  # after the paint has been flushed
        return False

    def fire(self) -> None:
        start, self._start = self._start, None
        if start is not None:
            watched = self.parent()
            if watched is not None:
                watched.removeEventFilter(self)
            start()


def start_gui(db_file: Path, build_context: Callable[[], ContextPort], argv: list[str]) -> int:
    """Like :func:`run_gui`, but the login window shows at once; ``build_context`` (import,
    open and migrate the database, wire services) runs on the db lane once it is painted.

    The clerk can type and press the login button meanwhile; a press before the context is
    ready is answered when it is (the dialog shows it is busy). A failure to build it (bad settings, a newer schema, a locked database) is shown in
    Vietnamese and the app exits with :data:`EXIT_START_FAILED`.
    """
    from .screens.login.controller import LoginController

    with _gui_session(argv, db_file) as (app, guard, runner):
        if not guard.acquire():
            return _already_running()
        controller = LoginController(None, runner)
        failed: list[BaseException] = []

        def on_ready(ctx: ContextPort) -> None:
            if ctx.accounts.needs_first_run():
                controller.waiting = False  # no account yet: what was typed cannot log in
                controller.view.set_busy(False)
                controller.view.hide()
                if not first_run_if_needed(ctx):
                    controller.view.reject()
                    return
                controller.view.show()
            controller.set_context(ctx)

        def on_failed(exc: BaseException) -> None:
            failed.append(exc)
            message = strings.exception_message(exc)
            if isinstance(exc, DomainError):  # a newer, foreign or damaged database: no traceback
                log.error("start refused: %s", exc.code)
            else:
                log.error("start failed", exc_info=(type(exc), exc, exc.__traceback__))
            sys.stderr.write(message + "\n")  # also for whoever started it from a console
            controller.view.hide()
            show_start_error(message)
            controller.view.reject()

        _AfterFirstPaint(
            controller.view,
            lambda: (
                QueryOp[ContextPort](runner, build_context)
                .success(on_ready)
                .failure(on_failed)
                .run_in_background()
            ),
        )
        accepted = controller.view.exec() == QDialog.DialogCode.Accepted
        if failed:
            return EXIT_START_FAILED
        if not accepted or controller.ctx is None:
            return EXIT_CANCELLED
        return _run_main_window(app, guard, runner, controller.ctx, controller.user)
