"""Several server processes on one database (issue 17): nothing shared lives in process memory.

Two ``motcua-server serve`` processes (one of them with ``--workers 2``: three OS processes in
all) run on one real database. Counters of two units enrol, lease code blocks, push batches of
final and provisional dossiers to either process at random, and send every batch to BOTH
processes at the same time (a retry that raced the lost reply); pullers read the change log
through both while an administrator keeps writing it. If a sequence, a lease, an idempotency
record or a cursor lived in one process's memory, two processes would hand out the same numbers
(a dossier renumbered or refused), store an event twice, or skip a change.
"""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_support import fresh_pg_url
from sqlalchemy import func, select
from sync_support import (
    AGENCY_A,
    AGENCY_B,
    DAY,
    VN,
    ensure_unit,
    free_port,
    make_dossier,
    start_server_process,
)

from motcua_desk.domain.codes import format_provisional
from motcua_desk.sync import protocol as p
from motcua_server import admin
from motcua_server.db import make_engine, upgrade
from motcua_server.models import ChangeRow, DossierRow, EventRow, LeaseRow

DEVICES_PER_UNIT = 4
ROUNDS = 6
FINAL_PER_ROUND = 3
PROVISIONAL_PER_ROUND = 2
CALENDAR_WRITES = 25
AT = datetime(2026, 3, 10, 9, 0, tzinfo=VN)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    return fresh_pg_url()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)  # uvicorn stops its workers on SIGTERM
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return "zombie"


class Desk:
    """One counter PC: its token, the processes it talks to, what it sent and was answered."""

    def __init__(self, agency: str, no: int, token: str, device_id: str, bases: list[str]):
        self.agency, self.no, self.device_id = agency, no, device_id
        self.clients = [
            httpx.Client(
                base_url=b,
                headers={p.HEADER: str(p.PROTOCOL_VERSION), "Authorization": f"Bearer {token}"},
                timeout=60,
            )
            for b in bases
        ]
        self.rng = random.Random(f"{agency}-{no}")
        self.leases: list[tuple[int, int]] = []
        self.final_codes: list[str] = []
        self.outcomes: dict[str, list[dict[str, Any]]] = {}  # event_id -> every answer
        self.sent: list[str] = []
        self.errors: list[str] = []

    def call(self, i: int, method: str, url: str, **kw: Any) -> dict[str, Any]:
        for _ in range(50):
            r = self.clients[i].request(method, url, **kw)
            if r.status_code == 503:  # retry_later: a concurrent batch won a race; send again
                time.sleep(0.05)
                continue
            assert r.status_code == 200, (r.status_code, r.text)
            body: dict[str, Any] = r.json()
            return body
        raise AssertionError("server kept answering 503")

    def lease(self, count: int) -> range:
        req = p.LeaseRequest(DAY, count).to_dict()
        res = self.call(self.rng.randrange(2), "POST", "/api/v1/codes/lease", json=req)
        self.leases.append((res["first"], res["last"]))
        return range(res["first"], res["last"] + 1)

    def push_twice(self, events: list[p.OutboxEvent]) -> None:
        """The same batch to both processes at once: it must be applied exactly once."""
        body = p.PushRequest(self.device_id, tuple(events)).to_dict()
        answers: list[dict[str, Any]] = []

        def send(i: int) -> None:
            try:
                answers.append(self.call(i, "POST", "/api/v1/sync/push", json=body))
            except BaseException as exc:  # reported by the test thread
                self.errors.append(repr(exc))

        threads = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for answer in answers:
            for o in answer["outcomes"]:
                self.outcomes.setdefault(o["event_id"], []).append(o)
        self.sent += [e.event_id for e in events]

    def run(self) -> None:
        try:
            seq = 0
            for r in range(ROUNDS):
                events = []
                for n in self.lease(FINAL_PER_ROUND):
                    code = p.format_code(self.agency, DAY, n)
                    self.final_codes.append(code)
                    events.append(self.received(code, False, seq := seq + 1))
                for k in range(PROVISIONAL_PER_ROUND):
                    code = format_provisional(
                        self.agency, DAY, self.no, r * PROVISIONAL_PER_ROUND + k + 1
                    )
                    events.append(self.received(code, True, seq := seq + 1))
                self.push_twice(events)
        except BaseException as exc:
            self.errors.append(repr(exc))

    def received(self, code: str, provisional: bool, seq: int) -> p.OutboxEvent:
        agg = str(uuid.uuid4())
        dossier = make_dossier(agg, self.agency, code, AT, provisional)
        payload = p.dossier_received_payload(dossier)
        return p.OutboxEvent(str(uuid.uuid4()), seq, p.KIND_RECEIVED, agg, AT, payload)

    def pull_all(self, cursor: int, seen: list[int]) -> int:
        """Pull pages from either process until there is nothing more; return the cursor."""
        while True:
            params = {"cursor": cursor, "limit": 7}
            page = self.call(self.rng.randrange(2), "GET", "/api/v1/sync/pull", params=params)
            seen += [c["cursor"] for c in page["changes"]]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return cursor

    def close(self) -> None:
        for c in self.clients:
            c.close()


def _calendar_writer(engine: Any, errors: list[str]) -> None:
    try:
        for i in range(CALENDAR_WRITES):
            day = date(2027, 1, 1).toordinal() + i
            item = {"date": date.fromordinal(day).isoformat(), "kind": "holiday", "name": f"N{i}"}
            admin.load_calendar(engine, [item])
            time.sleep(0.02)
    except BaseException as exc:
        errors.append(repr(exc))


def test_two_server_processes_share_everything_through_the_database(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    for agency in (AGENCY_A, AGENCY_B):
        ensure_unit(engine, agency)
    ports = [free_port(), free_port()]
    workers: list[int] = []
    procs = [
        start_server_process(db_url, ports[0], timeout=60, extra=["--workers", "2"]),
        start_server_process(db_url, ports[1], timeout=60),
    ]
    try:
        # ``--workers 2``: the port is served by two worker processes of the first server.
        deadline = time.monotonic() + 30
        while len(_children(procs[0].pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        workers = _children(procs[0].pid)
        assert len(workers) >= 2
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        counters: list[Desk] = []
        for agency in (AGENCY_A, AGENCY_B):
            for no in range(1, DEVICES_PER_UNIT + 1):
                _, code = admin.enrol_device(engine, agency, f"Quầy {no}")
                # Enrolment goes to one process, the token is used on both.
                with httpx.Client(base_url=bases[no % 2], timeout=30) as c:
                    res = c.post(
                        "/api/v1/enrol",
                        json=p.EnrolRequest(code, f"Quầy {no}").to_dict(),
                        headers={p.HEADER: str(p.PROTOCOL_VERSION)},
                    )
                assert res.status_code == 200, res.text
                enrolled = p.EnrolResponse.from_dict(res.json())
                counters.append(Desk(agency, no, enrolled.token, enrolled.device_id, bases))

        errors: list[str] = []
        pulled: dict[int, list[int]] = {i: [] for i in range(2)}
        cursors = [0, 0]
        stop = threading.Event()

        def puller(i: int) -> None:
            try:
                while not stop.is_set():
                    cursors[i] = counters[i * DEVICES_PER_UNIT].pull_all(cursors[i], pulled[i])
                    time.sleep(0.01)
            except BaseException as exc:
                errors.append(repr(exc))

        threads = [threading.Thread(target=c.run) for c in counters]
        threads += [threading.Thread(target=puller, args=(i,)) for i in range(2)]
        threads.append(threading.Thread(target=_calendar_writer, args=(engine, errors)))
        for t in threads:
            t.start()
        for t in threads[: len(counters)] + threads[-1:]:
            t.join(300)
        stop.set()
        for t in threads:
            t.join(60)
        errors += [e for c in counters for e in c.errors]
        assert errors == []

        # Pull complete: every change of the log, once, in order, whichever process answered.
        for i in range(2):
            cursors[i] = counters[i * DEVICES_PER_UNIT].pull_all(cursors[i], pulled[i])
        with engine.connect() as conn:
            all_changes = list(conn.scalars(select(ChangeRow.id).order_by(ChangeRow.id)))
        assert len(all_changes) == CALENDAR_WRITES
        for i in range(2):
            assert pulled[i] == all_changes
            assert cursors[i] == all_changes[-1]

        for agency in (AGENCY_A, AGENCY_B):
            mine = [c for c in counters if c.agency == agency]
            # Leases: disjoint blocks of one sequence, whichever process handed them out.
            blocks = sorted(b for c in mine for b in c.leases)
            for (_, last), (first, _) in zip(blocks, blocks[1:], strict=False):
                assert first > last, blocks
            leased = {n for a, b in blocks for n in range(a, b + 1)}
            assigned: list[str] = []
            for c in mine:
                for event_id in c.sent:
                    answers = c.outcomes[event_id]
                    assert len(answers) == 2  # both processes answered the batch
                    statuses = sorted(o["status"] for o in answers)
                    # Exactly once: one process applied it, the other answered the stored outcome.
                    assert statuses == [p.ACCEPTED, p.DUPLICATE], (event_id, answers)
                    assert len({o.get("assigned_code") for o in answers}) == 1
                    assert answers[0].get("reason") is None, answers  # no code conflict
                    if answers[0].get("assigned_code"):
                        assigned.append(answers[0]["assigned_code"])
            # Final codes from a lease always stand; provisional ones were numbered past them.
            assert len(assigned) == DEVICES_PER_UNIT * ROUNDS * PROVISIONAL_PER_ROUND
            assert len(set(assigned)) == len(assigned)
            assert not {p.parse_code(code)[2] for code in assigned} & leased
            with engine.connect() as conn:
                codes = list(
                    conn.scalars(
                        select(DossierRow.code)
                        .join_from(DossierRow, LeaseRow, LeaseRow.unit_id == DossierRow.unit_id)
                        .where(LeaseRow.device_id == mine[0].device_id)
                        .distinct()
                    )
                )
            expected = {code for c in mine for code in c.final_codes} | set(assigned)
            assert set(codes) == expected
            assert [k for k, v in Counter(codes).items() if v > 1] == []

        with engine.connect() as conn:
            n_events = conn.scalar(select(func.count()).select_from(EventRow))
            n_dossiers = conn.scalar(select(func.count()).select_from(DossierRow))
            n_leases = conn.scalar(select(func.count()).select_from(LeaseRow))
        total = len(counters) * ROUNDS * (FINAL_PER_ROUND + PROVISIONAL_PER_ROUND)
        assert n_events == n_dossiers == total  # no event lost, none stored twice
        assert n_leases == len(counters) * ROUNDS
        for c in counters:
            c.close()
    finally:
        for proc in procs:
            _stop(proc)
        engine.dispose()
    for pid in workers:  # SIGTERM to ``serve`` stops its workers too
        assert not Path(f"/proc/{pid}").exists() or "zombie" in _state(pid)
