"""SyncEngine end to end against the in-process server, with a sqlite client store."""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sync_support import AGENCY_A, DAY, VN, LiteStore, Server

from motcua_desk.domain.dossier import Status
from motcua_desk.sync import protocol as p
from motcua_desk.sync.engine import SyncEngine, SyncReport
from motcua_desk.sync.held import HeldRequest, HeldResponse
from motcua_desk.sync.transport import HttpTransport
from motcua_desk.sync.worker import Backoff, SyncWorker
from motcua_server import admin
from motcua_server.config import ServerSettings
from motcua_server.models import DossierRow

AT = datetime(2026, 3, 10, 9, 0, tzinfo=VN)


def make_engine(server: Server, store: LiteStore, dev: p.EnrolResponse, **kw: Any) -> SyncEngine:
    t = HttpTransport("http://test", dev.token, transport=kw.pop("transport", server.transport()))
    return SyncEngine(t, store, dev.device_id, **kw)


def test_offline_provisional_codes_are_replaced_and_flagged(server: Server, tmp_path: Path) -> None:
    dev = server.enrol(AGENCY_A)
    store = LiteStore(tmp_path / "c.db")
    ids = [store.receive_dossier(AT) for _ in range(3)]
    assert all(prov for _, prov, _, _ in store.dossiers().values())
    engine = make_engine(server, store, dev, lease_days=lambda: [DAY], block_size=20, low_water=5)
    report = engine.run_once()
    assert report.ok and report.online
    assert (report.accepted, report.assigned_codes, report.leased_blocks) == (3, 3, 1)
    local = store.dossiers()
    assert sorted(local[i][0] for i in ids) == [p.format_code(AGENCY_A, DAY, n) for n in (1, 2, 3)]
    assert all(not prov and reprint for _, prov, _, reprint in local.values())
    assert store.code_block_remaining(DAY) == 20
    # The next dossier takes a leased number, not a provisional one.
    new = store.receive_dossier(AT)
    assert store.dossiers()[new][:2] == (p.format_code(AGENCY_A, DAY, 4), False)
    assert engine.run_once().accepted == 1
    assert store.pending_count() == 0


def test_pull_applies_status_unless_local_events_wait(server: Server, tmp_path: Path) -> None:
    dev = server.enrol(AGENCY_A)
    store = LiteStore(tmp_path / "c.db")
    a, b = store.receive_dossier(AT), store.receive_dossier(AT)
    engine = make_engine(server, store, dev)
    assert engine.run_once().ok
    codes = {k: v[0] for k, v in store.dossiers().items()}
    admin.set_status(server.engine, AGENCY_A, codes[a], int(Status.PROCESSING), "phong")
    admin.set_status(server.engine, AGENCY_A, codes[b], int(Status.PROCESSING), "phong")
    admin.load_catalogue(server.engine, [{"code": "2.000815", "name": "Chứng thực"}])
    # b has a local change not yet pushed when the pull page is applied directly:
    store.change_status(b, Status.SUPPLEMENT, AT)
    page = HttpTransport("http://test", dev.token, transport=server.transport()).pull(0, 100)
    store.apply_pull_page(page.changes, page.next_cursor)
    local = store.dossiers()
    assert local[a][2] == int(Status.PROCESSING)
    assert local[b][2] == int(Status.SUPPLEMENT)  # not overwritten: conflict recorded instead
    conflict = store.db.execute("SELECT conflict FROM dossiers WHERE sync_id=?", (b,)).fetchone()
    assert conflict == (1,)
    assert store.get_cursor() == page.next_cursor
    # Re-applying the same page is harmless (idempotent).
    store.apply_pull_page(page.changes, page.next_cursor)
    assert store.dossiers()[a][2] == int(Status.PROCESSING)


def test_pull_pages_until_done(server: Server, tmp_path: Path) -> None:
    dev = server.enrol(AGENCY_A)
    admin.load_catalogue(
        server.engine, [{"code": f"1.{i:06d}", "name": f"T{i}"} for i in range(23)]
    )
    store = LiteStore(tmp_path / "c.db")
    report = make_engine(server, store, dev, pull_limit=5).run_once()
    assert report.pulled == 23
    n = store.db.execute("SELECT COUNT(*) FROM pulled WHERE entity='procedure'").fetchone()[0]
    assert n == 23


def test_rejected_events_leave_the_queue_with_their_reason(server: Server, tmp_path: Path) -> None:
    dev = server.enrol(AGENCY_A)
    store = LiteStore(tmp_path / "c.db")
    a = store.receive_dossier(AT)
    store.change_status(a, Status.RETURNED, AT)  # illegal from RECEIVED
    store.change_status(a, Status.PROCESSING, AT)
    report = make_engine(server, store, dev).run_once()
    assert (report.accepted, report.rejected) == (2, 1)
    assert store.pending_count() == 0
    rows = store.db.execute("SELECT state, reason FROM outbox ORDER BY seq").fetchall()
    assert rows[1] == ("rejected", "illegal_transition:2->10")


class Flaky(httpx.BaseTransport):
    """Fails the next ``fail`` calls: before sending, or after the server answered."""

    def __init__(self, inner: httpx.BaseTransport, fail: int, after: bool) -> None:
        self.inner, self.fail, self.after = inner, fail, after

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.fail and not self.after:
            self.fail -= 1
            raise httpx.ConnectError("down", request=request)
        res = self.inner.handle_request(request)
        if self.fail:
            self.fail -= 1
            raise httpx.ReadError("reply lost", request=request)
        return res


@pytest.mark.parametrize("after", [False, True])
def test_event_is_sent_only_after_acknowledgement(
    server: Server, tmp_path: Path, after: bool
) -> None:
    dev = server.enrol(AGENCY_A)
    store = LiteStore(tmp_path / "c.db")
    store.receive_dossier(AT)
    flaky = Flaky(server.transport(), 1, after)
    engine = make_engine(server, store, dev, transport=flaky)
    failed = engine.run_once()
    assert (failed.ok, failed.online, failed.error_code) == (False, False, "sync_network")
    assert store.pending_count() == 1
    assert store.db.execute("SELECT attempts, last_error FROM outbox").fetchone() == (
        1,
        "sync_network",
    )
    ok = engine.run_once()
    assert ok.ok
    assert (ok.accepted, ok.duplicates) == ((0, 1) if after else (1, 0))
    assert store.pending_count() == 0
    with server.engine.connect() as c:
        assert len(c.execute(select(DossierRow.id)).all()) == 1


class ScriptedTransport:
    """A fake transport replying with scripted (possibly wrong) answers."""

    def __init__(self, push: Any = None, pull: Any = None, lease: Any = None) -> None:
        self._push, self._pull, self._lease = push, pull, lease

    def held(self, req: HeldRequest) -> HeldResponse:
        return HeldResponse(req.event_ids, p.MAX_SEQ)  # it holds all it acknowledged

    def push(self, req: p.PushRequest) -> p.PushResponse:
        return self._push(req)  # type: ignore[no-any-return]

    def pull(self, cursor: int, limit: int) -> p.PullResponse:
        return self._pull(cursor, limit)  # type: ignore[no-any-return]

    def lease(self, req: p.LeaseRequest) -> p.LeaseResponse:
        return self._lease(req)  # type: ignore[no-any-return]


def test_engine_refuses_inconsistent_replies(tmp_path: Path) -> None:
    store = LiteStore(tmp_path / "c.db")
    store.receive_dossier(AT)

    def wrong_outcomes(req: p.PushRequest) -> p.PushResponse:
        return p.PushResponse((p.EventOutcome(str(__import__("uuid").uuid4()), p.ACCEPTED),))

    report = SyncEngine(ScriptedTransport(push=wrong_outcomes), store, "d").run_once()
    assert (report.error_code, report.error_detail["reason"]) == (
        "protocol_error",
        "outcome_mismatch",
    )
    assert store.pending_count() == 1

    store2 = LiteStore(tmp_path / "d.db")
    store2.apply_pull_page((), 10)
    back = ScriptedTransport(pull=lambda c, lim: p.PullResponse((), 3, False))
    report = SyncEngine(back, store2, "d").run_once()
    assert report.error_detail["reason"] == "cursor_went_back"
    assert store2.get_cursor() == 10

    spin = ScriptedTransport(pull=lambda c, lim: p.PullResponse((), c, True))
    assert SyncEngine(spin, store2, "d").run_once().error_detail["reason"] == "empty_page_with_more"

    short = ScriptedTransport(
        pull=lambda c, lim: p.PullResponse((), c, False),
        lease=lambda r: p.LeaseResponse(r.day, 1, 10),
    )
    rep = SyncEngine(short, store2, "d", lease_days=lambda: [DAY], block_size=500).run_once()
    assert rep.error_detail["reason"] == "lease_mismatch"
    assert store2.code_block_remaining(DAY) == 0


class StuckStore(LiteStore):
    def record_outcomes(self, outcomes: Sequence[p.EventOutcome]) -> None:
        pass  # a buggy store that never stores outcomes


def test_engine_does_not_spin_on_a_store_that_ignores_outcomes(
    server: Server, tmp_path: Path
) -> None:
    dev = server.enrol(AGENCY_A)
    store = StuckStore(tmp_path / "c.db")
    store.receive_dossier(AT)
    report = make_engine(server, store, dev).run_once()
    assert report.error_detail["reason"] == "outcomes_not_recorded"


def test_backoff_grows_with_jitter_and_caps() -> None:
    b = Backoff(base=2.0, cap=60.0, rng=random.Random(1))
    assert b.delay(0) == 0.0
    for n, ceiling in ((1, 2.0), (2, 4.0), (3, 8.0), (10, 60.0), (1000, 60.0)):
        samples = [b.delay(n) for _ in range(50)]
        assert all(ceiling / 2 <= s <= ceiling for s in samples)
        assert len(set(samples)) > 1


def test_worker_backs_off_on_failure_and_survives_crashes() -> None:
    calls: list[int] = []
    reports: list[SyncReport] = []
    crashes: list[BaseException] = []
    done = threading.Event()
    t0 = datetime(2026, 1, 1, tzinfo=VN)

    def run() -> SyncReport:
        calls.append(1)
        n = len(calls)
        if n == 2:
            raise RuntimeError("bug")
        if n >= 4:
            done.set()
        err = None if n >= 3 else "sync_network"
        return SyncReport(t0, t0, err is None, error_code=err)

    worker = SyncWorker(
        run,
        interval=0.01,
        backoff=Backoff(base=0.01, cap=0.02),
        on_report=reports.append,
        on_crash=crashes.append,
    )
    worker.start()
    assert done.wait(10)
    worker.stop()
    assert [r.ok for r in reports[:2]] == [False, True]
    assert len(crashes) == 1 and str(crashes[0]) == "bug"
    assert worker.failures == 0


def test_lease_days_today_and_next(server: Server, tmp_path: Path) -> None:
    dev = server.enrol(AGENCY_A)
    store = LiteStore(tmp_path / "c.db")
    days = [date(2026, 3, 10), date(2026, 3, 11)]
    engine = make_engine(server, store, dev, lease_days=lambda: days, block_size=50, low_water=10)
    assert engine.run_once().leased_blocks == 2
    assert engine.run_once().leased_blocks == 0  # above the low-water mark
    assert [store.code_block_remaining(d) for d in days] == [50, 50]


def test_oversized_events_split_the_batch_then_go_to_rejected(tmp_path: Path) -> None:
    settings = ServerSettings(db_url=f"sqlite:///{tmp_path / 's.db'}", max_body_bytes=20_000)
    srv = Server(tmp_path, settings)
    dev = srv.enrol(AGENCY_A)
    store = LiteStore(tmp_path / "c.db")
    small = [store.receive_dossier(AT) for _ in range(12)]  # the first batch holds all 13
    huge = store.append_raw("audit.appended", small[0], {"blob": "x" * 30_000})
    report = make_engine(srv, store, dev, batch_size=50).run_once()
    assert report.ok, report
    assert (report.accepted, report.rejected) == (12, 1)
    assert store.pending_count() == 0
    state = store.db.execute(
        "SELECT state, reason FROM outbox WHERE event_id=?", (huge,)
    ).fetchone()
    assert state == ("rejected", "payload_too_large")
    srv.engine.dispose()
