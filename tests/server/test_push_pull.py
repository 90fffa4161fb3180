"""Push, pull and code leases through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sync_support import AGENCY_A, AGENCY_B, DAY, VN, Server, make_dossier

from motcua_desk.domain.dossier import Status
from motcua_desk.sync import protocol as p
from motcua_desk.sync.errors import AuthError, ConflictError
from motcua_server import admin
from motcua_server.models import DossierRow, EventRow

AT = datetime(2026, 3, 10, 9, 30, tzinfo=VN)


def received_event(
    agency: str, code: str, *, provisional: bool = False, seq: int = 1, agg: str | None = None
) -> p.OutboxEvent:
    agg = agg or str(uuid.uuid4())
    payload = p.dossier_received_payload(make_dossier(agg, agency, code, AT, provisional))
    return p.OutboxEvent(str(uuid.uuid4()), seq, p.KIND_RECEIVED, agg, AT, payload)


def status_event(
    agg: str, to: Status, seq: int = 2, frm: Status = Status.RECEIVED
) -> p.OutboxEvent:
    payload = p.status_changed_payload(frm, to, AT, "clerk1")
    return p.OutboxEvent(str(uuid.uuid4()), seq, p.KIND_STATUS, agg, AT, payload)


def push(server: Server, dev: p.EnrolResponse, *events: p.OutboxEvent) -> list[p.EventOutcome]:
    with server.client(dev.token) as t:
        return list(t.push(p.PushRequest(dev.device_id, events)).outcomes)


def lease(server: Server, dev: p.EnrolResponse, count: int, day: date = DAY) -> p.LeaseResponse:
    with server.client(dev.token) as t:
        return t.lease(p.LeaseRequest(day, count))


def test_push_accepts_once_then_answers_duplicate(server: Server) -> None:
    dev = server.enrol(AGENCY_A)
    block = lease(server, dev, 10)
    assert (block.first, block.last) == (1, 10)
    ev = received_event(AGENCY_A, p.format_code(AGENCY_A, DAY, 1))
    first = push(server, dev, ev)
    assert [o.status for o in first] == [p.ACCEPTED]
    again = push(server, dev, ev)
    assert [o.status for o in again] == [p.DUPLICATE]
    with server.engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(DossierRow)) == 1
        assert c.scalar(select(func.count()).select_from(EventRow)) == 1


def test_same_event_id_with_other_payload_is_a_conflict(server: Server) -> None:
    dev = server.enrol(AGENCY_A)
    lease(server, dev, 5)
    ev = received_event(AGENCY_A, p.format_code(AGENCY_A, DAY, 1))
    push(server, dev, ev)
    tampered = p.OutboxEvent(
        ev.event_id,
        ev.seq,
        ev.kind,
        ev.aggregate_id,
        ev.occurred_at,
        {**ev.payload, "applicant_name": "Người khác"},
    )
    with pytest.raises(ConflictError) as err:
        push(server, dev, tampered)
    assert err.value.data["reason"] == "event_id_reused"


def test_a_code_numbered_before_enrolment_is_adopted(server: Server) -> None:
    dev = server.enrol(AGENCY_A)
    local = received_event(AGENCY_A, p.format_code(AGENCY_A, DAY, 3))  # never leased
    (out,) = push(server, dev, local)
    assert (out.status, out.assigned_code, out.reason) == (p.ACCEPTED, None, None)
    block = lease(server, dev, 5)
    assert (block.first, block.last) == (4, 8)  # the sequence moved past the adopted number
    again = received_event(AGENCY_A, p.format_code(AGENCY_A, DAY, 3))
    (dup,) = push(server, dev, again)
    # The clash does not lose the dossier: the server numbers it and says why.
    assert (dup.status, dup.reason) == (p.ACCEPTED, "code_conflict")
    assert dup.assigned_code == p.format_code(AGENCY_A, DAY, 9)


def test_business_rejections_are_outcomes(server: Server) -> None:
    dev = server.enrol(AGENCY_A)
    lease(server, dev, 5)
    ok = received_event(AGENCY_A, p.format_code(AGENCY_A, DAY, 1))
    events = [
        ok,
        status_event(ok.aggregate_id, Status.RETURNED),  # RECEIVED -> RETURNED is illegal
        status_event(str(uuid.uuid4()), Status.PROCESSING),  # unknown dossier
        received_event(AGENCY_A, p.format_code(AGENCY_A, DAY, 9999)),  # far beyond the sequence
        received_event(AGENCY_A, p.format_code(AGENCY_A, DAY, 1)),  # code already used
        received_event(AGENCY_B, p.format_code(AGENCY_B, DAY, 1)),  # another unit
        p.OutboxEvent(str(uuid.uuid4()), 9, p.KIND_RECEIVED, str(uuid.uuid4()), AT, {"x": 1}),
        status_event(ok.aggregate_id, Status.PROCESSING),
    ]
    out = push(server, dev, *events)
    reasons = [o.status if o.status == p.ACCEPTED else o.reason for o in out]
    assert reasons[0] == p.ACCEPTED
    assert reasons[1] == "illegal_transition:2->10"
    assert reasons[2] == "unknown_dossier"
    # Final codes the device does not own are not taken as they are, but the dossiers are kept
    # under a code the server assigns (the reason says why).
    assert [(o.status, o.reason) for o in out[3:5]] == [
        (p.ACCEPTED, "code_not_leased"),
        (p.ACCEPTED, "code_conflict"),
    ]
    assert [o.assigned_code for o in out[3:5]] == [
        p.format_code(AGENCY_A, DAY, 6),
        p.format_code(AGENCY_A, DAY, 7),
    ]
    assert reasons[5] == "wrong_unit"
    assert reasons[6].startswith("invalid_payload:$.payload.")
    assert reasons[7] == p.ACCEPTED
    # A rejected event replayed keeps its rejection; the accepted one is a duplicate.
    replay = push(server, dev, events[1], events[0])
    assert [o.status for o in replay] == [p.REJECTED, p.DUPLICATE]
    with server.engine.connect() as c:
        status = c.scalar(select(DossierRow.status).where(DossierRow.sync_id == ok.aggregate_id))
    assert status == int(Status.PROCESSING)


def test_provisional_code_is_replaced_from_the_sequence(server: Server) -> None:
    dev = server.enrol(AGENCY_A)
    other = server.enrol(AGENCY_A, "Quầy 2")
    assert lease(server, other, 3).last == 3
    ev = received_event(AGENCY_A, "000.00.06.H56-260310-T01-0001", provisional=True)
    (out,) = push(server, dev, ev)
    assert out.status == p.ACCEPTED
    assert out.assigned_code == "000.00.06.H56-260310-0004"
    assert lease(server, other, 2).first == 5
    with server.engine.connect() as c:
        row = c.execute(select(DossierRow.code, DossierRow.provisional_code)).one()
    assert tuple(row) == ("000.00.06.H56-260310-0004", "000.00.06.H56-260310-T01-0001")
    (dup,) = push(server, dev, ev)
    assert (dup.status, dup.assigned_code) == (p.DUPLICATE, out.assigned_code)


def test_leases_are_disjoint_across_devices_and_threads(server: Server) -> None:
    devices = [server.enrol(AGENCY_A, f"Quầy {i}") for i in range(4)]
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def take(dev: p.EnrolResponse) -> None:
        try:
            for _ in range(5):
                r = lease(server, dev, 7)
                results.append((r.first, r.last))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(d,)) for d in devices]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = [n for first, last in results for n in range(first, last + 1)]
    assert len(numbers) == len(set(numbers)) == 4 * 5 * 7
    assert sorted(numbers) == list(range(1, 141))
    # Another unit's sequence is independent.
    assert lease(server, server.enrol(AGENCY_B), 1).first == 1


def test_pull_pages_catalogue_calendar_users_and_statuses(server: Server) -> None:
    dev = server.enrol(AGENCY_A)
    dev_b = server.enrol(AGENCY_B)
    admin.load_catalogue(
        server.engine, [{"code": f"1.{i:06d}", "name": f"Thủ tục {i}"} for i in range(7)]
    )
    admin.load_calendar(server.engine, [{"date": "2026-02-16", "kind": "holiday", "name": "Tết"}])
    admin.create_user(server.engine, AGENCY_A, "hoa", "Lê Thị Hoa", "mat-khau-1", "clerk")
    admin.create_user(server.engine, AGENCY_B, "lan", "Trần Lan", "mat-khau-2", "clerk")
    lease(server, dev, 1)
    ev = received_event(AGENCY_A, p.format_code(AGENCY_A, DAY, 1))
    push(server, dev, ev)
    admin.set_status(server.engine, AGENCY_A, ev.payload["code"], 4, "phong-tu-phap")
    seen: list[p.Change] = []
    cursor = 0
    with server.client(dev.token) as t:
        while True:
            page = t.pull(cursor, 3)
            seen.extend(page.changes)
            cursor = page.next_cursor
            if not page.has_more:
                break
        assert t.pull(cursor, 3).changes == ()
    kinds = [c.entity for c in seen]
    assert kinds.count("procedure") == 7 and kinds.count("holiday") == 1
    assert [c.key for c in seen if c.entity == "user"] == ["hoa"]
    (st,) = [c for c in seen if c.entity == "dossier_status"]
    assert (st.key, st.data["status"]) == (ev.aggregate_id, 4)
    with server.client(dev_b.token) as t:
        b_seen = t.pull(0, 100).changes
    assert [c.key for c in b_seen if c.entity == "user"] == ["lan"]
    assert not [c for c in b_seen if c.entity == "dossier_status"]


def test_device_of_unit_a_cannot_touch_unit_b(server: Server) -> None:
    dev_a = server.enrol(AGENCY_A)
    dev_b = server.enrol(AGENCY_B)
    lease(server, dev_b, 2)
    ev_b = received_event(AGENCY_B, p.format_code(AGENCY_B, DAY, 1))
    assert push(server, dev_b, ev_b)[0].status == p.ACCEPTED
    attacks: list[Any] = [
        status_event(ev_b.aggregate_id, Status.PROCESSING),
        p.OutboxEvent(
            str(uuid.uuid4()), 3, p.KIND_UPDATED, ev_b.aggregate_id, AT, {"fields": {"note": "x"}}
        ),
        p.OutboxEvent(str(uuid.uuid4()), 4, "print.recorded", ev_b.aggregate_id, AT, {}),
        received_event(AGENCY_A, p.format_code(AGENCY_A, DAY, 1), agg=ev_b.aggregate_id),
    ]
    out = push(server, dev_a, *attacks)
    assert [o.reason for o in out] == ["wrong_unit"] * 4
    # Replaying B's own event id from A is refused outright.
    with pytest.raises(ConflictError):
        push(server, dev_a, ev_b)
    # A device cannot push in another device's name.
    with pytest.raises(AuthError), server.client(dev_a.token) as t:
        t.push(p.PushRequest(dev_b.device_id, ()))
    with server.engine.connect() as c:
        status = c.scalar(select(DossierRow.status).where(DossierRow.sync_id == ev_b.aggregate_id))
    assert status == int(Status.RECEIVED)


def test_set_status_refuses_illegal_transition(server: Server) -> None:
    dev = server.enrol(AGENCY_A)
    lease(server, dev, 1)
    ev = received_event(AGENCY_A, p.format_code(AGENCY_A, DAY, 1))
    push(server, dev, ev)
    from motcua_desk.domain.errors import IllegalTransitionError

    with pytest.raises(IllegalTransitionError):
        admin.set_status(server.engine, AGENCY_A, ev.payload["code"], 10, "x")
    with pytest.raises(admin.AdminError):
        admin.set_status(server.engine, AGENCY_A, "nope", 4, "x")
