"""A bug behind a screen's own error handler is still logged with its traceback (issue 12 §4).

Before the operations layer, postal, reports, day close, settings and sync health showed
"lỗi đã được ghi vào nhật ký" while nothing reached the log. Real services, one method broken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.ui.app import create_main_window

from .fakes import FakePrinterBackend

UNIT = UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa")


def broken_service_method(*_args: Any, **_kwargs: Any) -> Any:
    raise ZeroDivisionError("a bug deep in a service")


def _postal(window: Any) -> Callable[[], object]:
    page = window.postal
    page.batch = window.ctx.postal.start_results_batch(window.user)
    return lambda: page.scan("000.00.06.H56-260212-0001")


SCREENS: dict[str, tuple[str, str, Callable[[Any], Callable[[], object]]]] = {
    "postal": ("postal", "scan", _postal),
    "reports": ("reports", "report", lambda w: w.reports.load_report),
    "day_close": ("day_close", "summary", lambda w: w.day_close.refresh),
    "settings": ("settings_admin", "update", lambda w: w.settings_page.save),
    "sync_health": ("sync", "health", lambda w: w.sync_health.refresh),
}


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_a_bug_reaches_the_log_whatever_the_screen_shows(
    qtbot: Any,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    reported: list[tuple[str, BaseException]],
    screen: str,
) -> None:
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.runner.pending == 0)  # the pages' first reads
    service_name, method, trigger = SCREENS[screen]
    act = trigger(window)
    monkeypatch.setattr(getattr(ctx, service_name), method, broken_service_method)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        act()
        qtbot.waitUntil(
            lambda: any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records),
            timeout=5000,
        )
    bug = next(r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info)
    assert bug.exc_info is not None and bug.exc_info[0] is ZeroDivisionError
    assert "broken_service_method" in caplog.text  # the traceback itself
    qtbot.waitUntil(lambda: window.runner.pending == 0)
    window.shutdown()
