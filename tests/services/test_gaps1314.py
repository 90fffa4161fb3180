"""Issues 13/14 remaining gaps at the service layer: cooperating agencies on Mẫu 06, the postal
handover record's number, reads that do not take the write lock."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ChecklistItem, PaperForm
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft

from .conftest import HOA, UNIT, FakeClock

CERTIFY_WILL = "2.001019"
PAPERS = (
    ChecklistItem("Dự thảo di chúc", form=PaperForm.ORIGINAL, received=True),
    ChecklistItem("Giấy tờ về tài sản", form=PaperForm.ORIGINAL, received=True),
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FakeClock(at(2026, 2, 24, 10, 0))
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    return ctx, admin, clock


def test_hand_over_names_cooperating_agencies_printed_on_mau_06(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, _ = world
    d = ctx.reception.receive(IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS), admin).value
    r = ctx.lifecycle.hand_over(
        d.id,
        admin,
        "Phòng Tư pháp",
        "",
        (" Công an phường Hạc Thành ", "Phòng Tư pháp", "", "Chi cục Thuế khu vực"),
    )
    (handed,) = [
        e for e in ctx.lookup.open_by_id(d.id).timeline if e.detail.get("action") == "handed_over"
    ]
    assert handed.detail["cooperating"] == ["Công an phường Hạc Thành", "Chi cục Thuế khu vực"]
    text = " ".join(text_of(ctx.documents.render("control_slip", r.dossier).pdf).split())
    assert "Cơ quan phối hợp" in text
    assert "Công an phường Hạc Thành; Chi cục Thuế khu vực" in text
    assert "Cơ quan giải quyết hồ sơ: Phòng Tư pháp" in text


def test_hand_over_refuses_absurd_cooperating_lists(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, _ = world
    d = ctx.reception.receive(IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS), admin).value
    with pytest.raises(ValidationFailedError) as info:
        ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp", "", ("x" * 201,))
    assert info.value.fields == {"cooperating": "too_long"}
    with pytest.raises(ValidationFailedError):
        ctx.lifecycle.hand_over(
            d.id, admin, "Phòng Tư pháp", "", [f"Cơ quan {i}" for i in range(11)]
        )
    with pytest.raises(ValidationFailedError) as bad:
        ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp", "", ("Phòng\x00A",))
    assert bad.value.fields == {"cooperating": "control_chars"}


def _post_one(ctx, admin, s10: str):  # type: ignore[no-untyped-def]
    from .test_postal import processed

    (code,) = processed(ctx, admin, 1)
    batch = ctx.postal.start_results_batch(admin).value
    ctx.postal.scan(batch.id, code, admin)
    ctx.postal.scan(batch.id, s10, admin)
    record = ctx.postal.close_batch(
        batch.id, admin, postal_unit="Bưu điện Hạc Thành", postal_staff="Phạm Văn Bưu"
    ).value
    return " ".join(text_of(record.pdf).split())


def test_postal_handover_record_is_numbered_in_the_year(ctx, admin, clock) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.domain.postal import make_item_code

    s10 = [make_item_code("RR", f"{n:08d}") for n in range(32000001, 32000005)]
    assert "Số: 01/BBGN" in _post_one(ctx, admin, s10[0])
    assert "Số: 02/BBGN" in _post_one(ctx, admin, s10[1])
    ctx.settings_store.update(number_suffixes={"postal_handover": "BB-BC"})
    clock.now = datetime(2024, 1, 2, 9, 0, tzinfo=OFFICE_TZ)  # a new year starts again at 01
    assert "Số: 01/BB-BC" in _post_one(ctx, admin, s10[2])


def test_reads_succeed_while_another_connection_holds_the_write_lock(ctx, admin, clock) -> None:  # type: ignore[no-untyped-def]
    """Issue 14 §4: a read never takes the write lock, so a save in another process (or a
    backup) does not make the lookup, the board, the lists or the reports say "locked"."""
    import sqlite3
    import time
    from datetime import date

    from .test_postal import processed

    (code,) = processed(ctx, admin, 1)
    d = ctx.reception.get_by_code(code)
    batch = ctx.postal.start_results_batch(admin).value
    today = clock.now.date()
    reads = {
        "lookup.open_by_code": lambda: ctx.lookup.open_by_code(code),
        "lookup.open_by_id": lambda: ctx.lookup.open_by_id(d.id),
        "lookup.board": lambda: ctx.lookup.board(),
        "reports.report": lambda: ctx.reports.report("day", today),
        "reception.get_by_code": lambda: ctx.reception.get_by_code(code),
        "reception.unprinted_receipts": lambda: ctx.reception.unprinted_receipts(),
        "lifecycle.get": lambda: ctx.lifecycle.get(d.id),
        "documents.print_history": lambda: ctx.documents.print_history(d.id),
        "documents.render": lambda: ctx.documents.render("receipt", d),
        "returns.start": lambda: ctx.returns.start(code),
        "postal.batches_for_page": lambda: ctx.postal.batches_for_page(),
        "postal.open_batches": lambda: ctx.postal.open_batches(),
        "postal.items": lambda: ctx.postal.items(batch.id),
        "postal.discrepancies": lambda: ctx.postal.discrepancies(batch.id),
        "accounts.list_users": lambda: ctx.accounts.list_users(),
        "accounts.needs_first_run": lambda: ctx.accounts.needs_first_run(),
        "day_close.summary": lambda: ctx.day_close.summary(today),
        "day_close.recent": lambda: ctx.day_close.recent(),
        "day_close.is_closed": lambda: ctx.day_close.is_closed(date(2023, 10, 26)),
        "sync.health": lambda: ctx.sync.health(),
        "sync.code_gaps": lambda: ctx.sync.code_gaps(today, today),
        "catalogue.reload": lambda: ctx.catalogue.reload(),
        "settings_admin.calendar_days": lambda: ctx.settings_admin.calendar_days(),
    }
    holder = sqlite3.connect(ctx.paths.db_file, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another process is saving (or backing up)
    try:
        slow = []
        for name, read in reads.items():
            started = time.monotonic()
            read()  # a write unit of work would wait 5 s, then fail "database is locked"
            if time.monotonic() - started > 4:
                slow.append(name)
        assert slow == []
    finally:
        holder.rollback()
        holder.close()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=300), max_size=14),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
)
def test_cooperating_agencies_never_crash_on_any_text(names: list[str], lead: str) -> None:
    from motcua_desk.domain.text import normalize
    from motcua_desk.services.lifecycle import cooperating_agencies

    try:
        got = cooperating_agencies(names, normalize(lead))
    except ValidationFailedError as exc:
        assert set(exc.fields.values()) <= {"too_long", "control_chars"}
        return
    assert len(got) == len(set(got)) <= 10
    assert all(x and x == normalize(x) and x != normalize(lead) for x in got)
