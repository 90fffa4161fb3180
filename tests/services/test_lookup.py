"""Lookup by code with the timeline, search, and the status board on a real SQLite file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.board import BoardFilter, Urgency, apply_filter
from motcua_desk.domain.dossier import Person, Sex, Status
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.lookup import SearchCriteria
from motcua_desk.services.reception import IntakeDraft

from .conftest import HOA, UNIT, FakeClock

BIRTH = "1.001193"  # same working day
HEALTH_CARD = "1.014137"  # 5 working days


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FakeClock(at(2026, 11, 23, 9, 0))  # Monday
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    return ctx, admin, clock


def receive(ctx, admin, clock, when: datetime, person: Person = HOA, code: str = HEALTH_CARD):  # type: ignore[no-untyped-def]
    clock.now = when
    return ctx.reception.receive(IntakeDraft(code, person), admin).value


DUC = replace(
    HOA,
    full_name="Phạm Minh Đức",
    id_number="038098001111",
    phone="0987654321",
    birth_date=date(1998, 3, 2),
    sex=Sex.MALE,
)


def test_open_by_code_has_timeline_prints_and_forgives_case(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock = world
    d = receive(ctx, admin, clock, at(2026, 11, 23, 9, 0))
    doc = ctx.documents.render("receipt", d)
    ctx.documents.record_print(doc, printer="PDF", outcome="sent", clerk=admin)
    clock.now = at(2026, 11, 23, 14, 0)
    ctx.lifecycle.hand_over(d.id, admin, "Phòng Văn hóa - Xã hội")
    f = ctx.lookup.open_by_code(f"  {d.code.lower()} ")
    assert f is not None and f.dossier.id == d.id
    kinds = [(e.kind, e.detail.get("action")) for e in f.timeline]
    assert kinds[0][0] == "received"
    assert ("status_changed", "handed_over") in kinds
    assert [(j.doc_type, j.outcome) for j in f.print_jobs] == [("receipt", "sent")]
    assert f.return_record is None and f.received_day_close is None
    assert ctx.lookup.open_by_code("000.00.06.H56-000000-9999") is None
    with pytest.raises(ValidationFailedError):
        ctx.lookup.open_by_code("   ")


def test_search_by_name_id_phone_procedure_status_and_dates(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock = world
    a = receive(ctx, admin, clock, at(2026, 11, 23, 23, 30))  # late evening (postal time)
    b = receive(ctx, admin, clock, at(2026, 11, 24, 0, 10), DUC, BIRTH)
    found = ctx.lookup.search

    def codes(**kw):  # type: ignore[no-untyped-def]
        return [x.code for x in found(SearchCriteria(**kw))]

    assert codes(text="duc") == [b.code]
    assert codes(text="PHẠM minh") == [b.code]
    assert codes(text="038195001234") == [a.code]
    assert codes(text="0987654321") == [b.code]
    assert codes(procedure_code=BIRTH) == [b.code]
    assert codes(status=Status.RECEIVED) == [b.code, a.code]  # newest first
    # office dates: 23:30 belongs to the 23rd, 00:10 to the 24th (UTC would say otherwise)
    assert codes(date_from=date(2026, 11, 23), date_to=date(2026, 11, 23)) == [a.code]
    assert codes(date_from=date(2026, 11, 24)) == [b.code]
    assert codes(text="không có") == []
    with pytest.raises(ValidationFailedError) as err:
        found(SearchCriteria(date_from=date(2026, 11, 24), date_to=date(2026, 11, 23)))
    assert err.value.data["fields"] == {"date_to": "before_date_from"}
    with pytest.raises(ValidationFailedError):
        found(SearchCriteria(limit=0))


def test_board_urgency_and_incremental_refresh(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock = world
    old = receive(ctx, admin, clock, at(2026, 11, 16, 9, 0))  # due Mon 23/11
    soon = receive(ctx, admin, clock, at(2026, 11, 17, 9, 0))  # due Tue 24/11
    today = receive(ctx, admin, clock, at(2026, 11, 23, 9, 0), DUC, BIRTH)  # due today
    later = receive(ctx, admin, clock, at(2026, 11, 23, 9, 5))  # due Mon 30/11
    clock.now = at(2026, 11, 23, 10, 0)  # old is due at 09:00 today: due today until 24:00
    assert ctx.lookup is not None
    snap = ctx.lookup.board()
    by_id = {r.id: r.urgency for r in snap.rows}
    assert by_id == {
        old.id: Urgency.DUE_TODAY,
        today.id: Urgency.DUE_TODAY,
        soon.id: Urgency.NEAR_DUE,
        later.id: Urgency.ON_TRACK,
    }
    clock.now = at(2026, 11, 24, 8, 0)  # the next morning: the first two are overdue
    ctx.lifecycle.hand_over(later.id, admin, "Phòng Tư pháp")
    ctx.lifecycle.request_supplement(soon.id, admin, ("Ảnh 4x6",), "Thiếu ảnh")
    ctx.lifecycle.withdraw(today.id, admin, "Công dân rút hồ sơ")
    snap = ctx.lookup.board()
    rows = {r.id: r for r in snap.rows}
    assert set(rows) == {old.id, soon.id, later.id}  # withdrawn left the board
    assert rows[old.id].urgency is Urgency.OVERDUE
    assert rows[soon.id].urgency is Urgency.SUPPLEMENT
    assert rows[later.id].status is Status.PROCESSING
    assert snap.counts[Urgency.OVERDUE] == 1
    assert snap.rows[0].id == old.id
    full = ctx.lookup.board(full=True)
    assert full.rows == snap.rows  # the incremental merge equals a fresh read
    hit = apply_filter(snap, BoardFilter(text="le thi hoa", urgencies=frozenset({Urgency.OVERDUE})))
    assert [r.code for r in hit] == [old.code]


def test_board_leaves_out_other_agencies(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock = world
    mine = receive(ctx, admin, clock, at(2026, 11, 23, 9, 0))
    assert [r.id for r in ctx.lookup.board().rows] == [mine.id]
    ctx.settings_store.update(agency_id="000.00.99.H56")
    assert ctx.lookup.board().rows == ()
    ctx.settings_store.update(agency_id=UNIT.agency_id)
    assert [r.id for r in ctx.lookup.board(now=at(2026, 12, 30, 9, 0)).rows] == [mine.id]
    assert ctx.lookup.board(now=at(2026, 12, 30, 9, 0)).rows[0].urgency is Urgency.OVERDUE
    assert ctx.lookup.board().taken_at == at(2026, 11, 23, 9, 0) + timedelta(0)


def test_board_times_equal_the_stored_dossier(world) -> None:  # type: ignore[no-untyped-def]
    """The board reads times as POSIX seconds computed by SQLite: same instants as the
    dossier itself (to the second), in UTC, so 09:00 office time shows as 09:00."""
    ctx, admin, clock = world
    d = receive(ctx, admin, clock, at(2026, 11, 16, 9, 0, 42))
    assert ctx.lookup is not None
    row = ctx.lookup.board(full=True).rows[0]
    stored = d  # as the reception service returned it
    assert row.received_at == stored.received_at.replace(microsecond=0)
    assert stored.due_at is not None
    assert row.due_at == stored.due_at.replace(microsecond=0)
    assert row.due_ts == stored.due_at.replace(microsecond=0).timestamp()
    assert row.received_at.utcoffset() == timedelta(0)
