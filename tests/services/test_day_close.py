"""End-of-day close (issue 5): figures, supervisor approval, guards on a closed day, events."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import Dossier, Status
from motcua_desk.domain.errors import DayClosedError, ValidationFailedError
from motcua_desk.services.accounts import AuthFailedError, PermissionDeniedError
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.day_close import (
    DayAlreadyClosedError,
    DayInFutureError,
    DayNotClosedError,
    day_aggregate_id,
    day_bounds,
)
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.storage.repositories.users import Role
from motcua_desk.ui.strings import error_message

from .conftest import HOA, UNIT, FakeClock, push_to_server

HEALTH_CARD = "1.014137"  # 5 working days
DAY = date(2026, 10, 22)  # Thursday, an ordinary working day
NEXT = date(2026, 10, 23)
SUPERVISOR_PW = "lanh-dao-2026"
CLERK_PW = "can-bo-2026"


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.clock = FakeClock(at(2026, 10, 22, 8, 0))
        self.ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), self.clock)
        self.admin = self.ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
        self.ctx.accounts.create_user(
            self.admin, "lanhdao", "Trần Văn Bình", SUPERVISOR_PW, Role.SUPERVISOR
        )
        self.clerk = self.ctx.accounts.create_user(
            self.admin, "canbo1", "Lê Văn Cường", CLERK_PW, Role.CLERK
        ).value
        assert self.ctx.day_close is not None and self.ctx.lifecycle is not None
        self.days = self.ctx.day_close
        self.lifecycle = self.ctx.lifecycle

    def receive(self, when: datetime) -> Dossier:
        self.clock.now = when
        return self.ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), self.clerk).value

    def print_receipt(self, d: Dossier, outcome: str = "confirmed") -> None:
        doc = self.ctx.documents.render("receipt", d)
        self.ctx.documents.record_print(doc, printer="Máy in 1", outcome=outcome, clerk=self.clerk)

    def dossier_count(self) -> int:
        from sqlalchemy import func, select

        from motcua_desk.storage.orm import DossierRow

        with self.ctx.reception._uow_factory() as uow:  # noqa: SLF001
            return int(uow.session.scalar(select(func.count()).select_from(DossierRow)) or 0)

    def outbox(self) -> list[Any]:
        with self.ctx.reception._uow_factory() as uow:  # noqa: SLF001
            return uow.outbox.pending(limit=1000)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_day_bounds_are_office_midnights() -> None:
    start, end = day_bounds(DAY)
    assert start == at(2026, 10, 22, 0, 0) and start.utcoffset() is not None
    assert start.hour == 17 and start.day == 21  # 00:00 UTC+7 is 17:00 UTC the day before
    assert (end - start).total_seconds() == 86400


def test_summary_counts_and_warnings(world: World) -> None:
    w = world
    d1 = w.receive(at(2026, 10, 22, 8, 0))
    w.print_receipt(d1)
    d2 = w.receive(at(2026, 10, 22, 9, 0))
    w.print_receipt(d2, outcome="failed")  # a failed print is not an issued receipt
    d3 = w.receive(at(2026, 10, 22, 10, 0))
    w.clock.now = at(2026, 10, 22, 10, 30)
    w.lifecycle.hand_over(d3.id, w.clerk, "Phòng Văn hóa - Xã hội")
    w.clock.now = at(2026, 10, 22, 11, 0)
    w.ctx.reception.request_supplement(
        IntakeDraft(HEALTH_CARD, HOA), w.clerk, ("Tờ khai",), "Thiếu tờ khai"
    )
    w.clock.now = at(2026, 10, 22, 14, 0)
    w.ctx.reception.refuse(IntakeDraft(HEALTH_CARD, HOA), w.clerk, "Không thuộc thẩm quyền")
    w.receive(at(2026, 10, 22, 15, 30))  # after the cut-off: hand over tomorrow morning
    # A dossier of the day before, handed over then, whose result is returned today.
    old = w.receive(at(2026, 10, 21, 9, 0))
    with w.ctx.reception._uow_factory() as uow:  # noqa: SLF001 - results came back
        for status, moment in (
            (Status.PROCESSING, at(2026, 10, 21, 10, 0)),
            (Status.PROCESSED, at(2026, 10, 22, 8, 30)),
            (Status.RETURNED, at(2026, 10, 22, 16, 0)),
        ):
            uow.dossiers.set_status(old.id, status, actor="canbo1", at=moment)
        uow.postal.create_batch(
            sync_id=str(uuid.uuid4()),
            code="BC-261022-01",
            direction="results_out",
            at=at(2026, 10, 22, 16, 10),
            by="canbo1",
        )
        uow.commit()
    w.clock.now = at(2026, 10, 22, 16, 30)

    s = w.days.summary(DAY)
    assert s.received == 5  # d1, d2, d3, the incomplete one, the 15:30 one (not the refusal)
    assert s.refused == 1
    assert s.supplement_at_intake == 1
    assert s.handed_over == 1
    assert s.returned == 1
    assert s.receipts_printed == 1  # d1 only: d2's print failed
    assert s.unprinted == 3  # d2, d3 and the 15:30 dossier
    assert s.to_transfer == 2  # d1, d2: received before 15:00, still at the counter
    assert s.to_transfer_next_day == 1
    assert s.open_postal_batches == 1
    assert s.unsynced == len(w.outbox()) > 0
    assert s.warnings == (
        "unprinted",
        "to_transfer",
        "to_transfer_next_day",
        "open_postal_batch",
        "unsynced",
    )
    before = w.days.summary(date(2026, 10, 21))
    assert (before.received, before.handed_over, before.returned) == (1, 1, 0)


def test_office_day_bounds_at_2330_and_0010(world: World) -> None:
    w = world
    late = w.receive(at(2026, 10, 22, 23, 30))
    early = w.receive(at(2026, 10, 23, 0, 10))
    # Both are on the UTC date 22/10; the office dates differ.
    assert late.received_at.astimezone(OFFICE_TZ).date() == DAY
    assert w.days.summary(DAY).received == 1
    assert w.days.summary(NEXT).received == 1
    assert w.days.summary(date(2026, 10, 21)).received == 0
    assert early.code != late.code


def test_close_needs_a_supervisor_password(world: World) -> None:
    w = world
    w.receive(at(2026, 10, 22, 9, 0))
    w.clock.now = at(2026, 10, 22, 17, 0)
    with pytest.raises(AuthFailedError):
        w.days.close(DAY, "lanhdao", "sai-mat-khau", "", w.clerk)
    with pytest.raises(PermissionDeniedError):
        w.days.close(DAY, "canbo1", CLERK_PW, "", w.clerk)
    assert not w.days.is_closed(DAY) and w.days.get(DAY) is None
    pending_before = len(w.outbox())

    closed = w.days.close(DAY, "LanhDao", SUPERVISOR_PW, "Đủ hồ sơ", w.clerk).value
    assert w.days.is_closed(DAY)
    assert (closed.closed_by, closed.note) == ("lanhdao", "Đủ hồ sơ")
    assert closed.closed_at == at(2026, 10, 22, 17, 0)
    expected = w.days.summary(DAY).as_dict()
    # The stored figures are those of the moment of closing (one more event is pending now).
    assert closed.summary == expected | {
        "unsynced": expected["unsynced"] - 1,
        "warnings": closed.summary["warnings"],
    }
    assert closed.summary["received"] == 1
    events = w.outbox()
    assert len(events) == pending_before + 1
    event = events[-1]
    assert event.kind == "day.closed"
    assert event.aggregate_id == day_aggregate_id(UNIT.agency_id, DAY)
    assert uuid.UUID(event.aggregate_id).version == 5
    assert event.payload["day"] == "2026-10-22" and event.payload["clerk"] == "canbo1"
    assert event.payload["summary"] == closed.summary
    with w.ctx.reception._uow_factory() as uow:  # noqa: SLF001
        audit = uow.audit.entries(entity="day", entity_id="2026-10-22")
    assert [(a.action, a.actor) for a in audit] == [("day.closed", "lanhdao")]
    assert [r.day for r in w.days.recent()] == [DAY]

    with pytest.raises(DayAlreadyClosedError):
        w.days.close(DAY, "lanhdao", SUPERVISOR_PW, "", w.clerk)
    with pytest.raises(DayInFutureError):
        w.days.close(NEXT, "lanhdao", SUPERVISOR_PW, "", w.clerk)
    assert not w.days.is_closed(NEXT)
    assert len(w.outbox()) == pending_before + 1


def test_a_closed_day_refuses_changes_until_reopened(world: World) -> None:
    w = world
    d = w.receive(at(2026, 10, 22, 9, 0))
    w.clock.now = at(2026, 10, 22, 17, 0)
    w.days.close(DAY, "lanhdao", SUPERVISOR_PW, "", w.clerk)
    n_dossiers, n_events = w.dossier_count(), len(w.outbox())

    with pytest.raises(DayClosedError) as info:
        w.receive(at(2026, 10, 22, 17, 5))
    assert info.value.data == {"day": "2026-10-22"}
    assert "22/10/2026" in error_message(info.value.code, info.value.data)
    with pytest.raises(DayClosedError):
        w.ctx.reception.refuse(IntakeDraft(HEALTH_CARD, HOA), w.clerk, "Sai thẩm quyền")
    with pytest.raises(DayClosedError):
        w.ctx.reception.request_supplement(
            IntakeDraft(HEALTH_CARD, HOA), w.clerk, ("Tờ khai",), "Thiếu"
        )
    with pytest.raises(DayClosedError):
        w.lifecycle.hand_over(d.id, w.clerk, "Phòng Tư pháp")
    with pytest.raises(DayClosedError):
        w.lifecycle.withdraw(d.id, w.clerk, "Công dân rút")
    assert w.ctx.reception.get_by_code(d.code).status is Status.RECEIVED
    assert (w.dossier_count(), len(w.outbox())) == (n_dossiers, n_events)

    # The next day is open: dossiers of the closed day move on, but nothing is dated on it.
    w.clock.now = at(2026, 10, 23, 8, 0)
    late_entry = IntakeDraft(HEALTH_CARD, HOA)
    late_entry = replace(late_entry, received_at=at(2026, 10, 22, 16, 0))
    with pytest.raises(DayClosedError):
        w.ctx.reception.receive(late_entry, w.clerk)
    assert w.lifecycle.hand_over(d.id, w.clerk, "Phòng Tư pháp").dossier.status is (
        Status.PROCESSING
    )

    # Reopen (supervisor, password, reason), correct, close again.
    with pytest.raises(ValidationFailedError):
        w.days.reopen(DAY, "lanhdao", SUPERVISOR_PW, "  ")
    with pytest.raises(AuthFailedError):
        w.days.reopen(DAY, "lanhdao", "sai-mat-khau", "Nhập sót hồ sơ")
    with pytest.raises(PermissionDeniedError):
        w.days.reopen(DAY, "canbo1", CLERK_PW, "Nhập sót hồ sơ")
    assert w.days.is_closed(DAY)
    reopened = w.days.reopen(DAY, "lanhdao", SUPERVISOR_PW, "Nhập sót hồ sơ").value
    assert not reopened.closed and reopened.reopened_by == "lanhdao"
    assert reopened.reopen_reason == "Nhập sót hồ sơ"
    assert w.outbox()[-1].kind == "day.reopened"
    assert w.outbox()[-1].aggregate_id == day_aggregate_id(UNIT.agency_id, DAY)
    with pytest.raises(DayNotClosedError):
        w.days.reopen(DAY, "lanhdao", SUPERVISOR_PW, "Lần nữa")

    added = w.ctx.reception.receive(late_entry, w.clerk).value
    assert added.code.split("-")[1] == "261022"
    w.clock.now = at(2026, 10, 22, 17, 30)
    w.lifecycle.hand_over(added.id, w.clerk, "Phòng Tư pháp")
    w.clock.now = at(2026, 10, 23, 8, 30)
    again = w.days.close(DAY, "admin", "mat-khau-2026", "Đã bổ sung", w.clerk).value
    assert again.closed and again.closed_by == "admin" and again.summary["received"] == 2
    with w.ctx.reception._uow_factory() as uow:  # noqa: SLF001
        actions = [a.action for a in uow.audit.entries(entity="day", entity_id="2026-10-22")]
    assert actions == ["day.closed", "day.reopened", "day.closed"]


def test_the_server_accepts_the_day_events(world: World, tmp_path: Path) -> None:
    w = world
    w.receive(at(2026, 10, 22, 9, 0))
    w.clock.now = at(2026, 10, 22, 17, 0)
    w.days.close(DAY, "lanhdao", SUPERVISOR_PW, "", w.clerk)
    w.days.reopen(DAY, "lanhdao", SUPERVISOR_PW, "Sửa thông tin")
    w.days.close(DAY, "lanhdao", SUPERVISOR_PW, "Lần hai", w.clerk)

    server, _report = push_to_server(w.ctx, tmp_path / "srv")
    assert w.days.summary(DAY).unsynced == 0
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from motcua_server.models import EventRow

    with Session(server.engine) as session:
        stored = session.execute(
            select(EventRow.kind, EventRow.aggregate_id, EventRow.status).where(
                EventRow.kind.like("day.%")
            )
        ).all()
    day_id = day_aggregate_id(UNIT.agency_id, DAY)
    assert sorted(stored) == [
        ("day.closed", day_id, "accepted"),
        ("day.closed", day_id, "accepted"),
        ("day.reopened", day_id, "accepted"),
    ]
