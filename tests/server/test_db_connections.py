"""Database connections the server's pool holds and PostgreSQL drops (restart, idle cut-off).

Without ``--db-pre-ping`` (the default: it costs a round trip on every request) the first
request on a dropped connection is answered 503 "retry later", the whole pool is renewed, and
the retry succeeds; nothing of the refused batch is half-stored. With it, no request fails.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select
from sync_support import AGENCY_A, DAY, VN, Server, make_dossier

from motcua_desk.sync import protocol as p
from motcua_desk.sync.errors import NetworkError
from motcua_server.config import ServerSettings
from motcua_server.models import DossierRow, EventRow

AT = datetime(2026, 3, 10, 9, 30, tzinfo=VN)


def _pg_url() -> str:
    from live_support import fresh_pg_url

    return fresh_pg_url()


def _drop_server_connections(url: str) -> int:
    """Terminate every other session of the database, as a PostgreSQL restart would."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as c:
        rows = c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def _event(code: str) -> p.OutboxEvent:
    agg = str(uuid.uuid4())
    payload = p.dossier_received_payload(make_dossier(agg, AGENCY_A, code, AT))
    return p.OutboxEvent(str(uuid.uuid4()), 1, p.KIND_RECEIVED, agg, AT, payload)


def _counts(server: Server) -> tuple[int, int]:
    with server.engine.connect() as c:
        events = c.scalar(select(func.count()).select_from(EventRow)) or 0
        dossiers = c.scalar(select(func.count()).select_from(DossierRow)) or 0
    return events, dossiers


@pytest.mark.postgres
@pytest.mark.parametrize("pre_ping", [False, True], ids=["default", "pre-ping"])
def test_dropped_connections_cost_at_most_one_retry(tmp_path: Path, pre_ping: bool) -> None:
    url = _pg_url()
    server = Server(tmp_path, ServerSettings(db_url=url, db_pre_ping=pre_ping))
    try:
        dev = server.enrol(AGENCY_A)
        with server.client(dev.token) as t:
            block = t.lease(p.LeaseRequest(DAY, 5))
            first = _event(p.format_code(AGENCY_A, DAY, block.first))
            assert [o.status for o in t.push(p.PushRequest(dev.device_id, (first,))).outcomes] == [
                p.ACCEPTED
            ]
            assert _drop_server_connections(url) >= 1

            second = _event(p.format_code(AGENCY_A, DAY, block.first + 1))
            request = p.PushRequest(dev.device_id, (second,))
            failures = 0
            for _ in range(3):
                try:
                    outcomes = t.push(request).outcomes
                    break
                except NetworkError:  # 503 retry_later: what the desk's engine retries
                    failures += 1
            else:
                pytest.fail("the server never recovered its database connections")
        assert failures == (0 if pre_ping else 1)
        assert [o.status for o in outcomes] == [p.ACCEPTED]
        assert _counts(server) == (2, 2)  # the refused attempt left nothing behind
    finally:
        server.engine.dispose()


@pytest.mark.postgres
def test_serve_refuses_more_connections_than_postgresql_admits(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Workers x pool size beyond max_connections would fail requests under load, later."""
    from motcua_server.__main__ import main
    from motcua_server.db import OPERATOR_CONNECTIONS, connection_budget, make_engine

    url = _pg_url()
    engine = make_engine(url)
    try:
        budget = connection_budget(engine)
        with engine.connect() as c:
            most = int(c.exec_driver_sql("SHOW max_connections").scalar_one())
    finally:
        engine.dispose()
    assert budget is not None and 0 < budget <= most - OPERATOR_CONNECTIONS
    pool = budget // 4 + 1  # four workers of this pool need more than the budget
    code = main(
        ["--db-url", url, "serve", "--port", "9", "--workers", "4", "--db-pool-size", str(pool)]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "too_many_connections" in err and f"'available': {budget}" in err, err
    assert f"'needed': {4 * pool}" in err


def test_sqlite_has_no_connection_budget(tmp_path: Path) -> None:
    from motcua_server.db import connection_budget, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    try:
        assert connection_budget(engine) is None
    finally:
        engine.dispose()
