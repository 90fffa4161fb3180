"""Server logs carry no citizen data, and a client that hangs up is not a server fault."""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import time
import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest
from live_support import LiveServer
from sqlalchemy import event
from sync_support import AGENCY_A, VN, Server, make_dossier

from motcua_desk.sync import protocol as p

NAME, ID_NUMBER = "Lê Thị Hoa", "038195001234"  # the applicant of sync_support.make_dossier
AT = datetime(2026, 3, 10, 9, 0, tzinfo=VN)


def test_a_database_fault_logs_no_citizen_data(
    sqlite_server: Server, live: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    dev = sqlite_server.enrol(AGENCY_A)

    # A real database fault: SQLite refuses values over this length ("string or blob too big").
    @event.listens_for(sqlite_server.engine, "connect")
    def _small(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 600)

    sqlite_server.engine.dispose()
    sync_id = str(uuid.uuid4())
    code = p.format_code(AGENCY_A, AT.date(), 1)
    payload = p.dossier_received_payload(make_dossier(sync_id, AGENCY_A, code, AT))
    payload["note"] = f"Bà {NAME}, CCCD {ID_NUMBER}"  # near the end: shown in full if logged
    ev = p.OutboxEvent(str(uuid.uuid4()), 1, p.KIND_RECEIVED, sync_id, AT, payload)
    headers = {p.HEADER: "1", "Authorization": f"Bearer {dev.token}"}
    caplog.set_level(logging.INFO)
    res = httpx.post(
        f"{live.url}/api/v1/sync/push",
        json=p.PushRequest(dev.device_id, (ev,)).to_dict(),
        headers=headers,
        timeout=30,
    )
    assert res.status_code == 500
    assert p.ErrorReply.from_dict(res.json()).code == "server_error"
    time.sleep(0.2)  # the fault is logged after the reply went out
    escaped = json.dumps(NAME)[1:-1]  # as it appears inside a JSON parameter
    for secret in (NAME, escaped, ID_NUMBER):
        assert secret not in caplog.text
    faults = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert faults and "DataError" in faults[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records if r.levelno > logging.DEBUG)


def test_a_client_that_hangs_up_mid_request_is_not_a_server_fault(
    sqlite_server: Server, live: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    dev = sqlite_server.enrol(AGENCY_A)
    caplog.set_level(logging.INFO)
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as s:
        s.sendall(
            b"POST /api/v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"X-Motcua-Protocol: 1\r\nAuthorization: Bearer " + dev.token.encode() + b"\r\n"
            b"Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
            b'{"device_id": "'
        )
        time.sleep(0.2)
    deadline = time.monotonic() + 10
    while "client disconnected" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "client disconnected" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert all(r.exc_info is None for r in caplog.records)
