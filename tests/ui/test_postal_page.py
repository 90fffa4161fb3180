"""Postal hand-over page on the real services: scans go to the open batch (issue 6)."""

from __future__ import annotations

from datetime import UTC
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
    # Both citizens chose the counter (issue 13): each scan asks before it goes by post.
    questions: list[str] = []
    page.confirm = lambda text: questions.append(text) or True
    page.view.new_results.click()
    qtbot.waitUntil(lambda: page.batch is not None)
    assert page.view.expecting.text() == "Tiếp theo: quét MÃ HỒ SƠ"

    window.route_scan("RR123456785VN")  # out of order
    qtbot.waitUntil(lambda: "quét mã hồ sơ trước" in page.view.message.text())
    assert page.model.rowCount() == 0
    s10 = [make_item_code("RR", "12345678"), make_item_code("RR", "15826780")]
    # Each scan waits for the one before: a confirmed scan is retried on the db lane.
    window.route_scan(codes[0])
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    window.route_scan(s10[0])
    qtbot.waitUntil(lambda: page.model.row_value(0).item_code is not None)
    window.route_scan(codes[1])
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    window.route_scan("RR158267801VN")  # a bad check digit
    qtbot.waitUntil(lambda: "số kiểm tra" in page.view.message.text())
    window.route_scan(s10[1])
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 2 and page.model.row_value(1).item_code is not None
    )
    assert [(i.dossier_code, i.item_code) for i in page.model.rows()] == list(
        zip(codes, s10, strict=True)
    )
    assert len(questions) == 2 and "nhận kết quả tại Bộ phận Một cửa" in questions[0]

    # Closing needs the post office's unit and employee, then a confirmation (issue 12 §3).
    asked: list[str] = []
    page.confirm = lambda text: asked.append(text) or False
    page.view.postal_staff.setText("Phạm Văn Bưu")
    page.view.close_button.click()
    assert "hãy nhập đơn vị bưu chính" in page.view.message.text() and asked == []
    page.view.postal_unit.setText("Bưu điện Hạc Thành")
    page.view.close_button.click()
    assert len(asked) == 1 and "Phạm Văn Bưu" in asked[0]
    assert page.batch.state == "open"
    page.confirm = lambda _text: True
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
    page.view.items.selectRow(1)
    page.view.attempt_button.click()  # the post could not deliver the second one
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.model.row_value(1).attempts == 1)
    assert "lần phát không thành công thứ 1" in page.view.message.text()
    # The envelope comes back: its item number, scanned anywhere else, opens the dossier.
    assert window.lookup is not None
    window.tabs.setCurrentWidget(window.home.view)
    window.route_scan(s10[1])
    qtbot.waitUntil(
        lambda: window.lookup.file is not None and window.lookup.file.dossier.code == codes[1]
    )
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


def test_signing_time_is_the_office_time_when_the_batch_opens(qtbot: Any, tmp_path: Path) -> None:
    from datetime import datetime, timedelta

    from motcua_desk.domain.dossier import Channel

    now = [datetime(2026, 2, 12, 1, 0, tzinfo=UTC)]  # 08:00 office time
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), lambda: now[0])
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    page = window.postal
    window.tabs.setCurrentWidget(page.view)
    assert page.view.signed_at.dateTime().toString("HH:mm dd/MM/yyyy") == "08:00 12/02/2026"
    now[0] += timedelta(hours=6, minutes=35)  # signed at 14:35, long after the app started
    page.view.incoming_staff.setText("Phạm Văn Bưu")
    page.view.new_incoming.click()
    qtbot.waitUntil(lambda: page.batch is not None)
    assert page.batch.signed_at == now[0]
    assert page.view.signed_at.dateTime().toString("HH:mm") == "14:35"
    window.route_scan(make_item_code("EE", "15826780"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    now[0] += timedelta(minutes=20)
    page.view.items.selectRow(0)
    page.view.register_button.click()
    intake = window.intake
    assert intake.select_procedure_code("1.014137")
    intake.fill_person(HOA)
    with qtbot.waitSignal(intake.dossier_saved, timeout=10000) as saved:
        intake.save_and_print()
    dossier = saved.args[0]
    assert dossier.channel is Channel.POSTAL
    assert dossier.received_at == datetime(2026, 2, 12, 7, 35, tzinfo=UTC)
    window.shutdown()
