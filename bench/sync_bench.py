"""Sync benchmark (issue 7): 10,000 offline dossiers synced over loopback, and ingest rates.

Usage: ``.venv/bin/python bench/sync_bench.py [--dossiers 10000] [--provisional]``

1. Desk: N dossiers saved offline in the real desk database (codes from a pre-leased block, or
   provisional with ``--provisional``), then one ``SyncService.run_once()`` against a uvicorn
   server on 127.0.0.1 (SQLite). Target: <= 10 s for 10,000.
2. Server ingest rate (events/s) on SQLite, and on PostgreSQL when ``MOTCUA_TEST_PG_URL`` is set,
   pushing ``dossier.received`` events in batches of 200 from a light sqlite3 client.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests" / "sync")]

from sync_support import (  # noqa: E402
    AGENCY_A,
    DAY,
    VN,
    LiteStore,
    enrol_over_http,
    free_port,
    make_dossier,
    start_server_process,
)

from motcua_desk.config import Settings  # noqa: E402
from motcua_desk.domain.codes import format_provisional  # noqa: E402
from motcua_desk.services.payloads import dossier_payload  # noqa: E402
from motcua_desk.services.settings_store import SettingsStore  # noqa: E402
from motcua_desk.services.sync_service import SyncService  # noqa: E402
from motcua_desk.storage.engine import make_engine as desk_engine  # noqa: E402
from motcua_desk.storage.migrate import migrate  # noqa: E402
from motcua_desk.storage.uow import UnitOfWork  # noqa: E402
from motcua_desk.sync import protocol as p  # noqa: E402
from motcua_desk.sync.engine import SyncEngine  # noqa: E402
from motcua_desk.sync.transport import HttpTransport  # noqa: E402
from motcua_server.db import make_engine, upgrade  # noqa: E402
from motcua_server.models import Base  # noqa: E402

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def desk_phase(tmp: Path, n: int, provisional: bool) -> None:
    url = f"sqlite:///{tmp / 'server.db'}"
    srv_engine = make_engine(url)
    upgrade(srv_engine)
    port = free_port()
    proc = start_server_process(url, port)
    base = f"http://127.0.0.1:{port}"
    try:
        dev = enrol_over_http(srv_engine, base, AGENCY_A, "Quầy 1")
        db = tmp / "desk.db"
        engine = desk_engine(db)
        migrate(engine, db, tmp / "backups")

        def uow() -> UnitOfWork:
            return UnitOfWork(engine, clock=lambda: NOW)

        with uow() as u:
            u.sync_state.set("device_id", dev.device_id)
            u.sync_state.set("device_token", dev.token)
            u.commit()
        if not provisional:
            with HttpTransport(base, dev.token) as t:
                block = t.lease(p.LeaseRequest(DAY, n))
            with uow() as u:
                u.sequences.add_block(AGENCY_A, DAY, block.first, block.last)
                u.commit()
        t0 = time.perf_counter()
        at = datetime(2026, 3, 10, 8, 0, tzinfo=VN)
        for start in range(0, n, 500):
            with uow() as u:
                for i in range(start, min(n, start + 500)):
                    if provisional:
                        code = format_provisional(AGENCY_A, DAY, 1, i + 1)
                    else:
                        code = p.format_code(
                            AGENCY_A, DAY, u.sequences.take_from_blocks(AGENCY_A, DAY)
                        )
                    d = make_dossier(
                        str(uuid.uuid4()), AGENCY_A, code, at + timedelta(seconds=i), provisional
                    )
                    saved = u.dossiers.add(d)
                    payload = dossier_payload(saved) | {"event": "received", "detail": {}}
                    u.outbox.append("dossier.received", saved.sync_id, payload, at=NOW)
                u.commit()
        created = time.perf_counter() - t0
        settings = SettingsStore(Settings(agency_id=AGENCY_A, server_url=base))
        svc = SyncService(uow, settings, clock=lambda: NOW)
        t0 = time.perf_counter()
        report = svc.run_once()
        synced = time.perf_counter() - t0
        assert report.ok, report
        assert report.accepted == n, report
        health = svc.health()
        assert health.pending == 0
        mode = "provisional codes" if provisional else "pre-leased codes"
        print(f"desk: {n} dossiers created offline in {created:.1f} s ({mode})")
        print(
            f"desk: synced over loopback in {synced:.2f} s "
            f"({n / synced:.0f} events/s; assigned codes {report.assigned_codes}, "
            f"leased blocks {report.leased_blocks}); target <= 10 s: "
            f"{'MET' if synced <= 10 else 'MISSED'}"
        )
        engine.dispose()
    finally:
        proc.kill()
        proc.wait()
        srv_engine.dispose()


def ingest_phase(tmp: Path, url: str, label: str, n: int) -> None:
    srv_engine = make_engine(url)
    if not url.startswith("sqlite"):
        with srv_engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    upgrade(srv_engine)
    port = free_port()
    proc = start_server_process(url, port)
    base = f"http://127.0.0.1:{port}"
    try:
        dev = enrol_over_http(srv_engine, base, AGENCY_A, "Quầy bench")
        store = LiteStore(tmp / f"lite-{label}.db", AGENCY_A)
        with HttpTransport(base, dev.token) as t:
            block = t.lease(p.LeaseRequest(DAY, n))
            store.add_code_block(DAY, block.first, block.last)
            at = datetime(2026, 3, 10, 8, 0, tzinfo=VN)
            for i in range(n):
                store.receive_dossier(at + timedelta(seconds=i))
            engine = SyncEngine(t, store, dev.device_id, batch_size=200)
            t0 = time.perf_counter()
            report = engine.run_once()
            elapsed = time.perf_counter() - t0
        assert report.ok and report.accepted == n, report
        print(f"ingest [{label}]: {n} events in {elapsed:.2f} s = {n / elapsed:.0f} events/s")
        store.close()
    finally:
        proc.kill()
        proc.wait()
        srv_engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dossiers", type=int, default=10_000)
    ap.add_argument("--provisional", action="store_true")
    ap.add_argument("--skip-desk", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if not args.skip_desk:
            desk_phase(tmp, args.dossiers, args.provisional)
        ingest_phase(tmp, f"sqlite:///{tmp / 'ingest.db'}", "sqlite", args.dossiers)
        pg = os.environ.get("MOTCUA_TEST_PG_URL")
        if pg:
            ingest_phase(tmp, pg, "postgresql", args.dossiers)
        else:
            print("ingest [postgresql]: skipped (MOTCUA_TEST_PG_URL not set)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
