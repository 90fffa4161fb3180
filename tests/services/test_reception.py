from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ReturnMethod, Status
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft

from .conftest import HOA, UNIT, FakeClock

HEALTH_CARD = "1.014137"  # 5 working days, no papers listed
BIRTH = "1.001193"  # same day, two papers


def test_receive_assigns_code_due_date_and_writes_outbox_and_audit(ctx, admin) -> None:
    d1 = ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), admin)
    d2 = ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), admin)
    assert d1.code == "000.00.06.H56-231027-0001"
    assert d2.code == "000.00.06.H56-231027-0002"
    # domain.md §4 example 1: Fri 27/10/2023 09:32 + 5 working days -> 03/11/2023, 9 o'clock.
    assert d1.due_at == datetime(2023, 11, 3, 9, 0, tzinfo=OFFICE_TZ)
    assert d1.status is Status.RECEIVED
    assert ctx.reception.get_by_code(d1.code) == d1
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001 - inspect the stored rows
        events = uow.outbox.pending(100)
        assert [e.aggregate_id for e in events] == [d1.sync_id, d2.sync_id]
        assert events[0].payload["code"] == d1.code
        assert uow.audit.verify().ok
        assert [e.kind for e in uow.dossiers.timeline(d1.id)] == ["received"]


def test_validation_lists_every_problem_and_saves_nothing(ctx, admin) -> None:
    bad = replace(HOA, full_name=" ", id_number="12345", phone="abc", email="x@", address="")
    draft = IntakeDraft(
        BIRTH,
        bad,
        return_method=ReturnMethod.POST,
        checklist=ctx.reception.checklist_for(ctx.catalogue.get(BIRTH)),
    )
    with pytest.raises(ValidationFailedError) as info:
        ctx.reception.receive(draft, admin)
    assert info.value.fields == {
        "applicant.full_name": "required",
        "applicant.id_number": "invalid_id_number:length",
        "applicant.phone": "invalid_phone",
        "applicant.email": "invalid_email",
        "applicant.address": "required",
        "return_address": "required",
        "checklist": "incomplete_checklist",
    }
    assert ctx.reception.unprinted_receipts() == []
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        assert uow.dossiers.count() == 0 and uow.outbox.pending(10) == []


def test_birth_year_must_match_the_id_number(ctx, admin) -> None:
    draft = IntakeDraft(HEALTH_CARD, replace(HOA, birth_date=HOA.birth_date.replace(year=1996)))
    assert ctx.reception.validate(draft) == {"applicant.birth_date": "birth_date_mismatch"}


def test_same_day_procedure_with_ticked_checklist(ctx, admin) -> None:
    items = ctx.reception.checklist_for(ctx.catalogue.get(BIRTH))
    assert len(items) == 2 and not any(i.received for i in items)
    ticked = tuple(replace(i, received=True) for i in items)
    d = ctx.reception.receive(IntakeDraft(BIRTH, HOA, checklist=ticked), admin)
    assert d.due_at == datetime(2023, 10, 27, 17, 0, tzinfo=OFFICE_TZ)
    assert d.checklist == ticked


def test_supplement_request_records_missing_papers(ctx, admin) -> None:
    items = ctx.reception.checklist_for(ctx.catalogue.get(BIRTH))
    draft = IntakeDraft(BIRTH, HOA, checklist=items)
    with pytest.raises(ValidationFailedError) as info:
        ctx.reception.request_supplement(draft, admin, (), "")
    assert info.value.fields == {"missing": "required"}
    d = ctx.reception.request_supplement(draft, admin, (items[1].name,), "Thiếu giấy chứng sinh")
    assert d.status is Status.SUPPLEMENT and d.due_at is None
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        (event,) = uow.dossiers.timeline(d.id)
    assert event.detail["missing"] == [items[1].name]


def test_refusal_needs_a_reason(ctx, admin) -> None:
    draft = IntakeDraft(HEALTH_CARD, HOA)
    with pytest.raises(ValidationFailedError) as info:
        ctx.reception.refuse(draft, admin, "  ")
    assert info.value.fields == {"reason": "required"}
    d = ctx.reception.refuse(draft, admin, "Không thuộc thẩm quyền")
    assert d.status is Status.REFUSED


def test_text_is_stored_nfc(ctx, admin) -> None:
    nfd = replace(HOA, full_name=unicodedata.normalize("NFD", "Nguyễn Thị Hằng"))
    d = ctx.reception.receive(IntakeDraft(HEALTH_CARD, nfd), admin)
    assert d.applicant.full_name == "Nguyễn Thị Hằng"
    assert unicodedata.is_normalized("NFC", ctx.reception.get_by_code(d.code).applicant.full_name)


def test_due_date_across_tet_2026(tmp_path) -> None:
    clock = FakeClock(datetime(2026, 2, 12, 10, 15, tzinfo=OFFICE_TZ))
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    d = ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), admin)
    assert d.due_at == datetime(2026, 2, 26, 10, 0, tzinfo=OFFICE_TZ)  # domain.md §4 example 2
    assert d.code.endswith("-260212-0001")


def test_unknown_processing_time_blocks_receipt(ctx, admin) -> None:
    assert ctx.reception.validate(IntakeDraft("1.004873", HOA)) == {
        "procedure": "unknown_processing_time"
    }


def test_next_year_warning_until_an_approved_schedule_exists(ctx) -> None:
    from datetime import date

    from motcua_desk.domain.calendar import CalendarDay, DayKind

    calendar = ctx.reception._calendar  # noqa: SLF001
    assert not calendar.next_year_missing(date(2025, 12, 1))  # 2026 is in the bundled table
    assert calendar.next_year_missing(date(2026, 12, 1))  # 2027 only computed by the package
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        uow.calendar.upsert(CalendarDay(date(2027, 2, 8), DayKind.HOLIDAY, "Tết Nguyên đán"))
        uow.commit()
    assert not calendar.next_year_missing(date(2026, 12, 1))


def test_catalogue_search_ranks_the_best_name_first(ctx) -> None:
    codes = [p.code for p in ctx.catalogue.search("khai sinh")]
    assert codes[0] == "1.001193"  # "Thủ tục đăng ký khai sinh": phrase, early, short
    assert set(codes) >= {"1.001193", "2.000635", "1.000689", "1.004884"}
    assert [p.code for p in ctx.catalogue.search("dang ky khai sinh")][0] == "1.001193"
    assert [p.code for p in ctx.catalogue.search("1.0011")] == ["1.001193"]
    assert ctx.catalogue.search("chung thuc ban sao")[0].code == "2.000815"
    assert ctx.catalogue.search("xyz khong co") == []


def test_codes_while_not_enrolled_leased_and_provisional(ctx, admin) -> None:
    """Server configured but counter not enrolled: provisional codes (two counters numbering
    alone issued the same final codes, issue 14); enrolled: leased blocks, then a clearly
    provisional code when the blocks run out offline."""
    from datetime import date

    ctx.settings_store.update(server_url="https://motcua.example.vn", counter_name="Quầy 4")
    first = ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), admin)
    assert first.provisional_code
    assert first.code == "000.00.06.H56-231027-T04-0001"  # the counter's number, from its name
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        assert uow.sync_state.get("device_no") == "4"
        uow.sync_state.set("device_id", "7b0e4c1a-5a57-4d7e-9a55-0c1f2d3e4f50")
        uow.sequences.add_block(UNIT.agency_id, date(2023, 10, 27), 101, 101)
        uow.commit()
    leased = ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), admin)
    assert leased.code.endswith("-231027-0101") and not leased.provisional_code
    provisional = ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), admin)
    assert provisional.provisional_code
    assert provisional.code == "000.00.06.H56-231027-T04-0002"


def test_names_with_emoji_or_too_long_are_refused(ctx, admin) -> None:
    for name, code in (("Lê Thị Hoa 🌸", "invalid_name_chars"), ("Hoa" * 60, "name_too_long")):
        draft = IntakeDraft("1.014137", replace(HOA, full_name=name))
        assert ctx.reception.validate(draft)["applicant.full_name"] == code
        with pytest.raises(ValidationFailedError):
            ctx.reception.receive(draft, admin)
        with pytest.raises(ValidationFailedError):
            ctx.reception.refuse(draft, admin, "Không thuộc thẩm quyền")
    assert ctx.reception.unprinted_receipts() == []


def test_the_longest_name_allowed_keeps_the_receipt_on_one_page(ctx, admin) -> None:
    import io

    import pypdf

    from motcua_desk.domain.text import MAX_NAME_LENGTH

    long_name = ("Nguyễn Thị Hằng Nga Phương " * 10)[:MAX_NAME_LENGTH].strip()
    person = replace(HOA, full_name=long_name, address="Số 12 " * 30)
    dossier = ctx.reception.receive(IntakeDraft("1.014137", person), admin)
    doc = ctx.documents.render("receipt", dossier)
    assert len(pypdf.PdfReader(io.BytesIO(doc.pdf)).pages) == 1
