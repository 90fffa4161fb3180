"""Test support shared by tests/sync, tests/server and bench/sync_bench.py.

``AsgiSyncTransport`` drives the FastAPI app in-process through ``httpx.ASGITransport`` from the
synchronous client; ``LiteStore`` is a small sqlite3 implementation of the engine's
``LocalStore`` port (the desk's own storage is wired in ``services/sync_service.py``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sqlite3
import ssl
import threading
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from motcua_desk.domain.codes import format_provisional
from motcua_desk.domain.dossier import Dossier, Person, Status
from motcua_desk.sync import protocol as p
from motcua_server import admin
from motcua_server.app import create_app
from motcua_server.config import ServerSettings
from motcua_server.db import make_engine, upgrade

VN = timezone(timedelta(hours=7))
DAY = date(2026, 3, 10)
AGENCY_A = "000.00.06.H56"
AGENCY_B = "000.00.07.H56"


def make_dossier(
    sync_id: str, agency_id: str, code: str, received_at: datetime, provisional: bool = False
) -> Dossier:
    return Dossier(
        sync_id=sync_id,
        code=code,
        agency_id=agency_id,
        procedure_code="2.000815",
        procedure_name="Chứng thực bản sao từ bản chính",
        applicant=Person("Lê Thị Hoa", "038195001234"),
        received_at=received_at,
        due_at=None,
        status=Status.RECEIVED,
        provisional_code=provisional,
    )


_LOOPS_LOCK = threading.Lock()


def _loop_of(app: Any) -> asyncio.AbstractEventLoop:
    """One event loop per app, running in its own thread, as uvicorn runs one per worker: the
    app's asyncio objects (the push semaphore) belong to one loop, whichever thread calls."""
    with _LOOPS_LOCK:
        loop: asyncio.AbstractEventLoop | None = getattr(app.state, "test_loop", None)
        if loop is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="asgi-test-loop", daemon=True).start()
            app.state.test_loop = loop
        return loop


class AsgiSyncTransport(httpx.BaseTransport):
    """A synchronous httpx transport that runs each request through ``httpx.ASGITransport``,
    on the app's one event loop (from any thread)."""

    def __init__(self, app: Any) -> None:
        self._asgi = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self._loop = _loop_of(app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def run() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            req = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            res = await self._asgi.handle_async_request(req)
            content = b"".join([chunk async for chunk in res.stream])  # type: ignore[union-attr]
            return res.status_code, res.headers.raw, content

        future = asyncio.run_coroutine_threadsafe(run(), self._loop)
        status, headers, content = future.result()
        return httpx.Response(status, headers=headers, content=content)


class Server:
    """A migrated SQLite server database and its app."""

    def __init__(self, tmp: Path, settings: ServerSettings | None = None, **kw: Any) -> None:
        url = f"sqlite:///{tmp / 'server.db'}"
        settings = settings or ServerSettings(db_url=url, **kw)
        if settings.blob_dir == ServerSettings().blob_dir:  # never the working directory
            settings = dataclasses.replace(settings, blob_dir=str(tmp / "blobs"))
        self.settings = settings
        st = self.settings
        self.engine = make_engine(st.db_url, st.db_pool_size, st.db_pre_ping)
        upgrade(self.engine)
        self.app = create_app(self.settings, self.engine)

    def transport(self) -> AsgiSyncTransport:
        return AsgiSyncTransport(self.app)

    def enrol(self, agency_id: str, name: str = "Quầy 1") -> p.EnrolResponse:
        ensure_unit(self.engine, agency_id)
        _, code = admin.enrol_device(self.engine, agency_id, name)
        from motcua_desk.sync.transport import HttpTransport

        with HttpTransport("http://test", transport=self.transport()) as t:
            return t.enrol(p.EnrolRequest(code, name))

    def client(self, token: str) -> Any:
        from motcua_desk.sync.transport import HttpTransport

        return HttpTransport("http://test", token, transport=self.transport())


def ensure_unit(engine: Any, agency_id: str) -> None:
    try:
        admin.create_unit(engine, agency_id, f"Đơn vị {agency_id}")
    except admin.AdminError as exc:
        if exc.data.get("reason") != "unit_exists":
            raise


def setup_server_db(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT UNIQUE NOT NULL, kind TEXT NOT NULL,
  aggregate_id TEXT NOT NULL, occurred_at TEXT NOT NULL, payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending', reason TEXT, attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT);
CREATE TABLE IF NOT EXISTS dossiers (
  sync_id TEXT PRIMARY KEY, code TEXT UNIQUE NOT NULL, provisional INTEGER NOT NULL,
  status INTEGER NOT NULL, needs_reprint INTEGER NOT NULL DEFAULT 0, conflict INTEGER DEFAULT 0);
CREATE TABLE IF NOT EXISTS blocks (day TEXT NOT NULL, next INTEGER NOT NULL, last INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pulled (entity TEXT, key TEXT, data TEXT, PRIMARY KEY (entity, key));
"""


class LiteStore:
    """sqlite3 ``LocalStore``: every method is one transaction (WAL, synchronous=FULL)."""

    def __init__(self, path: Path | str, agency_id: str = AGENCY_A, device_no: int = 1) -> None:
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(_SCHEMA)
        self.agency_id = agency_id
        self.device_no = device_no

    def close(self) -> None:
        self.db.close()

    def _tx(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    # --------------------------------------------------------------- local actions

    def receive_dossier(self, received_at: datetime, *, sync_id: str | None = None) -> str:
        """Save a dossier and its ``dossier.received`` event in one transaction."""
        sync_id = sync_id or str(uuid.uuid4())
        day = received_at.date()
        db = self._tx()
        try:
            row = db.execute(
                "SELECT rowid, next FROM blocks WHERE day=? AND next<=last ORDER BY next LIMIT 1",
                (day.isoformat(),),
            ).fetchone()
            if row is not None:
                db.execute("UPDATE blocks SET next=next+1 WHERE rowid=?", (row[0],))
                code, provisional = p.format_code(self.agency_id, day, row[1]), False
            else:
                n = db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
                code = format_provisional(self.agency_id, day, self.device_no, n + 1)
                provisional = True
            db.execute(
                "INSERT INTO dossiers (sync_id, code, provisional, status) VALUES (?,?,?,?)",
                (sync_id, code, int(provisional), int(Status.RECEIVED)),
            )
            payload = p.dossier_received_payload(
                make_dossier(sync_id, self.agency_id, code, received_at, provisional)
            )
            self._append(db, p.KIND_RECEIVED, sync_id, received_at, payload)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return sync_id

    def change_status(self, sync_id: str, to: Status, at: datetime) -> None:
        db = self._tx()
        try:
            (cur,) = db.execute(
                "SELECT status FROM dossiers WHERE sync_id=?", (sync_id,)
            ).fetchone()
            db.execute("UPDATE dossiers SET status=? WHERE sync_id=?", (int(to), sync_id))
            payload = p.status_changed_payload(Status(cur), to, at, "clerk1")
            self._append(db, p.KIND_STATUS, sync_id, at, payload)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def append_raw(self, kind: str, aggregate_id: str, payload: dict[str, Any]) -> str:
        db = self._tx()
        event_id = self._append(db, kind, aggregate_id, datetime(2026, 3, 10, tzinfo=UTC), payload)
        db.execute("COMMIT")
        return event_id

    @staticmethod
    def _append(
        db: sqlite3.Connection, kind: str, agg: str, at: datetime, payload: dict[str, Any]
    ) -> str:
        event_id = str(uuid.uuid4())
        db.execute(
            "INSERT INTO outbox (event_id, kind, aggregate_id, occurred_at, payload) "
            "VALUES (?,?,?,?,?)",
            (event_id, kind, agg, at.isoformat(), json.dumps(payload, ensure_ascii=False)),
        )
        return event_id

    # --------------------------------------------------------------- LocalStore port

    def pending_events(self, limit: int) -> Sequence[p.OutboxEvent]:
        rows = self.db.execute(
            "SELECT event_id, seq, kind, aggregate_id, occurred_at, payload FROM outbox "
            "WHERE state='pending' ORDER BY seq LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            p.OutboxEvent(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]), json.loads(r[5]))
            for r in rows
        ]

    def record_outcomes(self, outcomes: Sequence[p.EventOutcome]) -> None:
        db = self._tx()
        for o in outcomes:
            state = "rejected" if o.status == p.REJECTED else "acked"
            db.execute(
                "UPDATE outbox SET state=?, reason=?, attempts=attempts+1 WHERE event_id=?",
                (state, o.reason, o.event_id),
            )
            if o.assigned_code:
                (agg,) = db.execute(
                    "SELECT aggregate_id FROM outbox WHERE event_id=?", (o.event_id,)
                ).fetchone()
                db.execute(
                    "UPDATE dossiers SET code=?, provisional=0, needs_reprint=1 WHERE sync_id=?",
                    (o.assigned_code, agg),
                )
        db.execute("COMMIT")

    def record_failure(self, event_ids: Sequence[str], error_code: str) -> None:
        db = self._tx()
        db.executemany(
            "UPDATE outbox SET attempts=attempts+1, last_error=? WHERE event_id=?",
            [(error_code, e) for e in event_ids],
        )
        db.execute("COMMIT")

    def get_cursor(self) -> int:
        row = self.db.execute("SELECT value FROM state WHERE key='cursor'").fetchone()
        return 0 if row is None else int(row[0])

    def apply_pull_page(self, changes: Sequence[p.Change], next_cursor: int) -> None:
        db = self._tx()
        for c in changes:
            db.execute(
                "INSERT OR REPLACE INTO pulled (entity, key, data) VALUES (?,?,?)",
                (c.entity, c.key, json.dumps(c.data, ensure_ascii=False)),
            )
            if c.entity == "dossier_status":
                waiting = db.execute(
                    "SELECT COUNT(*) FROM outbox WHERE aggregate_id=? AND state='pending'",
                    (c.key,),
                ).fetchone()[0]
                col = "conflict=1" if waiting else "status=?"
                args: tuple[Any, ...] = (c.key,) if waiting else (c.data["status"], c.key)
                db.execute(f"UPDATE dossiers SET {col} WHERE sync_id=?", args)
        db.execute(
            "INSERT OR REPLACE INTO state (key, value) VALUES ('cursor', ?)", (str(next_cursor),)
        )
        db.execute("COMMIT")

    def code_block_remaining(self, day: date) -> int:
        row = self.db.execute(
            "SELECT COALESCE(SUM(last-next+1),0) FROM blocks WHERE day=? AND next<=last",
            (day.isoformat(),),
        ).fetchone()
        return int(row[0])

    def add_code_block(self, day: date, first: int, last: int) -> None:
        db = self._tx()
        db.execute(
            "INSERT INTO blocks (day, next, last) VALUES (?,?,?)", (day.isoformat(), first, last)
        )
        db.execute("COMMIT")

    def latest_acked(self) -> str | None:
        row = self.db.execute(
            "SELECT event_id FROM outbox WHERE state='acked' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return None if row is None else str(row[0])

    def acked_after(self, seq: int, limit: int) -> Sequence[tuple[str, int]]:
        rows = self.db.execute(
            "SELECT event_id, seq FROM outbox WHERE state='acked' AND seq>? ORDER BY seq LIMIT ?",
            (seq, limit),
        ).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def resend_acked(self, event_ids: Sequence[str]) -> None:
        db = self._tx()
        db.executemany(
            "UPDATE outbox SET state='pending' WHERE event_id=? AND state='acked'",
            [(e,) for e in event_ids],
        )
        db.execute("COMMIT")

    # --------------------------------------------------------------- inspection

    def pending_count(self) -> int:
        return int(
            self.db.execute("SELECT COUNT(*) FROM outbox WHERE state='pending'").fetchone()[0]
        )

    def dossiers(self) -> dict[str, tuple[str, bool, int, bool]]:
        rows = self.db.execute(
            "SELECT sync_id, code, provisional, status, needs_reprint FROM dossiers"
        )
        return {r[0]: (r[1], bool(r[2]), r[3], bool(r[4])) for r in rows}

    def event_ids(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for agg, eid in self.db.execute("SELECT aggregate_id, event_id FROM outbox ORDER BY seq"):
            out.setdefault(agg, []).append(eid)
        return out


# --------------------------------------------------------------------------- subprocesses

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server_process(
    db_url: str,
    port: int,
    timeout: float = 30.0,
    extra: Sequence[str] = (),
    scheme: str = "http",
    verify: str | bool = True,
) -> Any:
    """``python -m motcua_server serve`` on 127.0.0.1:port; returns the Popen once healthy."""
    import os
    import subprocess
    import sys
    import time

    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "motcua_server", "--db-url", db_url, "serve", "--port", str(port)]
        + ["--enrol-rate-limit", "1000", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            health = f"{scheme}://127.0.0.1:{port}/api/v1/health"
            ctx = ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify
            if httpx.get(health, timeout=1, verify=ctx).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    proc.wait()
    raise RuntimeError("server did not start")


def enrol_over_http(engine: Any, base_url: str, agency_id: str, name: str) -> p.EnrolResponse:
    from motcua_desk.sync.transport import HttpTransport

    ensure_unit(engine, agency_id)
    _, code = admin.enrol_device(engine, agency_id, name)
    with HttpTransport(base_url) as t:
        return t.enrol(p.EnrolRequest(code, name))
