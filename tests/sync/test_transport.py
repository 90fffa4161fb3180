"""The client parses every server reply strictly and maps failures to typed errors."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from motcua_desk.sync import protocol as p
from motcua_desk.sync.errors import AuthError, ConflictError, NetworkError, SyncError
from motcua_desk.sync.transport import MAX_REPLY_BYTES, HttpTransport

DEV = "6fa459ea-ee8a-4ca4-894e-db77e160355e"


def client(handler: Callable[[httpx.Request], httpx.Response]) -> HttpTransport:
    return HttpTransport("http://test", "t" * 43, transport=httpx.MockTransport(handler))


def reply(status: int, body: Any = None, raw: bytes | None = None, **headers: str) -> Any:
    content = raw if raw is not None else json.dumps(body).encode()
    return lambda request: httpx.Response(status, content=content, headers=headers)


CALLS: list[tuple[str, Callable[[HttpTransport], object]]] = [
    ("push", lambda t: t.push(p.PushRequest(DEV, ()))),
    ("pull", lambda t: t.pull(0, 10)),
    ("lease", lambda t: t.lease(p.LeaseRequest(dt.date(2026, 3, 10), 5))),
    ("enrol", lambda t: t.enrol(p.EnrolRequest("ABCD-EFGH", "Q1"))),
]


@pytest.mark.parametrize(("name", "call"), CALLS)
@pytest.mark.parametrize(
    "bad",
    [
        reply(200, raw=b"<html>proxy login</html>"),
        reply(200, raw=b"\xff\xfe\x00"),
        reply(200, raw=b'{"outcomes": NaN}'),
        reply(200, []),
        reply(200, {"outcomes": "all good", "changes": 5, "date": 1, "token": None}),
        reply(200, {}),
        reply(200, raw=b"[" * 100_000),
        reply(200, raw=b" " * (MAX_REPLY_BYTES + 1)),
    ],
)
def test_malformed_replies_are_protocol_errors(name: str, call: Any, bad: Any) -> None:
    with client(bad) as t, pytest.raises(p.ProtocolError):
        call(t)


def test_request_carries_version_and_token() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"changes": [], "next_cursor": 0, "has_more": False})

    with client(handler) as t:
        assert t.pull(0, 10).changes == ()
    assert seen[0].headers[p.HEADER] == str(p.PROTOCOL_VERSION)
    assert seen[0].headers["Authorization"] == "Bearer " + "t" * 43
    assert seen[0].url.params["cursor"] == "0"


@pytest.mark.parametrize(
    ("res", "error", "reason"),
    [
        (reply(401, {"error": {"code": "unauthorized", "detail": {}}}), AuthError, "unauthorized"),
        (reply(403, {"error": {"code": "device_mismatch", "detail": {}}}), AuthError, None),
        (reply(409, {"error": {"code": "event_id_reused", "detail": {}}}), ConflictError, None),
        (
            reply(
                426, {"error": {"code": "protocol_version", "detail": {"reason": "client_too_old"}}}
            ),
            p.VersionError,
            "client_too_old",
        ),
        (
            reply(429, {"error": {"code": "rate_limited", "detail": {}}}, **{"Retry-After": "30"}),
            NetworkError,
            "rate_limited",
        ),
        (reply(500, raw=b"Internal Server Error"), NetworkError, "unparseable_error"),
        (reply(503, {"error": {"code": "retry_later", "detail": {}}}), NetworkError, None),
        (reply(502, raw=b"<html>bad gateway</html>"), NetworkError, None),
        (
            reply(413, {"error": {"code": "payload_too_large", "detail": {}}}),
            p.ProtocolError,
            "payload_too_large",
        ),
        (
            reply(
                422,
                {
                    "error": {
                        "code": "invalid_request",
                        "detail": {"path": "$.events", "reason": "x"},
                    }
                },
            ),
            p.ProtocolError,
            "invalid_request",
        ),
        (reply(404, {"detail": "Not Found"}), p.ProtocolError, "unparseable_error"),
    ],
)
def test_status_codes_map_to_typed_errors(
    res: Any, error: type[Exception], reason: str | None
) -> None:
    with client(res) as t, pytest.raises(error) as err:
        t.pull(0, 10)
    if reason is not None:
        assert err.value.data["reason"] == reason  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "exc",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("x")],
)
def test_transport_failures_are_network_errors(exc: Exception) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    with client(handler) as t, pytest.raises(NetworkError) as err:
        t.push(p.PushRequest(DEV, ()))
    assert err.value.data["reason"] == type(exc).__name__


def test_unreadable_ca_bundle_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(SyncError) as err:
        HttpTransport("https://x", ca_bundle=str(tmp_path / "missing.pem"))
    assert err.value.code == "sync_ca_bundle"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl CLI")
def test_tls_with_a_private_ca_bundle(tmp_path: Path) -> None:
    """The client talks to a TLS server signed by a private CA given as ``ca_bundle``."""
    from sync_support import free_port, start_server_process

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    url = f"sqlite:///{tmp_path / 'tls.db'}"
    proc = start_server_process(
        url,
        port,
        extra=["--ssl-certfile", str(cert), "--ssl-keyfile", str(key)],
        scheme="https",
        verify=str(cert),
    )
    try:
        with HttpTransport(f"https://127.0.0.1:{port}", ca_bundle=str(cert)) as t:
            assert t.health()["protocol"] == p.PROTOCOL_VERSION
        with HttpTransport(f"https://127.0.0.1:{port}") as t, pytest.raises(NetworkError):
            t.health()  # not trusted without the bundle
    finally:
        proc.kill()
        proc.wait()
