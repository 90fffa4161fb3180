"""The HTTP edge: enrolment, tokens, versions, size limits and malformed requests."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sync_support import AGENCY_A, Server

from motcua_desk.sync import protocol as p
from motcua_desk.sync.errors import AuthError
from motcua_server import admin
from motcua_server.config import ServerSettings
from motcua_server.security import RateLimitedError, RateLimiter

V = {p.HEADER: str(p.PROTOCOL_VERSION)}


@pytest.fixture
def raw(sqlite_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url="http://test", transport=sqlite_server.transport()) as c:
        yield c


def auth(token: str) -> dict[str, str]:
    return {**V, "Authorization": f"Bearer {token}"}


def error_of(res: httpx.Response) -> p.ErrorReply:
    return p.ErrorReply.from_dict(res.json())


def test_enrolment_code_is_one_time(sqlite_server: Server, raw: httpx.Client) -> None:
    admin.create_unit(sqlite_server.engine, AGENCY_A, "Phường Điện Biên")
    _, code = admin.enrol_device(sqlite_server.engine, AGENCY_A, "Quầy 1")
    body = {"enrolment_code": code.lower().replace("-", ""), "device_name": "Quầy 1"}
    res = raw.post("/api/v1/enrol", json=body, headers=V)
    assert res.status_code == 200
    enrolled = p.EnrolResponse.from_dict(res.json())
    assert enrolled.agency_id == AGENCY_A
    ok = raw.get("/api/v1/sync/pull", headers=auth(enrolled.token))
    assert ok.status_code == 200
    # Once the token has been used, the reply clearly arrived: the code is spent.
    again = raw.post("/api/v1/enrol", json=body, headers=V)
    assert (again.status_code, error_of(again).code) == (401, "unauthorized")


def test_enrolment_retry_after_a_lost_reply_gets_the_same_device(
    sqlite_server: Server, raw: httpx.Client
) -> None:
    admin.create_unit(sqlite_server.engine, AGENCY_A, "Phường Điện Biên")
    device_id, code = admin.enrol_device(sqlite_server.engine, AGENCY_A, "Quầy 1")
    body = {"enrolment_code": code, "device_name": "Quầy 1"}
    lost = raw.post("/api/v1/enrol", json=body, headers=V)  # committed; the reply never arrives
    assert lost.status_code == 200
    retry = raw.post("/api/v1/enrol", json=body, headers=V)
    assert retry.status_code == 200, retry.text
    got = p.EnrolResponse.from_dict(retry.json())
    assert got.device_id == device_id == lost.json()["device_id"]
    # The lost token is replaced: only the one the counter received works.
    assert raw.get("/api/v1/sync/pull", headers=auth(lost.json()["token"])).status_code == 401
    assert raw.get("/api/v1/sync/pull", headers=auth(got.token)).status_code == 200
    spent = raw.post("/api/v1/enrol", json=body, headers=V)
    assert spent.status_code == 401


def test_revoked_device_is_refused(sqlite_server: Server, raw: httpx.Client) -> None:
    from motcua_server.__main__ import main

    dev = sqlite_server.enrol(AGENCY_A)
    assert raw.get("/api/v1/sync/pull", headers=auth(dev.token)).status_code == 200
    url = str(sqlite_server.engine.url)
    assert main(["--db-url", url, "revoke-device", dev.device_id]) == 0
    assert raw.get("/api/v1/sync/pull", headers=auth(dev.token)).status_code == 401
    assert main(["--db-url", url, "revoke-device", "nope"]) == 2


def test_token_is_stored_hashed(sqlite_server: Server) -> None:
    dev = sqlite_server.enrol(AGENCY_A)
    with sqlite_server.engine.connect() as c:
        dump = "\n".join(str(r) for r in c.exec_driver_sql("SELECT * FROM devices"))
    assert dev.token not in dump


def test_enrolment_is_rate_limited(sqlite_server: Server, raw: httpx.Client) -> None:
    body = {"enrolment_code": "WRONG-CODE-XX", "device_name": "Q"}
    codes = [raw.post("/api/v1/enrol", json=body, headers=V).status_code for _ in range(7)]
    assert codes[:5] == [401] * 5
    assert codes[5:] == [429, 429]
    res = raw.post("/api/v1/enrol", json=body, headers=V)
    assert int(res.headers["Retry-After"]) >= 1


def test_rate_limiter_window_slides(sqlite_server: Server) -> None:
    t0 = datetime(2026, 3, 10, tzinfo=UTC)
    now = [t0]
    rl = RateLimiter(sqlite_server.engine, 2, 10.0, clock=lambda: now[0])
    rl.fail("a")
    rl.fail("a")
    rl.fail("b")
    rl.check("b")
    with pytest.raises(RateLimitedError):
        rl.check("a")
    now[0] = t0 + timedelta(seconds=10.5)
    rl.check("a")


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", "/api/v1/sync/pull"), ("POST", "/api/v1/sync/push"), ("POST", "/api/v1/codes/lease")],
)
@pytest.mark.parametrize("token", [None, "x" * 43, "y" * 500])
def test_endpoints_require_a_valid_token(
    raw: httpx.Client, method: str, url: str, token: str | None
) -> None:
    headers = dict(V) if token is None else auth(token)
    res = raw.request(method, url, headers=headers, json={})
    assert res.status_code == 401
    assert error_of(res).code == "unauthorized"


@pytest.mark.parametrize(
    ("header", "reason"),
    [(None, "missing_or_malformed"), ("0", "client_too_old"), ("2", "client_too_new")],
)
def test_version_refusal(
    sqlite_server: Server, raw: httpx.Client, header: str | None, reason: str
) -> None:
    dev = sqlite_server.enrol(AGENCY_A)
    headers = {"Authorization": f"Bearer {dev.token}"}
    if header is not None:
        headers[p.HEADER] = header
    res = raw.get("/api/v1/sync/pull", headers=headers)
    assert res.status_code == 426
    err = error_of(res)
    assert err.code == "protocol_version"
    assert err.detail["reason"] == reason
    assert err.detail["server_version"] == p.PROTOCOL_VERSION


def test_client_maps_refusals_to_typed_errors(sqlite_server: Server) -> None:
    with sqlite_server.client("bad-token-" * 5) as t, pytest.raises(AuthError):
        t.pull(0, 10)


@pytest.fixture
def token(sqlite_server: Server) -> str:
    return sqlite_server.enrol(AGENCY_A).token


@pytest.mark.parametrize(
    ("url", "content", "path"),
    [
        ("/api/v1/sync/push", b"{not json", "$"),
        ("/api/v1/sync/push", b"\xff\xfe", "$"),
        ("/api/v1/sync/push", b'{"device_id": NaN, "events": []}', "$"),
        ("/api/v1/sync/push", b"[]", "$"),
        ("/api/v1/sync/push", b'{"device_id": 5, "events": []}', "$.device_id"),
        ("/api/v1/sync/push", b'{"device_id": "x"}', "$.events"),
        ("/api/v1/codes/lease", b'{"date": "2026-13-01", "count": 5}', "$.date"),
        ("/api/v1/codes/lease", b'{"date": "2026-03-01", "count": "5"}', "$.count"),
        ("/api/v1/codes/lease", b'{"date": "2026-03-01", "count": 100000}', "$.count"),
        ("/api/v1/enrol", b'{"enrolment_code": 1, "device_name": "x"}', "$.enrolment_code"),
        ("/api/v1/sync/push", b"[" * 5000 + b"]" * 5000, "$"),
    ],
)
def test_malformed_bodies_get_422_with_a_path(
    raw: httpx.Client, token: str, url: str, content: bytes, path: str
) -> None:
    res = raw.post(url, content=content, headers=auth(token))
    assert res.status_code == 422, res.text
    err = error_of(res)
    assert err.code == "invalid_request"
    assert err.detail["path"] == path


@pytest.mark.parametrize("query", ["cursor=-1", "cursor=abc", "limit=0", "limit=100000"])
def test_malformed_pull_query(raw: httpx.Client, token: str, query: str) -> None:
    res = raw.get(f"/api/v1/sync/pull?{query}", headers=auth(token))
    assert res.status_code == 422
    assert error_of(res).code == "invalid_request"


def test_huge_bodies_get_413(tmp_path: Path) -> None:
    settings = ServerSettings(db_url=f"sqlite:///{tmp_path / 's.db'}", max_body_bytes=10_000)
    srv = Server(tmp_path, settings)
    token = srv.enrol(AGENCY_A).token
    big = b'{"pad": "' + b"x" * 20_000 + b'"}'

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(big), 1000):
            yield big[i : i + 1000]

    with httpx.Client(base_url="http://test", transport=srv.transport()) as c:
        declared = c.post("/api/v1/sync/push", content=big, headers=auth(token))
        streamed = c.post("/api/v1/sync/push", content=chunks(), headers=auth(token))
    for res in (declared, streamed):
        assert res.status_code == 413
        assert error_of(res).code == "payload_too_large"
    srv.engine.dispose()


def test_unknown_route_uses_the_error_envelope(raw: httpx.Client) -> None:
    res = raw.get("/api/v2/nothing")
    assert res.status_code == 404
    assert error_of(res).code == "http_error"


def _documented_endpoints() -> set[tuple[str, str]]:
    doc = Path(__file__).parents[2] / "docs" / "sync-protocol.md"
    rows = re.findall(
        r"^\|\s*(GET|POST|PUT)\s*\|\s*`([^`]+)`", doc.read_text(encoding="utf-8"), re.M
    )
    return {(m, path) for m, path in rows}


def test_openapi_matches_the_protocol_document(sqlite_server: Server, raw: httpx.Client) -> None:
    spec: dict[str, Any] = raw.get("/openapi.json").json()
    served = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    assert served == _documented_endpoints()
    examples = {
        "/api/v1/sync/push": p.PushRequest("x", ()).to_dict(),
        "/api/v1/codes/lease": {"date": "", "count": 0},
        "/api/v1/enrol": p.EnrolRequest("x", "y").to_dict(),
    }
    for path, example in examples.items():
        schema = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert set(schema["properties"]) == set(example)
    pull = spec["paths"]["/api/v1/sync/pull"]["get"]["responses"]["200"]["content"]
    assert set(pull["application/json"]["schema"]["properties"]) == {
        "changes",
        "next_cursor",
        "has_more",
    }


def test_cli_admin_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from motcua_server.__main__ import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    seed = Path(__file__).parents[2] / "resources" / "seed" / "procedures.json"
    cal = tmp_path / "cal.json"
    cal.write_text(json.dumps([{"date": "2026-08-22", "kind": "makeup_workday", "name": "Làm bù"}]))
    assert main(["--db-url", url, "create-unit", AGENCY_A, "Phường Điện Biên"]) == 0
    assert main(["--db-url", url, "enrol-device", AGENCY_A, "Quầy 1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"enrolment_code=[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", out)
    assert main(["--db-url", url, "load-catalogue", str(seed)]) == 0
    assert "procedures=32" in capsys.readouterr().out
    assert main(["--db-url", url, "load-calendar", str(cal)]) == 0
    # The password never goes on the command line (issue 14 §5): stdin or a prompt.
    with pytest.raises(SystemExit):
        main(["--db-url", url, "create-user", AGENCY_A, "hoa", "Hoa", "--password", "x" * 9])
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-dai\n"))
    assert (
        main(["--db-url", url, "create-user", AGENCY_A, "hoa", "Lê Thị Hoa", "--password-stdin"])
        == 0
    )
    answers = iter(["mat-khau-dai-2", "mat-khau-khac"])
    monkeypatch.setattr("getpass.getpass", lambda _prompt="": next(answers))
    assert main(["--db-url", url, "create-user", AGENCY_A, "lan", "Lan"]) == 2
    assert "passwords_differ" in capsys.readouterr().err
    answers = iter(["mat-khau-dai-2", "mat-khau-dai-2"])
    assert main(["--db-url", url, "create-user", AGENCY_A, "lan", "Lan"]) == 0
    # Errors: typed, exit code 2, no traceback.
    assert main(["--db-url", url, "create-unit", AGENCY_A, "again"]) == 2
    assert main(["--db-url", url, "enrol-device", "NOPE", "x"]) == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    assert main(["--db-url", url, "load-catalogue", str(bad)]) == 2
    bad.write_text('[{"date": "2026-02-30", "kind": "holiday"}]')
    assert main(["--db-url", url, "load-calendar", str(bad)]) == 2
    bad.write_text('[{"date": "2026-02-03", "kind": "party"}]')
    assert main(["--db-url", url, "load-calendar", str(bad)]) == 2
    bad.write_text('[{"code": 5, "name": "x"}]')
    assert main(["--db-url", url, "load-catalogue", str(bad)]) == 2
    assert main(["--db-url", url, "set-status", AGENCY_A, "nope", "4"]) == 2
    assert "unknown_dossier" in capsys.readouterr().err


def test_a_rejection_reason_stays_within_the_protocol_limit(
    sqlite_server: Server, raw: httpx.Client
) -> None:
    """A payload key of any length or content is quoted in the reason, cut to what a client
    accepts (else the reply could not be parsed and the counter's queue would be stuck)."""
    import uuid

    dev = sqlite_server.enrol(AGENCY_A)
    ev = p.OutboxEvent(
        str(uuid.uuid4()),
        1,
        p.KIND_UPDATED,
        str(uuid.uuid4()),
        datetime(2026, 3, 10, tzinfo=UTC),
        {"fields": {}, "Đ\x00" * 3000: 1},
    )
    res = raw.post(
        "/api/v1/sync/push",
        json=p.PushRequest(dev.device_id, (ev,)).to_dict(),
        headers=auth(dev.token),
    )
    assert res.status_code == 200
    (outcome,) = p.PushResponse.from_dict(res.json()).outcomes
    assert outcome.status == p.REJECTED
    assert outcome.reason is not None and "\x00" not in outcome.reason


@pytest.mark.parametrize("name", ["Quầy\x001", "Quầy\n1", "\x7f"])
def test_a_device_name_with_control_characters_is_refused(
    sqlite_server: Server, raw: httpx.Client, name: str
) -> None:
    admin.create_unit(sqlite_server.engine, AGENCY_A, "Phường Điện Biên")
    _, code = admin.enrol_device(sqlite_server.engine, AGENCY_A, "Quầy 1")
    res = raw.post("/api/v1/enrol", json={"enrolment_code": code, "device_name": name}, headers=V)
    assert res.status_code == 422
    assert error_of(res).detail == {"path": "$.device_name", "reason": "control_character"}
    ok = raw.post(
        "/api/v1/enrol", json={"enrolment_code": code, "device_name": "Quầy 1"}, headers=V
    )
    assert ok.status_code == 200  # the code was not used up by the refused request
