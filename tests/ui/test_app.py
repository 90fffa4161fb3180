"""run_gui end to end (offscreen): login dialog, main window, event loop, exit; single instance."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from motcua_desk.ui.app import EXIT_ALREADY_RUNNING, EXIT_CANCELLED, run_gui
from motcua_desk.ui.single_instance import SingleInstanceGuard

from . import fakes


class Driver:
    """Polls the event loop and plays the clerk: fill the login dialog, then quit."""

    def __init__(self, steps: list[Any]) -> None:
        self.steps = steps
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        self.seen: list[str] = []

    def tick(self) -> None:
        if self.steps and self.steps[0](self):
            self.steps.pop(0)
        if not self.steps:
            self.timer.stop()


def fill_login(d: Driver) -> bool:
    dialog = QApplication.activeModalWidget()
    if dialog is None or dialog.objectName() != "login_dialog":
        return False
    dialog.username.setText("hoa")  # type: ignore[attr-defined]
    dialog.password.setText("matkhau123")  # type: ignore[attr-defined]
    dialog.buttons.accepted.emit()  # type: ignore[attr-defined]
    d.seen.append("login")
    return True


def quit_from_main_window(d: Driver) -> bool:
    windows = [
        w
        for w in QApplication.topLevelWidgets()
        if w.objectName() == "main_window" and w.isVisible()
    ]
    if not windows:
        return False
    d.seen.append(windows[0].windowTitle())
    windows[0].close()  # the last window: app.exec() returns (quitOnLastWindowClosed)
    return True


def test_run_gui_logs_in_and_exits(qtbot: Any, tmp_path: Path) -> None:
    ctx = fakes.make_context(tmp_path)
    hook = sys.excepthook
    driver = Driver([fill_login, quit_from_main_window])
    assert run_gui(ctx, ["motcua"]) == 0
    assert driver.seen[0] == "login"
    assert "Bộ phận Một cửa phường Hạc Thành" in driver.seen[1]
    assert sys.excepthook is hook  # restored for the host (pytest here)


def test_run_gui_cancelled_login(qtbot: Any, tmp_path: Path) -> None:
    ctx = fakes.make_context(tmp_path)

    def cancel(d: Driver) -> bool:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return False
        dialog.reject()
        return True

    driver = Driver([cancel])
    assert run_gui(ctx, ["motcua"]) == EXIT_CANCELLED
    assert not driver.steps


def test_second_instance_is_refused(qtbot: Any, tmp_path: Path) -> None:
    ctx = fakes.make_context(tmp_path)
    guard = SingleInstanceGuard(ctx.paths.db_file)
    assert guard.acquire()
    try:

        def dismiss(d: Driver) -> bool:
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                return False
            d.seen.append(box.text())
            box.accept()
            return True

        driver = Driver([dismiss])
        assert run_gui(ctx, ["motcua"]) == EXIT_ALREADY_RUNNING
        assert "đang chạy" in driver.seen[0]
    finally:
        guard.release()


def test_start_gui_shows_login_before_the_context_is_ready(qtbot: Any, tmp_path: Path) -> None:
    import threading

    from motcua_desk.ui.app import start_gui

    ctx = fakes.make_context(tmp_path)
    release = threading.Event()

    def build() -> Any:
        assert release.wait(10)
        return ctx

    def early(d: Driver) -> bool:
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "login_dialog":
            return False
        d.seen.append(f"early:{dialog.ok_button.isEnabled()}:{dialog.unit_label.text()}")  # type: ignore[attr-defined]
        return fill_login(d)  # pressed while the database is still opening

    def waits_then_ready(d: Driver) -> bool:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return False
        d.seen.append(f"waiting:{dialog.ok_button.isEnabled()}")  # type: ignore[attr-defined]
        release.set()  # the context is ready: the press is answered without a second one
        return True

    driver = Driver([early, waits_then_ready, quit_from_main_window])
    assert start_gui(ctx.paths.db_file, build, ["motcua"]) == 0
    assert driver.seen[0] == "early:True:Đang mở cơ sở dữ liệu…"
    assert driver.seen[1:3] == ["login", "waiting:False"]
    assert "Bộ phận Một cửa phường Hạc Thành" in driver.seen[3]  # the main window, logged in


def test_start_gui_build_failure_exits_with_message(qtbot: Any, tmp_path: Path) -> None:
    from motcua_desk.config import ConfigError
    from motcua_desk.ui.app import EXIT_START_FAILED, start_gui

    def build() -> Any:
        raise ConfigError(key="cutoff", value="25:00")

    def dismiss(d: Driver) -> bool:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return False
        d.seen.append(box.text())
        box.accept()
        return True

    driver = Driver([dismiss])
    assert start_gui(tmp_path / "x.db", build, ["motcua"]) == EXIT_START_FAILED
    assert "cutoff" in driver.seen[0]


def test_start_gui_runs_first_run_wizard(qtbot: Any, tmp_path: Path) -> None:
    from motcua_desk.ui.app import start_gui

    ctx = fakes.make_context(tmp_path, first_run=True)
    threads: list[int] = []
    ask = ctx.accounts.needs_first_run

    def spy() -> bool:
        threads.append(threading.get_ident())
        return ask()

    ctx.accounts.needs_first_run = spy  # type: ignore[method-assign]

    def cancel_wizard(d: Driver) -> bool:
        wizard = QApplication.activeModalWidget()
        if wizard is None or wizard.objectName() != "first_run_wizard":
            return False
        d.seen.append("wizard")
        wizard.reject()
        return True

    driver = Driver([cancel_wizard])
    assert start_gui(ctx.paths.db_file, lambda: ctx, ["motcua"]) == EXIT_CANCELLED
    assert driver.seen == ["wizard"]
    assert threads and threading.get_ident() not in threads  # asked on the db lane


def test_ui_self_test_on_real_services(qtbot: Any, tmp_path: Path) -> None:
    from motcua_desk.bootstrap import build_context
    from motcua_desk.config import AppPaths
    from motcua_desk.selftest import run_self_test

    ctx = build_context(AppPaths(data_dir=tmp_path, log_dir=tmp_path / "logs"))
    assert run_self_test(ctx) == 0


def test_ui_self_test_fails_without_procedures(qtbot: Any, tmp_path: Path) -> None:
    import pytest

    from motcua_desk.ui.selftest import SelfTestError, smoke_test_window

    ctx = fakes.make_context(tmp_path)
    ctx.catalogue.procedures.clear()
    ctx.catalogue._keys.clear()
    with pytest.raises(SelfTestError):
        smoke_test_window(ctx, fakes.CLERK)
