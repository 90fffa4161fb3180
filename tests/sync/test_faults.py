"""100 randomized fault trials (issue 7): nothing lost, nothing doubled, both sides equal.

* 80 in-process trials through a faulty transport: dropped requests, replies lost after the
  server committed, duplicated and reordered deliveries (60 with a light sqlite3 client store,
  20 with the real desk storage behind ``SyncService``);
* 10 trials killing the uvicorn server process with SIGKILL during a stream of pushes, then
  restarting it;
* 10 trials killing the client process with SIGKILL between send and acknowledgement, then
  finishing the sync from its database.

The 20 subprocess trials run again on PostgreSQL when ``MOTCUA_TEST_PG_URL`` is set (extra).
Set ``MOTCUA_FAULT_REPORT=<file>`` to write the counts as JSON.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from desk_support import check_desk_end_state, desk_change_status, desk_db, desk_receive
from faults import FaultyTransport, check_end_state, merge
from sync_support import (
    AGENCY_A,
    AGENCY_B,
    REPO,
    VN,
    LiteStore,
    Server,
    enrol_over_http,
    ensure_unit,
    free_port,
    start_server_process,
)

from motcua_desk.config import Settings
from motcua_desk.domain.dossier import Status
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.services.sync_service import SyncService
from motcua_desk.sync import protocol as p
from motcua_desk.sync.engine import SyncEngine
from motcua_desk.sync.transport import HttpTransport
from motcua_server import admin
from motcua_server.db import make_engine
from motcua_server.models import Base

SEED = 20261125
IN_PROCESS_TRIALS = 60
DESK_TRIALS = 20
SERVER_KILL_TRIALS = 10
CLIENT_KILL_TRIALS = 10
REPORT: dict[str, Any] = {}


@pytest.fixture(scope="module", autouse=True)
def _write_report() -> Any:
    yield
    target = os.environ.get("MOTCUA_FAULT_REPORT")
    if target:
        Path(target).write_text(json.dumps(REPORT, indent=2, sort_keys=True), encoding="utf-8")


def _sync_until_done(engine: SyncEngine, store: LiteStore, tries: int = 200) -> int:
    for attempt in range(1, tries + 1):
        report = engine.run_once()
        if report.ok and store.pending_count() == 0:
            return attempt
    raise AssertionError("sync did not converge")


def _work(rng: random.Random, store: LiteStore, day: date, n: int) -> None:
    """n new dossiers; some move on (status changes recorded as events)."""
    at = datetime.combine(day, datetime.min.time(), VN) + timedelta(hours=8)
    for i in range(n):
        sync_id = store.receive_dossier(at + timedelta(minutes=i))
        if rng.random() < 0.4:
            store.change_status(sync_id, Status.PROCESSING, at)
            if rng.random() < 0.5:
                store.change_status(sync_id, Status.PROCESSED, at)


def test_in_process_faulty_transport(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    server = Server(tmp_path, enrol_rate_limit=10_000)
    totals: dict[str, Any] = {"trials": 0, "runs": 0}
    faults: dict[str, int] = {}
    for trial in range(IN_PROCESS_TRIALS):
        agency = AGENCY_A if trial % 2 else AGENCY_B
        dev = server.enrol(agency, f"Quầy {trial}")
        store = LiteStore(tmp_path / f"client{trial}.db", agency, device_no=trial % 90 + 1)
        day = date(2026, 3, 2) + timedelta(days=trial % 5)
        faulty = FaultyTransport(server.transport(), rng, rate=rng.choice([0.2, 0.35, 0.5]))
        engine = SyncEngine(
            HttpTransport("http://test", dev.token, transport=faulty),
            store,
            dev.device_id,
            lease_days=lambda d=day: [d],  # type: ignore[misc]
            batch_size=rng.randint(1, 4),
            block_size=3,
            low_water=1,
        )
        _work(rng, store, day, rng.randint(1, 4))  # offline: provisional codes
        totals["runs"] += _sync_until_done(engine, store)
        _work(rng, store, day, rng.randint(1, 5))  # leased numbers, then provisional again
        totals["runs"] += _sync_until_done(engine, store)
        merge(totals, check_end_state(server.engine, store))
        merge(faults, dict(faulty.counts))
        totals["trials"] += 1
        store.close()
    server.engine.dispose()
    REPORT["in_process"] = {**totals, "faults": faults}
    assert totals["trials"] == IN_PROCESS_TRIALS
    assert min(faults.values()) > 20, faults  # every kind of fault was exercised


def test_desk_storage_through_sync_service(tmp_path: Path) -> None:
    """The same faults with the real desk database and ``SyncService`` on the client side."""
    rng = random.Random(SEED + 3)
    server = Server(tmp_path, enrol_rate_limit=10_000)
    totals: dict[str, Any] = {"trials": 0, "runs": 0, "dossiers": 0, "events": 0}
    faults: dict[str, int] = {}
    for trial in range(DESK_TRIALS):
        agency = AGENCY_A if trial % 2 else AGENCY_B
        day = date(2026, 3, 2) + timedelta(days=trial % 5)
        now = datetime.combine(day, datetime.min.time(), VN) + timedelta(hours=8)
        engine, uow_factory = desk_db(tmp_path / f"desk{trial}.db")
        faulty = FaultyTransport(server.transport(), rng, rate=rng.choice([0.2, 0.35, 0.5]))
        settings = SettingsStore(Settings(agency_id=agency, server_url="http://test"))
        service = SyncService(
            uow_factory,
            settings,
            clock=lambda now=now: now,  # type: ignore[misc]
            transport_factory=lambda s, token, f=faulty: HttpTransport(  # type: ignore[misc]
                s.server_url, token, transport=f
            ),
        )
        ensure_unit(server.engine, agency)
        _, code = admin.enrol_device(server.engine, agency, f"Quầy {trial}")
        with HttpTransport("http://test", transport=server.transport()) as t:
            enrolled = t.enrol(p.EnrolRequest(code, "Quầy"))
        with uow_factory() as uow:
            uow.sync_state.set("device_id", enrolled.device_id)
            uow.sync_state.set("device_token", enrolled.token)
            uow.commit()
        ids: list[str] = []
        for round_ in range(2):  # offline first (provisional codes), then with leased blocks
            for i in range(rng.randint(1, 4)):
                sid = desk_receive(uow_factory, agency, now + timedelta(minutes=i), trial + 1)
                ids.append(sid)
                if rng.random() < 0.4:
                    desk_change_status(uow_factory, sid, Status.PROCESSING, now)
            for attempt in range(1, 201):
                report = service.run_once()
                if report.ok and service.health().pending == 0:
                    totals["runs"] += attempt
                    break
            else:
                raise AssertionError(f"trial {trial} round {round_} did not converge")
        totals["events"] += check_desk_end_state(server.engine, uow_factory, ids)
        totals["dossiers"] += len(ids)
        totals["trials"] += 1
        merge(faults, dict(faulty.counts))
        engine.dispose()
    server.engine.dispose()
    REPORT["desk_storage"] = {**totals, "faults": faults}
    assert min(faults.values()) > 5, faults


def _live_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'live.db'}"
    url = os.environ.get("MOTCUA_TEST_PG_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("MOTCUA_TEST_PG_URL is required in CI")
        pytest.skip("MOTCUA_TEST_PG_URL not set (run scripts/start_postgres.sh)")
    engine = make_engine(url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live_server(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A uvicorn server subprocess; the kill trials also run on PostgreSQL (extra, not counted
    in the 100)."""
    url = _live_url(request.param, tmp_path)
    port = free_port()
    engine = make_engine(url)
    from motcua_server.db import upgrade

    upgrade(engine)
    state = {"proc": start_server_process(url, port), "url": url, "port": port, "engine": engine}
    yield state
    proc = state["proc"]
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    engine.dispose()


def test_server_killed_mid_commit_and_restarted(
    tmp_path: Path, live_server: Any, request: pytest.FixtureRequest
) -> None:
    rng = random.Random(SEED + 1)
    base = f"http://127.0.0.1:{live_server['port']}"
    totals: dict[str, Any] = {"trials": 0, "kills": 0, "network_errors": 0}
    for trial in range(SERVER_KILL_TRIALS):
        dev = enrol_over_http(live_server["engine"], base, AGENCY_A, f"Quầy {trial}")
        store = LiteStore(tmp_path / f"client{trial}.db", AGENCY_A, device_no=trial + 1)
        _work(rng, store, date(2026, 3, 10), 25)
        transport = HttpTransport(base, dev.token, timeout=3.0)
        engine = SyncEngine(transport, store, dev.device_id, batch_size=3)
        errors: list[str] = []
        stop = threading.Event()

        def loop(
            engine: SyncEngine = engine,
            store: LiteStore = store,
            errors: list[str] = errors,
            stop: threading.Event = stop,
        ) -> None:
            while not stop.is_set():
                report = engine.run_once()
                if report.error_code:
                    errors.append(report.error_code)
                    time.sleep(0.05)
                elif store.pending_count() == 0:
                    return

        worker = threading.Thread(target=loop)
        worker.start()
        time.sleep(rng.uniform(0.0, 0.15))
        live_server["proc"].send_signal(signal.SIGKILL)
        live_server["proc"].wait()
        totals["kills"] += 1
        live_server["proc"] = start_server_process(live_server["url"], live_server["port"])
        worker.join(60)
        stop.set()
        assert not worker.is_alive()
        assert set(errors) <= {"sync_network"}, errors
        totals["network_errors"] += len(errors)
        merge(totals, check_end_state(live_server["engine"], store))
        totals["trials"] += 1
        transport.close()
        store.close()
    REPORT[f"server_kill[{request.node.callspec.params['live_server']}]"] = totals


_CLIENT = """
import sys
sys.path[:0] = [{src!r}, {sync!r}]
from sync_support import LiteStore
from motcua_desk.sync.engine import SyncEngine
from motcua_desk.sync.transport import HttpTransport
store = LiteStore({db!r}, {agency!r})
engine = SyncEngine(HttpTransport({url!r}, {token!r}), store, {device!r}, batch_size=2)
print("ready", flush=True)
while store.pending_count():
    engine.run_once()
print("done", flush=True)
"""


def test_client_killed_between_send_and_ack(
    tmp_path: Path, live_server: Any, request: pytest.FixtureRequest
) -> None:
    rng = random.Random(SEED + 2)
    base = f"http://127.0.0.1:{live_server['port']}"
    totals: dict[str, Any] = {"trials": 0, "killed_with_pending": 0}
    for trial in range(CLIENT_KILL_TRIALS):
        dev = enrol_over_http(live_server["engine"], base, AGENCY_B, f"Quầy {trial}")
        db = tmp_path / f"client{trial}.db"
        store = LiteStore(db, AGENCY_B, device_no=trial + 1)
        _work(rng, store, date(2026, 3, 11), 20)
        store.close()
        code = _CLIENT.format(
            src=str(REPO / "src"),
            sync=str(Path(__file__).parent),
            db=str(db),
            agency=AGENCY_B,
            url=base,
            token=dev.token,
            device=dev.device_id,
        )
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        store = LiteStore(db, AGENCY_B, device_no=trial + 1)
        if store.pending_count():
            totals["killed_with_pending"] += 1
        with HttpTransport(base, dev.token) as transport:
            engine = SyncEngine(transport, store, dev.device_id, batch_size=5)
            _sync_until_done(engine, store, tries=5)
        merge(totals, check_end_state(live_server["engine"], store))
        totals["trials"] += 1
        store.close()
    REPORT[f"client_kill[{request.node.callspec.params['live_server']}]"] = totals
    assert totals["killed_with_pending"] >= 3  # the kills did land mid-sync
