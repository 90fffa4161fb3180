"""Issue 13: on delivery the postal page asks for the fee the post collected and writes it on
the record; a result with nothing to collect is recorded without asking."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ReturnMethod, Status
from motcua_desk.domain.postal import make_item_code
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.ui.app import create_main_window

from .fakes import FakePrinterBackend
from .test_postal_page import HOA, UNIT


def test_delivery_records_the_fee_the_post_handed_over(qtbot: Any, tmp_path: Path) -> None:
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    codes = []
    for procedure in ("2.001019", "1.014137"):  # 50,000 đồng at return; no fee
        papers = ctx.reception.checklist_for(ctx.catalogue.get(procedure))
        draft = IntakeDraft(
            procedure,
            HOA,
            return_method=ReturnMethod.POST,
            return_address="Số 1 Lê Lợi",
            checklist=tuple(replace(p, received=True) for p in papers),
        )
        d = ctx.reception.receive(draft, admin)
        ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
        ctx.lifecycle.result_received(d.id, admin)
        codes.append(d.code)
    batch = ctx.postal.start_results_batch(admin)
    for code, serial in zip(codes, ("41000001", "41000002"), strict=True):
        ctx.postal.scan(batch.id, code, admin)
        ctx.postal.scan(batch.id, make_item_code("RR", serial), admin)
    ctx.postal.close_batch(batch.id, admin)

    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    page = window.postal
    asked: list[int] = []
    page.ask_fee = lambda due: asked.append(due) or (50_000, "BL-0000321")
    window.tabs.setCurrentWidget(page.view)
    qtbot.waitUntil(lambda: page.batch is not None and page.model.rowCount() == 2)
    page.view.items.selectRow(0)
    page.view.delivered_button.click()
    qtbot.waitUntil(lambda: page.model.row_value(0).outcome == "delivered")
    assert asked == [50_000]
    assert (page.model.row_value(0).fee_collected_vnd, page.model.row_value(0).fee_receipt_no) == (
        50_000,
        "BL-0000321",
    )
    page.view.items.selectRow(1)
    page.view.delivered_button.click()
    qtbot.waitUntil(lambda: ctx.reception.get_by_code(codes[1]).status is Status.RETURNED)
    assert asked == [50_000]  # nothing to collect: not asked
    window.shutdown()
