"""Public postal service hand-over (issue 6), driven by the raw strings a scanner sends."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from motcua_desk.domain.dossier import Channel, ReturnMethod, Status
from motcua_desk.domain.errors import RuleViolationError
from motcua_desk.domain.postal import make_item_code
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.postal import PostalScanError
from motcua_desk.services.reception import IntakeDraft

from .conftest import HOA

#: A dossier whose result the citizen asked to receive by post.
BY_POST = IntakeDraft(
    "1.014137", HOA, return_method=ReturnMethod.POST, return_address="Số 12 Lê Lợi, Thanh Hóa"
)
S10 = [make_item_code("RR", f"{n:08d}") for n in (12345678, 15826780, 76397250, 11111111, 22222222)]


def _decode():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[1] / "printing" / "decode.py"
    spec = importlib.util.spec_from_file_location("printing_decode", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def processed(ctx, admin, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """n dossiers whose results are ready to go out by post."""
    codes = []
    for _ in range(n):
        d = ctx.reception.receive(BY_POST, admin)
        with ctx.reception._uow_factory() as uow:  # noqa: SLF001
            uow.dossiers.set_status(d.id, Status.PROCESSING, actor="x", at=ctx.clock())
            uow.dossiers.set_status(d.id, Status.PROCESSED, actor="x", at=ctx.clock())
            uow.commit()
        codes.append(d.code)
    return codes


def reason(ctx, batch_id: int, raw: str, admin) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(PostalScanError) as info:
        ctx.postal.scan(batch_id, raw, admin)
    return str(info.value.data["reason"])


def test_results_batch_scanned_checked_printed_and_delivered(ctx, admin) -> None:
    codes = processed(ctx, admin, 3)
    batch = ctx.postal.start_results_batch(admin)
    assert batch.code == "BC-000.00.06.H56-231027-01"
    assert reason(ctx, batch.id, S10[0] + "\r\n", admin) == "dossier_first"
    ctx.postal.scan(batch.id, codes[0] + "\r\n", admin)
    assert reason(ctx, batch.id, codes[1], admin) == "item_code_expected"
    assert reason(ctx, batch.id, "RR123456784VN", admin) == "invalid_item_code"  # bad check digit
    ctx.postal.scan(batch.id, S10[0], admin)
    assert reason(ctx, batch.id, codes[0], admin) == "duplicate_dossier"
    ctx.postal.scan(batch.id, codes[1], admin)
    assert reason(ctx, batch.id, S10[0], admin) == "duplicate_item_code"
    ctx.postal.scan(batch.id, S10[1], admin)
    assert reason(ctx, batch.id, "xin chào", admin) == "unknown_scan"
    items = ctx.postal.items(batch.id)
    assert [(i.dossier_code, i.item_code) for i in items] == [
        (codes[0], S10[0]),
        (codes[1], S10[1]),
    ]
    assert ctx.postal.discrepancies(batch.id) == []

    closed = ctx.postal.close_batch(
        batch.id, admin, postal_unit="Bưu điện Hạc Thành", postal_staff="Phạm Văn Bưu"
    )
    record = closed.value
    assert closed.changes.dossier_codes == {codes[0], codes[1]}  # their timelines changed
    assert record.path.read_bytes() == record.pdf
    text = "\n".join(_decode().pdf_lines(record.pdf))
    for needle in (codes[0], codes[1], S10[0], S10[1], "Phạm Văn Bưu", "Lê Thị Hoa"):
        assert needle in text
    assert record.batch.code in _decode().decode_pdf(record.pdf)[0]
    assert reason(ctx, batch.id, codes[2], admin) == "batch_closed"
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        d0 = uow.dossiers.by_code(codes[0])
        assert "handed_to_post" in [e.kind for e in uow.dossiers.timeline(d0.id)]

    delivered = ctx.postal.record_outcome(items[0].id, "delivered", admin)
    assert delivered.value.outcome == "delivered"
    # The dossier became RETURNED: the change set says so, for lookup, home and board.
    assert "dossier" in delivered.changes.kinds
    assert delivered.changes.dossier_codes == {codes[0]}
    back = ctx.postal.record_outcome(
        items[1].id, "returned_to_counter", admin, note="Người nhận từ chối nhận"
    )
    assert back.value.outcome == "returned_to_counter"
    assert ctx.reception.get_by_code(codes[0]).status is Status.RETURNED
    assert ctx.reception.get_by_code(codes[0]).returned_at is not None
    assert ctx.reception.get_by_code(codes[1]).status is Status.PROCESSED  # back at the counter
    with pytest.raises(PostalScanError):
        ctx.postal.record_outcome(items[0].id, "delivered", admin)


def test_scan_refuses_dossiers_not_ready_or_returned(ctx, admin) -> None:
    waiting = ctx.reception.receive(IntakeDraft("1.014137", HOA), admin)  # still RECEIVED
    batch = ctx.postal.start_results_batch(admin)
    assert reason(ctx, batch.id, waiting.code, admin) == "not_ready"
    assert reason(ctx, batch.id, "000.00.99.H99-231027-0001", admin) == "other_unit"
    assert reason(ctx, batch.id, "000.00.06.H56-231027-0999", admin) == "not_found"


def test_discrepancy_found_at_closing_blocks_it(ctx, admin) -> None:
    (code,) = processed(ctx, admin, 1)
    batch = ctx.postal.start_results_batch(admin)
    ctx.postal.scan(batch.id, code, admin)
    assert [d.reason for d in ctx.postal.discrepancies(batch.id)] == ["missing_item_code"]
    ctx.postal.scan(batch.id, S10[2], admin)
    d = ctx.reception.get_by_code(code)
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001 - returned at the counter meanwhile
        uow.dossiers.set_status(d.id, Status.RETURNED, actor="x", at=ctx.clock())
        uow.commit()
    assert [d.reason for d in ctx.postal.discrepancies(batch.id)] == ["already_returned"]
    with pytest.raises(RuleViolationError):
        ctx.postal.close_batch(batch.id, admin)
    assert ctx.postal.batch(batch.id).state == "open"


def test_incoming_batch_uses_the_signing_time(ctx, admin) -> None:
    signed = datetime(2023, 10, 27, 14, 10, tzinfo=OFFICE_TZ)
    batch = ctx.postal.start_incoming_batch(admin, signed, "Phạm Văn Bưu", "Bưu điện Hạc Thành")
    first = ctx.postal.scan(batch.id, S10[3], admin)
    assert reason(ctx, batch.id, S10[3], admin) == "duplicate_item_code"
    assert reason(ctx, batch.id, "000.00.06.H56-231027-0001", admin) == "item_code_expected"
    second = ctx.postal.scan(batch.id, S10[4], admin)
    assert [d.reason for d in ctx.postal.discrepancies(batch.id)] == ["not_registered"] * 2
    d1 = ctx.postal.register_incoming(first.id, IntakeDraft("1.014137", HOA), admin, ctx.reception)
    assert d1.channel is Channel.POSTAL and d1.received_at == signed
    # domain.md example 1 pattern: 5 working days after Fri 27/10/2023 -> Fri 03/11, 14 o'clock.
    assert d1.due_at == datetime(2023, 11, 3, 14, 0, tzinfo=OFFICE_TZ)
    ctx.postal.register_incoming(second.id, IntakeDraft("1.014137", HOA), admin, ctx.reception)
    record = ctx.postal.close_batch(batch.id, admin).value
    text = "\n".join(_decode().pdf_lines(record.pdf))
    assert "BIÊN BẢN GIAO NHẬN HỒ SƠ" in text.upper() and S10[3] in text and d1.code in text


def test_batch_survives_sigkill_and_resumes(ctx, admin) -> None:
    import os
    import signal
    import subprocess
    import sys

    codes = processed(ctx, admin, 40)
    batch = ctx.postal.start_results_batch(admin)
    child = Path(__file__).with_name("postal_scanner_child.py")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.Popen(
        [sys.executable, str(child), str(ctx.paths.data_dir), str(batch.id), *codes],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    seen = [proc.stdout.readline().decode().strip() for _ in range(15)]  # 7 pairs and a half
    assert all(seen), proc.stderr.read().decode() if proc.stderr else ""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    seen += [line for line in proc.stdout.read().decode().split("\n")[:-1] if line]
    proc.stdout.close()
    proc.stderr.close()

    items = ctx.postal.items(batch.id)
    stored = [x for i in items for x in (i.dossier_code, i.item_code) if x]
    assert stored[: len(seen)] == seen  # every reported scan is there, in order
    assert len(stored) - len(seen) in (0, 1)  # at most one committed but not yet reported
    # Resume: the batch says what it expects next and takes the rest of the list.
    n = len(items)
    if items[-1].item_code is None:
        assert reason(ctx, batch.id, codes[n], admin) == "item_code_expected"
        ctx.postal.scan(batch.id, make_item_code("EE", f"{30000000 + n - 1:08d}"), admin)
    ctx.postal.scan(batch.id, codes[n], admin)
    ctx.postal.scan(batch.id, make_item_code("EE", f"{40000000 + n:08d}"), admin)
    assert len(ctx.postal.items(batch.id)) == n + 1
    assert ctx.postal.discrepancies(batch.id) == []


def test_a_closed_day_takes_no_postal_closing_or_delivery(ctx, admin) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.domain.errors import DayClosedError

    codes = processed(ctx, admin, 1)
    batch = ctx.postal.start_results_batch(admin)
    ctx.postal.scan(batch.id, codes[0], admin)
    ctx.postal.scan(batch.id, S10[0], admin)
    today = ctx.clock().date()
    ctx.day_close.close(today, "admin", "mat-khau-2026", "", admin)
    with pytest.raises(DayClosedError):
        ctx.postal.close_batch(batch.id, admin)
    assert ctx.postal.batch(batch.id).state == "open"
    ctx.day_close.reopen(today, "admin", "mat-khau-2026", "Bưu điện đến muộn")
    ctx.postal.close_batch(batch.id, admin, postal_unit="Bưu điện", postal_staff="Bưu tá")
    item = ctx.postal.items(batch.id)[0]
    ctx.day_close.close(today, "admin", "mat-khau-2026", "", admin)
    with pytest.raises(DayClosedError):
        ctx.postal.record_outcome(item.id, "delivered", admin)
    assert ctx.reception.get_by_code(codes[0]).status is Status.PROCESSED


def test_a_batch_is_not_closed_without_the_post_office_unit_and_employee(ctx, admin) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.domain.errors import ValidationFailedError

    codes = processed(ctx, admin, 1)
    batch = ctx.postal.start_results_batch(admin)
    ctx.postal.scan(batch.id, codes[0], admin)
    ctx.postal.scan(batch.id, S10[0], admin)
    with pytest.raises(ValidationFailedError) as info:
        ctx.postal.close_batch(batch.id, admin, postal_staff="  ")
    assert info.value.fields == {"postal_unit": "required", "postal_staff": "required"}
    with pytest.raises(ValidationFailedError) as info:
        ctx.postal.close_batch(batch.id, admin, postal_unit="Bưu điện Hạc Thành")
    assert info.value.fields == {"postal_staff": "required"}
    assert ctx.postal.batch(batch.id).state == "open"
    ctx.postal.close_batch(batch.id, admin, postal_unit="Bưu điện Hạc Thành", postal_staff="Bưu tá")
    assert ctx.postal.batch(batch.id).state == "closed"


def test_an_incoming_batch_signed_now_takes_the_office_clock(ctx, admin, clock) -> None:  # type: ignore[no-untyped-def]
    batch = ctx.postal.start_incoming_batch(admin, None, "Phạm Văn Bưu", "Bưu điện Hạc Thành")
    assert batch.signed_at == clock()


def test_record_counts_originals_and_copies_from_the_checklists(ctx, admin) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.domain.dossier import ChecklistItem, PaperForm

    papers = (
        ChecklistItem("Tờ khai", PaperForm.ORIGINAL, 2, received=True),
        ChecklistItem("Giấy chứng sinh", PaperForm.CERTIFIED_COPY, 1, received=True),
        ChecklistItem("Căn cước", PaperForm.SHOWN, 1, received=True),
    )
    codes = []
    for _ in range(2):
        d = ctx.reception.receive(replace(BY_POST, checklist=papers), admin)
        with ctx.reception._uow_factory() as uow:  # noqa: SLF001
            uow.dossiers.set_status(d.id, Status.PROCESSING, actor="x", at=ctx.clock())
            uow.dossiers.set_status(d.id, Status.PROCESSED, actor="x", at=ctx.clock())
            uow.commit()
        codes.append(d.code)
    batch = ctx.postal.start_results_batch(admin)
    for code, item in zip(codes, S10, strict=False):
        ctx.postal.scan(batch.id, code, admin)
        ctx.postal.scan(batch.id, item, admin)
    record = ctx.postal.close_batch(
        batch.id, admin, postal_unit="Bưu điện Hạc Thành", postal_staff="Phạm Văn Bưu"
    )
    text = " ".join(" ".join(_decode().pdf_lines(record.pdf)).split())
    assert "Tổng số hồ sơ: 2 hồ sơ (4 bản chính, 2 bản sao)" in text
