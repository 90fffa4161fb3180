"""The main window on real services: a scanned code opens the dossier with its timeline, the
board opens a dossier, the lookup page hands a result to the return page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, Person, Status
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.clock import to_local
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.ui.app import create_main_window

from .fakes import FakePrinterBackend

UNIT = UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa")
HOA = Person("Lê Thị Hoa", "038195001234", address="Thanh Hóa", kind=ApplicantKind.CITIZEN)


def test_scan_board_lookup_and_return(qtbot: Any, tmp_path: Path) -> None:
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    d = ctx.reception.receive(IntakeDraft("1.014137", HOA), admin).value
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    lookup, board, returns = window.lookup, window.board, window.returns
    assert lookup is not None and board is not None and returns is not None
    labels = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    for label in ("Tra cứu hồ sơ", "Bảng theo dõi", "Trả kết quả", "Chốt sổ cuối ngày"):
        assert label in labels

    # The home page lists the unprinted receipt at its office time, not the stored UTC.
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 1)
    received = window.home.model.index(0, window.home.model.column_index("received"))
    assert received.data() == f"{to_local(d.received_at):%d/%m/%Y %H:%M}"
    assert to_local(d.received_at).hour != d.received_at.hour

    window.route_scan(d.code)  # from any page: the lookup page with the timeline
    qtbot.waitUntil(lambda: lookup.file is not None and lookup.file.dossier.id == d.id)
    assert window.tabs.currentWidget() is lookup.view
    assert lookup.timeline.rowCount() >= 1
    qtbot.waitUntil(lambda: window.notice.text() == f"Đã mở hồ sơ {d.code}.")

    window.route_scan("000.00.06.H56-260101-9999")
    qtbot.waitUntil(lambda: "Không tìm thấy" in window.notice.text())

    ctx.lifecycle.hand_over(d.id, admin, "Phòng Lao động")
    ctx.lifecycle.result_received(d.id, admin)
    window.tabs.setCurrentWidget(board.view)
    board.refresh()
    qtbot.waitUntil(
        lambda: [r.status for r in board.model.rows()] == [Status.PROCESSED], timeout=3000
    )
    board.open_requested.emit(d.code)  # a double-click on the row
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is lookup.view)
    qtbot.waitUntil(
        lambda: lookup.file is not None and lookup.file.dossier.status is Status.PROCESSED
    )
    lookup.request_return()
    qtbot.waitUntil(lambda: returns.case is not None)
    assert window.tabs.currentWidget() is returns.view
    assert returns.case.dossier.code == d.code
    window.shutdown()
