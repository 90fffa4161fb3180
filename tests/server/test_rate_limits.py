"""Enrolment rate limits: failures only, per real client address, shared by every worker."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sync_support import AGENCY_A, Server

from motcua_desk.sync import protocol as p
from motcua_server import admin
from motcua_server.app import create_app

V = {p.HEADER: str(p.PROTOCOL_VERSION)}
BAD = {"enrolment_code": "WRONG-CODE-XX", "device_name": "Q"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[object]:
    """``motcua-server serve`` as an IT officer starts it, on loopback; extra CLI args."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(*extra: str) -> str:
        port = _free_port()
        db = f"sqlite:///{tmp_path / f'serve{port}.db'}"
        cmd = [sys.executable, "-m", "motcua_server", "--db-url", db, "serve"]
        proc = subprocess.Popen([*cmd, "--host", "127.0.0.1", "--port", str(port), *extra])
        procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/api/v1/health", timeout=1)
                return url
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.1)

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(10)


def _attempts(url: str, forwarded: list[str]) -> list[int]:
    return [
        httpx.post(
            f"{url}/api/v1/enrol", json=BAD, headers={**V, "X-Forwarded-For": ip}, timeout=10
        ).status_code
        for ip in forwarded
    ]


def test_a_forged_forwarded_for_does_not_escape_the_limit(serve: object) -> None:
    url = serve()  # type: ignore[operator]
    codes = _attempts(url, [f"203.0.113.{i}" for i in range(7)])
    assert codes == [401] * 5 + [429] * 2


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(serve: object) -> None:
    url = serve("--trusted-proxy", "127.0.0.1")  # type: ignore[operator]
    assert _attempts(url, [f"203.0.113.{i}" for i in range(7)]) == [401] * 7
    same = _attempts(url, ["198.51.100.7, 203.0.113.200"] * 6)  # the last hop is the client
    assert same == [401] * 5 + [429]
    assert _attempts(url, ["203.0.113.200"]) == [429]


def test_successful_enrolments_are_not_counted(sqlite_server: Server) -> None:
    admin.create_unit(sqlite_server.engine, AGENCY_A, "Phường Điện Biên")
    with httpx.Client(base_url="http://test", transport=sqlite_server.transport()) as c:
        for i in range(8):  # one officer enrolling a room of counters in a minute
            _, code = admin.enrol_device(sqlite_server.engine, AGENCY_A, f"Quầy {i}")
            res = c.post(
                "/api/v1/enrol", json={"enrolment_code": code, "device_name": "Q"}, headers=V
            )
            assert res.status_code == 200, (i, res.text)


def test_the_limit_is_shared_by_every_worker(sqlite_server: Server) -> None:
    """Two app instances on one database (two server worker processes) count together."""
    other = Server.__new__(Server)
    other.settings, other.engine = sqlite_server.settings, sqlite_server.engine
    other.app = create_app(sqlite_server.settings, sqlite_server.engine)
    codes = []
    for i in range(7):
        srv = (sqlite_server, other)[i % 2]
        with httpx.Client(base_url="http://test", transport=srv.transport()) as c:
            codes.append(c.post("/api/v1/enrol", json=BAD, headers=V).status_code)
    assert codes == [401] * 5 + [429] * 2
