"""Main window behaviour: closing, busy indicator, GUI-thread printer backends, pages.

On the real services and a temporary database; only the printer and the scan clock are fakes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from . import fakes
from .counter import RealCounter, counter_window, make_counter
from .test_intake import fill_valid


@pytest.fixture
def ctx(tmp_path: Path) -> RealCounter:
    return make_counter(tmp_path)


@pytest.fixture
def window(
    qtbot: Any,
    ctx: RealCounter,
    backend: fakes.FakePrinterBackend,
    scan_clock: fakes.StepClock,
    reported: list[tuple[str, BaseException]],
) -> Iterator[Any]:
    yield from counter_window(qtbot, ctx, backend, scan_clock)


def test_close_with_unsaved_form_asks(qtbot: Any, window: Any, scan_clock: Any) -> None:
    window.show_intake()
    window.intake.view.full_name.setText("Chưa lưu")
    window.intake.confirm = lambda text: False
    window.close()
    assert window.isVisible()
    assert window.intake.view.full_name.text() == "Chưa lưu"
    window.intake.confirm = lambda text: True
    window.close()
    assert not window.isVisible()


def test_busy_bar_appears_for_slow_work(qtbot: Any, window: Any) -> None:
    release = threading.Event()
    window.runner._timer.setInterval(30)
    window.runner.db(lambda: release.wait(5))
    qtbot.waitUntil(window.busy.isVisible, timeout=3000)
    release.set()
    qtbot.waitUntil(lambda: not window.busy.isVisible(), timeout=3000)


class GuiThreadBackend(fakes.FakePrinterBackend):
    thread_safe = False

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[int] = []

    def print_pdf(self, pdf: bytes, *, printer: str, paper: str, title: str) -> Any:
        self.threads.append(threading.get_ident())
        return super().print_pdf(pdf, printer=printer, paper=paper, title=title)


def test_qprinter_style_backend_runs_on_gui_thread(
    qtbot: Any, window: Any, ctx: Any, scan_clock: Any
) -> None:
    backend = GuiThreadBackend()
    window.print_flow.backend = backend
    scan_clock.step = 0.2
    window.show_intake()
    fill_valid(qtbot, window)
    with qtbot.waitSignal(window.print_flow.printed, timeout=10000):
        window.intake.save_and_print()
    assert backend.threads == [threading.get_ident()]
    qtbot.waitUntil(lambda: bool(ctx.store.prints))
    assert ctx.store.prints[0].outcome == "sent"


def test_gui_thread_backend_failure_is_recorded(
    qtbot: Any, window: Any, ctx: Any, scan_clock: Any
) -> None:
    backend = GuiThreadBackend()
    backend.fail = True
    window.print_flow.backend = backend
    scan_clock.step = 0.2
    window.show_intake()
    fill_valid(qtbot, window)
    with qtbot.waitSignal(window.print_flow.print_failed, timeout=10000):
        window.intake.save_and_print()
    qtbot.waitUntil(lambda: bool(ctx.store.prints))
    assert ctx.store.prints[0].outcome == "failed"


def test_render_failure_is_reported_and_dossier_kept(
    qtbot: Any, window: Any, ctx: Any, scan_clock: Any, reported: list[Any], monkeypatch: Any
) -> None:
    from motcua_desk.domain.errors import DomainError

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DomainError("font_missing", path="x.ttf")

    monkeypatch.setattr(ctx.documents, "render", broken)
    scan_clock.step = 0.2
    window.show_intake()
    fill_valid(qtbot, window)
    with qtbot.waitSignal(window.print_flow.print_failed, timeout=10000) as failed:
        window.intake.save_and_print()
    assert "phông chữ" in failed.args[1]
    assert len(ctx.store.dossiers) == 1
    assert reported


def test_f2_from_home_opens_empty_intake(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.tabs.setCurrentIndex(0)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.tabs.currentIndex() == 1
    qtbot.waitUntil(window.intake.view.procedure_search.hasFocus)


def test_home_preview_button_opens_preview(
    qtbot: Any, window: Any, ctx: Any, backend: Any, scan_clock: Any
) -> None:
    backend.fail = True
    scan_clock.step = 0.2
    window.show_intake()
    fill_valid(qtbot, window)
    window.intake.save_and_print()
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 1, timeout=10000)
    window.tabs.setCurrentIndex(0)
    window.home.view.unprinted.selectRow(0)
    with qtbot.waitSignal(window.print_flow.rendered, timeout=10000):
        window.home.view.preview_button.click()
    qtbot.waitUntil(lambda: bool(window.previews))
    preview = window.previews[0]
    backend.fail = False
    window.home.ask_reason = lambda: "Lần in trước bị lỗi"
    with qtbot.waitSignal(window.print_flow.printed, timeout=10000):
        preview.print_button.click()
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 0, timeout=10000)
    assert ctx.store.prints[-1].reprint_reason == "Lần in trước bị lỗi"


def test_log_window_shows_records_from_any_thread(qtbot: Any, window: Any) -> None:
    import logging

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F12)
    assert window.log_window.isVisible()
    logging.getLogger("motcua_desk.test").warning("kiểm tra nhật ký")
    worker = threading.Thread(
        target=lambda: logging.getLogger("motcua_desk.worker").error("từ luồng khác")
    )
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: "từ luồng khác" in window.log_window.text.toPlainText())
    assert "kiểm tra nhật ký" in window.log_window.text.toPlainText()
    logging.getLogger("motcua_desk.test").debug("chi tiết")  # below INFO: not shown
    assert "chi tiết" not in window.log_window.text.toPlainText()
