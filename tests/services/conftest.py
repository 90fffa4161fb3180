"""A real application context on a temporary SQLite file, with a settable clock."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, Person, Sex
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.context import AppContext


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


UNIT = UnitSetup(
    agency_id="000.00.06.H56",
    agency_name="Bộ phận Tiếp nhận và Trả kết quả phường Hạc Thành",
    managing_body="UBND phường Hạc Thành",
    counter_name="Quầy số 1",
    place_name="Thanh Hóa",
    province="Thanh Hóa",
)

HOA = Person(
    full_name="Lê Thị Hoa",
    id_number="038195001234",
    birth_date=date(1995, 6, 15),
    sex=Sex.FEMALE,
    phone="0912 345 678",
    email="hoa@example.vn",
    address="Số 12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
    kind=ApplicantKind.CITIZEN,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2023, 10, 27, 9, 32, tzinfo=OFFICE_TZ))


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths(data_dir=tmp_path / "data", log_dir=tmp_path / "logs")


@pytest.fixture
def ctx(paths: AppPaths, clock: FakeClock) -> Iterator[AppContext]:
    yield build_context(paths, clock)


@pytest.fixture
def admin(ctx: AppContext):  # type: ignore[no-untyped-def]
    return ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")


def push_to_server(ctx: AppContext, folder: Path) -> tuple[Any, Any]:
    """Enrol ``ctx`` with a real server in-process (database under ``folder``) and push every
    queued event; returns the server and the sync report. Asserts that none was rejected."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
    from sync_support import Server

    from motcua_desk.config import Settings
    from motcua_desk.sync.transport import HttpTransport
    from motcua_server import admin as server_admin

    folder.mkdir()
    server = Server(folder)
    server_admin.create_unit(server.engine, UNIT.agency_id, "Phường")
    _, code = server_admin.enrol_device(server.engine, UNIT.agency_id, "Quầy 1")
    ctx.settings_store.update(server_url="http://test")

    def factory(s: Settings, token: str | None) -> HttpTransport:
        return HttpTransport(s.server_url, token, transport=server.transport())

    assert ctx.sync is not None
    ctx.sync._transport_factory = factory  # noqa: SLF001 - talk to the in-process server
    ctx.sync.enrol(code, "Quầy 1")
    report = ctx.sync.run_once().value
    assert report.ok, report
    health = ctx.sync.health()
    assert health.pending == 0 and health.rejected == [], health.rejected
    return server, report
