"""Reports page on the real services: report table and chart, ledger export off the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, Person
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.ui.screens.reports import controller as reports_controller
from motcua_desk.ui.screens.reports.controller import ReportsController
from motcua_desk.ui.tasks import TaskRunner

from .fakes import Clock

UNIT = UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa")
HOA = Person("Lê Thị Hoa", "038195001234", address="Thanh Hóa", kind=ApplicantKind.CITIZEN)
HEALTH_CARD = "1.014137"  # Bảo hiểm y tế
CONTRACT = "2.001035"  # Chứng thực


@dataclass
class Page:
    ctx: Any
    controller: ReportsController
    codes: list[str]
    gui_thread: int
    worker_threads: list[int]


@pytest.fixture
def page(qtbot: Any, tmp_path: Path) -> Iterator[Page]:
    clock = Clock(datetime(2023, 10, 2, 9, 0, tzinfo=OFFICE_TZ))
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    codes = []
    for minute, procedure in ((0, HEALTH_CARD), (10, CONTRACT), (20, CONTRACT)):
        clock.now = datetime(2023, 10, 2, 9, minute, tzinfo=OFFICE_TZ)
        codes.append(ctx.reception.receive(IntakeDraft(procedure, HOA), admin).value.code)
    clock.now = datetime(2023, 10, 5, 10, 0, tzinfo=OFFICE_TZ)
    # Record which thread runs the queries and exports: never the GUI thread.
    worker_threads: list[int] = []
    for service, name in ((ctx.reports, "report"), (ctx.ledger, "data"), (ctx.ledger, "save")):
        original = getattr(service, name)

        def spy(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            worker_threads.append(threading.get_ident())
            return _original(*args, **kwargs)

        setattr(service, name, spy)
    runner = TaskRunner()
    controller = ReportsController(ctx, runner, admin)
    qtbot.addWidget(controller.view)
    yield Page(ctx, controller, codes, threading.get_ident(), worker_threads)
    runner.shutdown()


def _column(page: Page, name: str) -> list[str]:
    model = page.controller.model
    col = model.column_index(name)
    return [model.index(r, col).data() for r in range(model.rowCount())]


def test_day_and_month_reports_fill_the_table_and_the_chart(qtbot: Any, page: Page) -> None:
    c = page.controller
    assert c.view.day.date().toString("dd/MM/yyyy") == "05/10/2023"  # today, office time
    c.set_period("day", date(2023, 10, 2))
    with qtbot.waitSignal(c.report_loaded, timeout=5000):
        c.view.show_button.click()
    assert _column(page, "label") == [
        "Bảo hiểm y tế",
        "    Cấp thẻ bảo hiểm y tế",
        "Chứng thực",
        f"    {c.report.procedures()[1].procedure_name}",
        "Tổng cộng",
    ]
    assert _column(page, "received") == ["1", "1", "2", "2", "3"]
    assert _column(page, "open_on_time") == ["1", "1", "2", "2", "3"]  # as of the day's end
    assert _column(page, "code")[1] == HEALTH_CARD
    assert [(b.label, b.value) for b in c.view.chart.bars()] == [
        ("Tiếp nhận", 3),
        ("Trả đúng hạn", 0),
        ("Trả quá hạn", 0),
        ("Đang giải quyết", 3),
    ]
    assert "Ngày 02/10/2023: tiếp nhận 3 hồ sơ" in c.view.summary.text()
    c.view.resize(900, 700)
    c.view.show()
    qtbot.waitExposed(c.view)
    rects = c.view.chart.bar_rects()
    assert rects[0].height() > 0 and rects[1].height() == 0
    assert not c.view.chart.grab().isNull()  # paints without Qt warnings

    c.set_period("month", date(2023, 9, 10))
    assert c.view.day.displayFormat() == "MM/yyyy"
    with qtbot.waitSignal(c.report_loaded, timeout=5000):
        c.load_report()
    assert _column(page, "label") == ["Tổng cộng"]  # nothing in September
    assert "Tháng 09/2023" in c.view.summary.text()
    assert page.worker_threads and page.gui_thread not in page.worker_threads


def test_ledger_export_with_a_path_and_through_the_button(
    qtbot: Any, page: Page, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = page.controller
    assert c.view.ledger_from.date().toString("dd/MM/yyyy") == "01/10/2023"
    qtbot.waitUntil(lambda: c.view.ledger_field.count() > 1)
    out = tmp_path / "out" / "so.xlsx"
    with qtbot.waitSignal(c.exported, timeout=10000) as blocker:
        c.export_ledger(out, "xlsx")
    assert blocker.args == [out]
    ws = openpyxl.load_workbook(out).active
    assert ws["A3"].value == "SỔ THEO DÕI HỒ SƠ"
    assert [ws.cell(row=r, column=2).value for r in (7, 8, 9)] == page.codes
    assert "3 hồ sơ" in c.view.message.text()

    c.view.ledger_field.setCurrentIndex(c.view.ledger_field.findData("Chứng thực"))
    chosen = tmp_path / "out" / "chung-thuc"  # no suffix: ".pdf" is added

    class FakeDialog:
        @staticmethod
        def getSaveFileName(*_args: Any, **_kwargs: Any) -> tuple[str, str]:
            return str(chosen), ""

    monkeypatch.setattr(reports_controller, "QFileDialog", FakeDialog)
    with qtbot.waitSignal(c.exported, timeout=10000) as blocker:
        c.view.export_pdf.click()
    pdf = chosen.with_name("chung-thuc.pdf")
    assert blocker.args == [pdf]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "2 hồ sơ" in c.view.message.text()
    assert c.view.export_pdf.isEnabled()
    assert page.gui_thread not in page.worker_threads and len(page.worker_threads) >= 4


def test_errors_are_shown_in_vietnamese(qtbot: Any, page: Page, tmp_path: Path) -> None:
    c = page.controller
    c.view.ledger_from.setDate(c.view.ledger_to.date().addDays(1))
    target = tmp_path / "never.pdf"
    with qtbot.waitSignal(c.failed, timeout=5000) as blocker:
        c.export_ledger(target, "pdf")
    assert blocker.args == ["Ngày kết thúc phải bằng hoặc sau ngày bắt đầu."]
    assert c.view.message.text() == blocker.args[0]
    assert not target.exists()
    assert c.view.export_xlsx.isEnabled()

    c.view.ledger_from.setDate(c.view.ledger_to.date().addDays(-400))
    with qtbot.waitSignal(c.failed, timeout=5000) as blocker:
        c.export_ledger(target, "pdf")
    assert blocker.args == ["Mỗi lần chỉ xuất sổ tối đa 366 ngày."]

    c.view.ledger_from.setDate(c.view.ledger_to.date())
    blocker_file = tmp_path / "a-file"
    blocker_file.write_text("x")
    with qtbot.waitSignal(c.failed, timeout=10000) as blocker:
        c.export_ledger(blocker_file / "so.pdf", "pdf")
    assert str(blocker.args[0]).startswith("Không ghi được tệp")


def test_report_gives_the_share_of_dossiers_fully_digitised(qtbot: Any, page: Page) -> None:
    c = page.controller
    full, counted = page.ctx.digitisation.period_share(date(2023, 10, 2), date(2023, 10, 2))
    assert counted == 3
    c.set_period("day", date(2023, 10, 2))
    with qtbot.waitSignal(c.report_loaded, timeout=5000):
        c.view.show_button.click()
    qtbot.waitUntil(lambda: "Số hóa đầy đủ" in c.view.summary.text(), timeout=5000)
    assert f"Số hóa đầy đủ: {full}/3 hồ sơ tiếp nhận" in c.view.summary.text()
