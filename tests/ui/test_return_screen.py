"""Return page on the real services: scan the slip, check the collector, record, print."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, ChecklistItem, PaperForm, Person, Status
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.ui.app import create_main_window

from .fakes import FakePrinterBackend

UNIT = UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa")
HOA = Person(
    "Lê Thị Hoa",
    "038195001234",
    address="Số 12 Lê Lợi, Thanh Hóa",
    kind=ApplicantKind.CITIZEN,
)
# The chip card's QR: ID|old ID|name|birth|sex|address|issued (docs/domain.md §7)
HOA_QR = "038195001234|172345678|Lê Thị Hoa|15061995|Nữ|Số 12 Lê Lợi, Thanh Hóa|01072021"
WILL = "2.001019"  # 50,000 đồng


@pytest.fixture
def page(qtbot: Any, tmp_path: Path):  # type: ignore[no-untyped-def]
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    papers = (ChecklistItem("Dự thảo di chúc", form=PaperForm.ORIGINAL, received=True),)
    d = ctx.reception.receive(IntakeDraft(WILL, HOA, checklist=papers), admin).value
    ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
    backend = FakePrinterBackend()
    window = create_main_window(ctx, admin, backend=backend)
    qtbot.addWidget(window)
    assert window.returns is not None
    window.tabs.setCurrentWidget(window.returns.view)
    yield ctx, admin, window, window.returns, d, backend
    window.shutdown()


def test_not_ready_then_wrong_collector_refused_then_returned(qtbot: Any, page) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, window, ret, d, backend = page
    v = ret.view
    window.route_scan(d.code)  # still with the department
    qtbot.waitUntil(lambda: "chưa có kết quả" in v.message.text())
    ctx.lifecycle.result_received(d.id, admin)
    window.route_scan(d.code)
    qtbot.waitUntil(lambda: ret.case is not None)
    assert "Lê Thị Hoa" in v.summary.text() and "50.000 đồng" in v.summary.text()
    assert v.fee.text() == "50000"
    assert v.originals.count() == 1
    assert not v.complete_button.isEnabled()

    # someone else's card: refused, nothing saved
    v.collector_id.setText("038195009999")
    v.verify_button.click()
    assert "không khớp" in v.verdict.text()
    assert not v.complete_button.isEnabled()
    ret.complete()  # even if forced
    assert ctx.reception.get_by_code(d.code).status is Status.PROCESSED

    # the applicant's card QR fills in and verifies
    window.route_scan(HOA_QR)
    assert v.collector_name.text() == "Lê Thị Hoa"
    assert "Đúng chủ hồ sơ (qua mã QR căn cước)" in v.verdict.text()
    assert v.complete_button.isEnabled()
    v.receipt_no.setText("0001234")
    v.scores["attitude"].setCurrentIndex(v.scores["attitude"].findData(2))
    v.scores["costs"].setCurrentIndex(v.scores["costs"].findData(1))
    v.complete_button.click()
    qtbot.waitUntil(lambda: "Đã trả kết quả hồ sơ" in v.message.text())
    qtbot.waitUntil(lambda: len(backend.jobs) == 1, timeout=5000)
    assert backend.jobs[0][3] == f"return-{d.code}"
    f = ctx.lookup.open_by_code(d.code)
    assert f.dossier.status is Status.RETURNED
    assert f.return_record.fee_receipt_no == "0001234"
    assert f.return_record.verified_by == "id_card_qr"
    assert f.rating.scores == {"attitude": 2, "costs": 1} and f.rating.source == "counter"
    window.route_scan(d.code)
    qtbot.waitUntil(lambda: "đã trả kết quả" in v.message.text())


def test_proxy_needs_the_authorisation_and_citizen_screen_rates(qtbot: Any, page) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, window, ret, d, backend = page
    ctx.lifecycle.result_received(d.id, admin)
    v = ret.view
    ret.open_code(d.code.lower())
    qtbot.waitUntil(lambda: ret.case is not None)
    v.as_proxy.setChecked(True)
    v.collector_name.setText("Trần Văn Nam")
    v.collector_id.setText("038090001122")
    assert not ret.verify()
    assert "Giấy ủy quyền" in v.verdict.text()
    v.authorisation.setText("Giấy ủy quyền số 12/UQ ngày 20/11/2026")
    assert ret.verify()
    window_ = ret.show_citizen_window()
    assert window_ is not None
    qtbot.addWidget(window_)
    window_.groups["timeliness"].button(2).click()
    window_.groups["attitude"].button(0).click()
    window_.comment.setText("Chờ lâu")
    window_.send.click()
    assert v.scores["attitude"].currentData() == 0 and ret.rating_source == "citizen_screen"
    v.receipt_no.setText("0001240")
    v.complete_button.click()
    qtbot.waitUntil(lambda: "Đã trả kết quả hồ sơ" in v.message.text())
    f = ctx.lookup.open_by_code(d.code)
    assert f.return_record.collector_kind == "proxy"
    assert f.return_record.authorisation.startswith("Giấy ủy quyền số 12/UQ")
    assert f.rating.source == "citizen_screen" and f.rating.comment == "Chờ lâu"


def test_fee_without_receipt_number_is_explained(qtbot: Any, page) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, window, ret, d, backend = page
    ctx.lifecycle.result_received(d.id, admin)
    ret.open_code(d.code)
    qtbot.waitUntil(lambda: ret.case is not None)
    ret.view.collector_id.setText(HOA.id_number)
    assert ret.verify()
    ret.view.complete_button.click()
    qtbot.waitUntil(lambda: "Số biên lai" in ret.view.message.text())
    assert ctx.reception.get_by_code(d.code).status is Status.PROCESSED
    assert backend.jobs == []
