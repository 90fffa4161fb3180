"""Postal hand-over page on the real services: scans go to the open batch (issue 6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, Person, Status
from motcua_desk.domain.postal import make_item_code
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.ui.app import create_main_window

from .fakes import FakePrinterBackend

UNIT = UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa")
HOA = Person("Lê Thị Hoa", "038195001234", address="Thanh Hóa", kind=ApplicantKind.CITIZEN)


def test_scanner_builds_a_batch_and_closes_it(qtbot: Any, tmp_path: Path) -> None:
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    codes = []
    for _ in range(2):
        d = ctx.reception.receive(IntakeDraft("1.014137", HOA), admin)
        with ctx.reception._uow_factory() as uow:  # noqa: SLF001 - results came back
            uow.dossiers.set_status(d.id, Status.PROCESSING, actor="x", at=ctx.clock())
            uow.dossiers.set_status(d.id, Status.PROCESSED, actor="x", at=ctx.clock())
            uow.commit()
        codes.append(d.code)
    backend = FakePrinterBackend()
    window = create_main_window(ctx, admin, backend=backend)
    qtbot.addWidget(window)
    page = window.postal
    assert page is not None
    window.tabs.setCurrentWidget(page.view)
    page.view.new_results.click()
    qtbot.waitUntil(lambda: page.batch is not None)
    assert page.view.expecting.text() == "Tiếp theo: quét MÃ HỒ SƠ"

    window.route_scan("RR123456785VN")  # out of order
    qtbot.waitUntil(lambda: "quét mã hồ sơ trước" in page.view.message.text())
    assert page.model.rowCount() == 0
    s10 = [make_item_code("RR", "12345678"), make_item_code("RR", "15826780")]
    for raw in (codes[0], s10[0], codes[1], "RR158267801VN"):  # the last has a bad check digit
        window.route_scan(raw)
        qtbot.waitUntil(lambda: page.view.message.text() != "", timeout=3000)
    qtbot.waitUntil(lambda: "số kiểm tra" in page.view.message.text())
    window.route_scan(s10[1])
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 2 and page.model.row_value(1).item_code is not None
    )
    assert [(i.dossier_code, i.item_code) for i in page.model.rows()] == list(
        zip(codes, s10, strict=True)
    )

    page.view.postal_staff.setText("Phạm Văn Bưu")
    page.view.close_button.click()
    qtbot.waitUntil(lambda: len(backend.jobs) == 2, timeout=5000)  # a copy for each side
    assert page.last_record.path.exists()
    qtbot.waitUntil(lambda: page.view.message.text().startswith("Đã in 2 bản biên bản"))
    code = page.last_record.batch.code
    assert [(paper, title) for _, _, paper, title in backend.jobs] == [
        ("A4", f"{code}-1"),
        ("A4", f"{code}-2"),
    ]
    assert backend.jobs[0][0] == page.last_record.pdf
    # The closed batch stays listed until each delivery outcome is recorded.
    qtbot.waitUntil(lambda: page.batch is not None and page.batch.state == "closed")
    page.view.items.selectRow(0)
    # The delivery sets the dossier RETURNED: every page hears of it (issue 12 §4).
    heard: list[Any] = []
    window.data_changed.connect(heard.append)
    page.view.delivered_button.click()
    qtbot.waitUntil(lambda: any(codes[0] in c.dossier_codes for c in heard))
    assert ctx.reception.get_by_code(codes[0]).status is Status.RETURNED
    assert "dossier" in heard[-1].kinds
    window.shutdown()


def test_incoming_item_registered_through_the_intake_form(qtbot: Any, tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from motcua_desk.domain.dossier import Channel
    from motcua_desk.services.clock import OFFICE_TZ

    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    signed = (datetime.now(OFFICE_TZ) - timedelta(hours=1)).replace(second=0, microsecond=0)
    batch = ctx.postal.start_incoming_batch(admin, signed, "Phạm Văn Bưu")
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    page = window.postal
    window.tabs.setCurrentWidget(page.view)
    qtbot.waitUntil(lambda: page.batch is not None and page.batch.id == batch.id)
    window.route_scan(make_item_code("EE", "15826780"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.view.items.selectRow(0)
    page.view.register_button.click()
    assert window.tabs.currentWidget() is window.intake.view
    assert window.intake.view.channel.currentData() == int(Channel.POSTAL)
    intake = window.intake
    intake.view.procedure_search.setText("1.014137")
    assert intake.select_procedure_code("1.014137")
    intake.fill_person(HOA)
    with qtbot.waitSignal(intake.dossier_saved, timeout=10000) as saved:
        intake.save_and_print()
    dossier = saved.args[0]
    assert dossier.channel is Channel.POSTAL and dossier.received_at == signed
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 1 and page.model.row_value(0).dossier_id is not None
    )
    assert page.model.row_value(0).dossier_code == dossier.code
    window.shutdown()


def test_intake_return_by_post_with_postage(qtbot: Any, tmp_path: Path) -> None:
    from motcua_desk.domain.dossier import ReturnMethod

    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    intake = window.intake
    v = intake.view
    assert not v.postage.isEnabled()
    assert intake.select_procedure_code("1.014137")
    intake.fill_person(HOA)
    v.return_method.setCurrentIndex(v.return_method.findData(ReturnMethod.POST.value))
    assert v.postage.isEnabled() and v.return_address.text() == "Thanh Hóa"
    v.postage.setValue(32000)
    with qtbot.waitSignal(intake.dossier_saved, timeout=10000) as saved:
        intake.save_and_print()
    dossier = saved.args[0]
    assert dossier.return_method is ReturnMethod.POST
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        (event,) = uow.dossiers.timeline(dossier.id)
    assert event.detail["postage_vnd"] == 32000
    assert v.postage.value() == 0 and not v.postage.isEnabled()  # the form is clear again
    window.shutdown()
