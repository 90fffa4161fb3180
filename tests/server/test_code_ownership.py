"""A dossier code belongs to one dossier, province-wide (issue 14 §1), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sync_support import AGENCY_A, DAY, VN, Server, make_dossier

from motcua_desk.sync import protocol as p
from motcua_server import codes
from motcua_server.models import DossierRow, LeaseRow, SequenceRow

AT = datetime(2026, 3, 10, 9, 30, tzinfo=VN)


def received(code: str, *, provisional: bool = False, minute: int = 0) -> p.OutboxEvent:
    agg = str(uuid.uuid4())
    at = AT + timedelta(minutes=minute)
    payload = p.dossier_received_payload(make_dossier(agg, AGENCY_A, code, at, provisional))
    return p.OutboxEvent(str(uuid.uuid4()), 1 + minute, p.KIND_RECEIVED, agg, at, payload)


def push(server: Server, dev: p.EnrolResponse, events: list[p.OutboxEvent]) -> list[Any]:
    out: list[p.EventOutcome] = []
    with server.client(dev.token) as t:
        for i in range(0, len(events), 100):
            batch = tuple(events[i : i + 100])
            out += t.push(p.PushRequest(dev.device_id, batch)).outcomes
    return out


def test_two_counters_numbering_before_enrolment_lose_no_dossier(server: Server) -> None:
    """Both counters issued …-0001…-0100 alone; every dossier reaches the server, once."""
    a = server.enrol(AGENCY_A, "Quầy 1")
    b = server.enrol(AGENCY_A, "Quầy 2")
    first = [received(p.format_code(AGENCY_A, DAY, n), minute=n) for n in range(1, 101)]
    second = [received(p.format_code(AGENCY_A, DAY, n), minute=n) for n in range(1, 101)]
    out_a = push(server, a, first)
    out_b = push(server, b, second)
    assert {o.status for o in out_a + out_b} == {p.ACCEPTED}
    assert all(o.assigned_code is None for o in out_a)  # adopted as printed
    assert {o.reason for o in out_b} == {"code_conflict"}
    assigned = [o.assigned_code for o in out_b]
    assert assigned == [p.format_code(AGENCY_A, DAY, n) for n in range(101, 201)]
    # A retry changes nothing: the same outcomes, no second dossier.
    again = push(server, b, second)
    assert [(o.status, o.assigned_code) for o in again] == [(p.DUPLICATE, c) for c in assigned]
    with server.engine.connect() as c:
        rows = c.execute(select(DossierRow.code, DossierRow.provisional_code)).all()
    assert len(rows) == 200 == len({code for code, _ in rows})
    # The server remembers the code the citizen holds.
    printed = {code: held for code, held in rows}
    assert printed[assigned[0]] == p.format_code(AGENCY_A, DAY, 1)
    # The next lease starts after every number now in use.
    with server.client(a.token) as t:
        assert t.lease(p.LeaseRequest(DAY, 5)).first == 201


def test_a_final_code_in_another_devices_block_is_not_taken(server: Server) -> None:
    a = server.enrol(AGENCY_A, "Quầy 1")
    b = server.enrol(AGENCY_A, "Quầy 2")
    with server.client(a.token) as t:
        assert (t.lease(p.LeaseRequest(DAY, 10)).first, t.lease(p.LeaseRequest(DAY, 10)).last) == (
            1,
            20,
        )
    (stolen,) = push(server, b, [received(p.format_code(AGENCY_A, DAY, 5))])
    assert (stolen.status, stolen.reason) == (p.ACCEPTED, "code_not_owned")
    assert stolen.assigned_code == p.format_code(AGENCY_A, DAY, 21)
    # The owner's dossier with that number is accepted as printed.
    (own,) = push(server, a, [received(p.format_code(AGENCY_A, DAY, 5))])
    assert (own.status, own.reason, own.assigned_code) == (p.ACCEPTED, None, None)


def test_unused_leased_numbers_are_recorded_as_gaps(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    a = server.enrol(AGENCY_A, "Quầy 1")
    b = server.enrol(AGENCY_A, "Quầy 2")
    with server.client(a.token) as t:
        t.lease(p.LeaseRequest(DAY, 10))
    used = received(p.format_code(AGENCY_A, DAY, 1))

    def release(ranges: list[list[int]]) -> p.OutboxEvent:
        payload = {"date": DAY.isoformat(), "ranges": ranges}
        agg = str(uuid.uuid4())
        return p.OutboxEvent(str(uuid.uuid4()), 50, p.KIND_RELEASED, agg, AT, payload)

    out = push(server, a, [used, release([[2, 10]]), release([[1, 1]])])
    assert [(o.status, o.reason) for o in out] == [
        (p.ACCEPTED, None),
        (p.ACCEPTED, None),
        (p.REJECTED, "range_used"),
    ]
    (foreign,) = push(server, b, [release([[3, 4]])])
    assert (foreign.status, foreign.reason) == (p.REJECTED, "range_not_leased")
    assert codes.code_gaps(server.engine, AGENCY_A, DAY) == [(2, 10, a.device_id)]
    if server.engine.dialect.name == "sqlite":
        from motcua_server.__main__ import main

        assert main(["--db-url", str(server.engine.url), "code-gaps", AGENCY_A, "2026-03-10"]) == 0
        assert capsys.readouterr().out == f"2-10 device={a.device_id}\n"


@pytest.mark.postgres
def test_leases_and_adoptions_at_once_never_hand_a_number_out_twice(server: Server) -> None:
    """Many leases and final-code adoptions race on one day's sequence (issue 14 §1)."""
    if server.engine.dialect.name != "postgresql":
        pytest.skip("the race needs PostgreSQL's concurrent writers")
    devices = [server.enrol(AGENCY_A, f"Quầy {i}") for i in range(5)]  # enrolment limit
    leased: list[tuple[str, int, int]] = []
    adopted: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(devices))

    def worker(i: int, dev: p.EnrolResponse) -> None:
        try:
            barrier.wait()
            with server.client(dev.token) as t:
                for round_ in range(8):
                    if (i + round_) % 2:
                        r = t.lease(p.LeaseRequest(DAY, 50))
                        leased.append((dev.device_id, r.first, r.last))
                    else:
                        # A final code somewhere ahead of the sequence: adopted or renumbered.
                        ev = received(p.format_code(AGENCY_A, DAY, 40 * (round_ + 1) + i))
                        (o,) = t.push(p.PushRequest(dev.device_id, (ev,))).outcomes
                        assert o.status == p.ACCEPTED
                        adopted.append((dev.device_id, o.assigned_code or ev.payload["code"]))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i, d)) for i, d in enumerate(devices)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    owner: dict[int, str] = {}
    for device_id, first, last in leased:
        for n in range(first, last + 1):
            assert n not in owner, f"number {n} leased twice"
            owner[n] = device_id
    for device_id, code in adopted:
        n = p.parse_code(code)[2]
        assert owner.get(n, device_id) == device_id, f"{code} lies in another device's lease"
        owner[n] = device_id
    with server.engine.connect() as c:
        next_seq = c.scalar(select(SequenceRow.next_seq))
        top = c.execute(select(LeaseRow.last).order_by(LeaseRow.last.desc())).first()
        dossier_codes = c.scalars(select(DossierRow.code)).all()
    assert top is not None and next_seq > max(owner)
    assert len(dossier_codes) == len(set(dossier_codes)) == len(adopted)
