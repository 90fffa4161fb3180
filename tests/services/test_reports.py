"""Daily and monthly reports on a real SQLite database, dossiers moved through their statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest

from motcua_desk.domain.dossier import Dossier, Status
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.services.reports import Counts, ReportService

from .conftest import HOA, FakeClock

HEALTH_CARD = "1.014137"  # Bảo hiểm y tế, 5 working days
CONTRACT = "2.001035"  # Chứng thực, 2 working days
PATERNITY = "1.001022"  # Hộ tịch, 3 working days


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


@dataclass
class World:
    ctx: Any
    admin: Any
    clock: FakeClock
    reports: ReportService
    d: dict[str, Dossier]


def _receive(w: World, name: str, when: datetime, code: str) -> Dossier:
    w.clock.now = when
    w.d[name] = w.ctx.reception.receive(IntakeDraft(code, HOA), w.admin).value
    return w.d[name]


def _return(w: World, name: str, when: datetime) -> None:
    """Result back from the department, then collected by the citizen at ``when``."""
    d = w.d[name]
    w.clock.now = when
    w.ctx.lifecycle.hand_over(d.id, w.admin, "Phòng Tư pháp")
    w.ctx.lifecycle.result_received(d.id, w.admin)
    with w.ctx.reception._uow_factory() as uow:  # noqa: SLF001 - the return at the counter
        uow.dossiers.set_status(d.id, Status.RETURNED, actor="admin", at=when)
        uow.commit()


@pytest.fixture
def world(ctx, admin, clock: FakeClock) -> World:  # type: ignore[no-untyped-def]
    w = World(ctx, admin, clock, ReportService(ctx.reception._uow_factory, clock), {})  # noqa: SLF001
    _receive(w, "K", at(2023, 9, 20, 9, 0), HEALTH_CARD)  # withdrawn in September
    w.clock.now = at(2023, 9, 25, 9, 0)
    ctx.lifecycle.withdraw(w.d["K"].id, admin, "Công dân rút hồ sơ")
    _receive(w, "I", at(2023, 9, 28, 9, 0), HEALTH_CARD)  # returned in October, on time
    _receive(w, "A", at(2023, 10, 2, 9, 0), CONTRACT)  # returned before the due date
    _receive(w, "B", at(2023, 10, 2, 10, 0), CONTRACT)  # returned late
    _return(w, "A", at(2023, 10, 3, 10, 0))
    _return(w, "I", at(2023, 10, 3, 10, 30))
    _receive(w, "E", at(2023, 10, 5, 9, 0), PATERNITY)  # withdrawn
    _receive(w, "F", at(2023, 10, 5, 9, 30), HEALTH_CARD)  # stopped
    w.clock.now = at(2023, 10, 6, 9, 0)
    ctx.lifecycle.withdraw(w.d["E"].id, admin, "Công dân rút hồ sơ")
    w.clock.now = at(2023, 10, 10, 9, 0)
    ctx.lifecycle.stop(w.d["F"].id, admin, "Không đủ điều kiện")
    w.clock.now = at(2023, 10, 11, 9, 0)
    w.d["G"] = ctx.reception.refuse(
        IntakeDraft(CONTRACT, HOA), admin, "Không thuộc thẩm quyền"
    ).value
    _receive(w, "C", at(2023, 10, 16, 9, 0), HEALTH_CARD)  # still open, overdue by 31/10
    _return(w, "B", at(2023, 10, 20, 10, 0))
    _receive(w, "D", at(2023, 10, 30, 9, 0), PATERNITY)  # open, due in November
    _receive(w, "H", at(2023, 10, 31, 23, 30), HEALTH_CARD)  # returned in November
    _receive(w, "J", at(2023, 11, 1, 0, 10), PATERNITY)  # November
    _return(w, "H", at(2023, 11, 2, 9, 0))
    w.clock.now = at(2023, 11, 15, 9, 0)
    # The scenario's premises, from the stored due dates rather than assumed.
    d = w.d
    assert d["A"].due_at is not None and d["A"].due_at > at(2023, 10, 3, 10, 0)
    assert d["I"].due_at is not None and d["I"].due_at > at(2023, 10, 3, 10, 30)
    assert d["B"].due_at is not None and d["B"].due_at < at(2023, 10, 20, 10, 0)
    assert d["C"].due_at is not None and d["C"].due_at < at(2023, 11, 1, 0, 0)
    assert d["D"].due_at is not None and d["D"].due_at >= at(2023, 11, 1, 0, 0)
    assert d["H"].due_at is not None and d["H"].due_at >= at(2023, 11, 1, 0, 0)
    assert d["C"].due_at > at(2023, 10, 20, 12, 0)
    return w


def _by_field(report: Any) -> dict[str, Counts]:
    return {f.field: f.counts for f in report.fields}


def test_month_report_counts_by_field_and_total(world: World) -> None:
    report = world.reports.month_report(2023, 10)
    assert (report.date_from, report.date_to) == (date(2023, 10, 1), date(2023, 10, 31))
    assert report.as_of == at(2023, 11, 1, 0, 0)  # the month is over: its last moment
    assert report.period_label == "Tháng 10/2023"
    assert report.total == Counts(
        received=7,  # A B C D E F H; G was refused at intake, I and J are other months
        returned_on_time=2,  # A, I
        returned_late=1,  # B
        in_progress_on_time=2,  # D, H (returned only in November)
        in_progress_overdue=1,  # C
        refused=1,
        withdrawn=1,
        stopped=1,
    )
    fields = _by_field(report)
    assert fields["Chứng thực"] == Counts(
        received=2, returned_on_time=1, returned_late=1, refused=1
    )
    assert fields["Bảo hiểm y tế"] == Counts(
        received=3, returned_on_time=1, in_progress_on_time=1, in_progress_overdue=1, stopped=1
    )
    assert fields["Hộ tịch"] == Counts(received=2, in_progress_on_time=1, withdrawn=1)
    assert [f.field for f in report.fields] == ["Bảo hiểm y tế", "Chứng thực", "Hộ tịch"]
    procedures = {p.procedure_code: p for p in report.procedures()}
    assert procedures[CONTRACT].field == "Chứng thực"
    assert procedures[CONTRACT].procedure_name == world.d["A"].procedure_name
    assert procedures[PATERNITY].counts == fields["Hộ tịch"]
    for f in report.fields:
        total = Counts()
        for p in f.procedures:
            total = total + p.counts
        assert total == f.counts
    assert report.total.returned == 3 and report.total.in_progress == 3


def test_day_reports_split_open_dossiers_as_of_the_day_end(world: World) -> None:
    r = world.reports.day_report(date(2023, 10, 2))
    assert r.period_label == "Ngày 02/10/2023"
    assert r.as_of == at(2023, 10, 3, 0, 0)
    # A and B arrived that day; I (28/09) was still being processed; K had been withdrawn.
    assert r.total == Counts(received=2, in_progress_on_time=3)
    assert _by_field(r)["Chứng thực"] == Counts(received=2, in_progress_on_time=2)
    r = world.reports.day_report(date(2023, 10, 3))
    assert r.total.returned_on_time == 2 and r.total.received == 0
    assert r.total.in_progress == 1  # B, due on 04/10
    r = world.reports.report("day", date(2023, 10, 24))
    assert r.total.in_progress_overdue == 1  # C, due before 24/10 and still open
    assert r.total.received == 0 and r.total.returned == 0


def test_a_report_of_today_splits_as_of_now(world: World) -> None:
    world.clock.now = at(2023, 10, 20, 12, 0)
    r = world.reports.report("day", date(2023, 10, 20))
    assert r.as_of == at(2023, 10, 20, 12, 0)
    assert r.total.returned_late == 1  # B, returned at 10:00 that day
    assert r.total.in_progress_on_time == 1 and r.total.in_progress_overdue == 0  # C
    world.clock.now = at(2023, 10, 20, 9, 0)  # before B came back: B is still open, overdue
    r = world.reports.report("day", date(2023, 10, 20))
    assert r.total.returned_late == 0
    assert (r.total.in_progress_on_time, r.total.in_progress_overdue) == (1, 1)


def test_empty_and_malformed_periods(world: World) -> None:
    r = world.reports.report("month", date(2023, 8, 15))
    assert (r.date_from, r.date_to) == (date(2023, 8, 1), date(2023, 8, 31))
    assert r.fields == () and r.total == Counts()
    with pytest.raises(ValidationFailedError) as info:
        world.reports.month_report(2023, 13)
    assert info.value.fields == {"month": "invalid_value"}
    with pytest.raises(ValidationFailedError) as info:
        world.reports.report("week", date(2023, 10, 2))
    assert info.value.fields == {"kind": "invalid_value"}


def test_timeliness_compares_office_dates_and_counts_repeated_supplements_late(
    ctx, admin, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    w = World(ctx, admin, clock, ReportService(ctx.reception._uow_factory, clock), {})  # noqa: SLF001
    due_day = _receive(w, "P", at(2023, 11, 6, 9, 0), CONTRACT)  # due Wed 08/11 at 09:00
    assert due_day.due_at == at(2023, 11, 8, 9, 0)
    _return(w, "P", at(2023, 11, 8, 16, 30))  # after the printed hour, on the due date
    twice = _receive(w, "Q", at(2023, 11, 6, 9, 30), CONTRACT)
    for day in (6, 7):
        clock.now = at(2023, 11, day, 10, 0)
        ctx.lifecycle.request_supplement(twice.id, admin, ("Bản sao hợp đồng",), "Thiếu")
        ctx.lifecycle.supplement_completed(twice.id, admin)
    _return(w, "Q", at(2023, 11, 8, 10, 0))  # before its new due date, but supplemented twice
    open_today = _receive(w, "R", at(2023, 11, 13, 9, 0), CONTRACT)  # due Wed 15/11 09:00
    assert open_today.due_at == at(2023, 11, 15, 9, 0)
    clock.now = at(2023, 11, 15, 11, 0)  # past the printed hour of its due date
    day = w.reports.day_report(date(2023, 11, 8)).total
    assert (day.returned_on_time, day.returned_late) == (1, 1)
    month = w.reports.month_report(2023, 11).total
    assert (month.in_progress_on_time, month.in_progress_overdue) == (1, 0)  # due today
    clock.now = at(2023, 11, 16, 8, 0)
    month = w.reports.month_report(2023, 11).total
    assert (month.in_progress_on_time, month.in_progress_overdue) == (0, 1)
