"""Device tokens can be rotated, by the device or on an admin's request, without lock-out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from sync_support import AGENCY_A, Server

from motcua_desk.config import Settings
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.services.sync_service import TOKEN_KEY, SyncService
from motcua_desk.storage.engine import make_engine
from motcua_desk.storage.migrate import migrate
from motcua_desk.storage.uow import UnitOfWork
from motcua_desk.sync import protocol as p
from motcua_desk.sync.transport import HttpTransport
from motcua_server import admin
from motcua_server.models import Device

V = {p.HEADER: str(p.PROTOCOL_VERSION)}


def auth(token: str) -> dict[str, str]:
    return {**V, "Authorization": f"Bearer {token}"}


@pytest.fixture
def raw(sqlite_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url="http://test", transport=sqlite_server.transport()) as c:
        yield c


def pull(raw: httpx.Client, token: str) -> httpx.Response:
    return raw.get("/api/v1/sync/pull", headers=auth(token))


def test_rotation_keeps_the_old_token_until_the_new_one_is_used(
    sqlite_server: Server, raw: httpx.Client
) -> None:
    old = sqlite_server.enrol(AGENCY_A).token
    res = raw.post("/api/v1/device/token", headers=auth(old))
    assert res.status_code == 200
    new = p.TokenResponse.from_dict(res.json()).token
    assert new != old
    # The reply might not have arrived: the old token still works, and asks for a rotation.
    still = pull(raw, old)
    assert still.status_code == 200 and still.headers.get(p.ROTATE_HEADER) == "due"
    # The first use of the new token confirms the rotation: the old one is dead from then on.
    confirmed = pull(raw, new)
    assert confirmed.status_code == 200 and p.ROTATE_HEADER not in confirmed.headers
    assert pull(raw, old).status_code == 401
    assert raw.post("/api/v1/device/token", headers=auth(old)).status_code == 401


def test_a_lost_reply_then_a_second_rotation(sqlite_server: Server, raw: httpx.Client) -> None:
    t0 = sqlite_server.enrol(AGENCY_A).token
    lost = p.TokenResponse.from_dict(raw.post("/api/v1/device/token", headers=auth(t0)).json())
    t2 = p.TokenResponse.from_dict(raw.post("/api/v1/device/token", headers=auth(t0)).json()).token
    assert pull(raw, t2).status_code == 200
    assert pull(raw, lost.token).status_code == 401  # never delivered, never valid again
    assert pull(raw, t0).status_code == 401


def test_admin_asks_a_device_to_rotate(
    sqlite_server: Server, raw: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    from motcua_server.__main__ import main

    dev = sqlite_server.enrol(AGENCY_A)
    assert p.ROTATE_HEADER not in pull(raw, dev.token).headers
    url = str(sqlite_server.engine.url)
    assert main(["--db-url", url, "rotate-token", dev.device_id]) == 0
    assert pull(raw, dev.token).headers.get(p.ROTATE_HEADER) == "due"
    assert main(["--db-url", url, "rotate-token", "no-such-device"]) == 2
    assert "unknown_device" in capsys.readouterr().err


def test_an_old_token_is_due_for_rotation(sqlite_server: Server, raw: httpx.Client) -> None:
    dev = sqlite_server.enrol(AGENCY_A)
    with sqlite_server.engine.begin() as c:
        long_ago = datetime.now(UTC) - timedelta(days=91)
        c.execute(update(Device).values(enrolled_at=long_ago))
    assert pull(raw, dev.token).headers.get(p.ROTATE_HEADER) == "due"


# --------------------------------------------------------------------------- the desk side


@pytest.fixture
def uow_factory(tmp_path: Path) -> Iterator[Callable[[], UnitOfWork]]:
    db = tmp_path / "desk.db"
    engine = make_engine(db)
    migrate(engine, db, tmp_path / "backups")
    yield lambda: UnitOfWork(engine)
    engine.dispose()


class LosesRotationReplies(httpx.BaseTransport):
    """The rotation reaches the server, its reply is lost on the way back (a dropped link)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.lose = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        res = self.inner.handle_request(request)
        if self.lose and request.url.path == "/api/v1/device/token":
            raise httpx.ReadError("connection reset", request=request)
        return res


def test_the_desk_adopts_a_rotated_token_and_survives_a_lost_reply(
    sqlite_server: Server, uow_factory: Callable[[], UnitOfWork]
) -> None:
    flaky = LosesRotationReplies(sqlite_server.transport())
    settings = SettingsStore(Settings(agency_id=AGENCY_A, server_url="http://test"))

    def factory(s: Settings, token: str | None) -> HttpTransport:
        return HttpTransport(s.server_url, token, transport=flaky)

    svc = SyncService(uow_factory, settings, transport_factory=factory)
    admin.create_unit(sqlite_server.engine, AGENCY_A, "Phường Hạc Thành")
    device_id, code = admin.enrol_device(sqlite_server.engine, AGENCY_A, "Quầy 1")
    svc.enrol(code, "Quầy 1")

    def token() -> str:
        with uow_factory() as uow:
            value = uow.sync_state.get(TOKEN_KEY)
        assert value
        return value

    first = token()
    admin.request_token_rotation(sqlite_server.engine, device_id)
    assert svc.run_once().ok  # rotation asked, reply lost: the counter keeps its token
    assert token() == first
    assert svc.run_once().ok  # ... which still works; the server asks again
    flaky.lose = False
    assert svc.run_once().ok  # this time the reply arrives and is adopted
    rotated = token()
    assert rotated != first
    report = svc.run_once()  # the new token works and confirms the rotation
    assert report.ok, report.error_code
    with httpx.Client(base_url="http://test", transport=sqlite_server.transport()) as raw:
        assert pull(raw, first).status_code == 401
        ok = pull(raw, rotated)
        assert ok.status_code == 200 and p.ROTATE_HEADER not in ok.headers
