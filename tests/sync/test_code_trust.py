"""Dossier codes from the counter to the server and back, with the real desk services (issue 14).

Two counters of one unit, numbering before enrolment, both issued ``…-0001``: the server lost
the second one's dossiers while citizens held duplicate codes. Now a counter that syncs issues
provisional codes until it has a lease; codes the server does not confirm are renumbered, and
the code on the slip still finds the dossier.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sync_support import Server

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths, Settings
from motcua_desk.domain.dossier import Person
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.context import AppContext
from motcua_desk.services.intake_rules import IntakeDraft
from motcua_desk.sync import protocol as p
from motcua_desk.sync.transport import HttpTransport
from motcua_server import admin as server_admin
from motcua_server import codes as server_codes
from motcua_server.models import DossierRow

AGENCY = "000.00.06.H56"
PROCEDURE = "1.014137"  # 5 working days, no papers listed
HOA = Person(
    full_name="Lê Thị Hoa",
    id_number="038195001234",
    birth_date=date(1995, 6, 15),
    phone="0912 345 678",
    address="Số 12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2023, 10, 27, 9, 32, tzinfo=OFFICE_TZ))  # a Friday


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    (tmp_path / "server").mkdir()
    srv = Server(tmp_path / "server")
    server_admin.create_unit(srv.engine, AGENCY, "Phường Hạc Thành")
    yield srv
    srv.engine.dispose()


def counter(tmp_path: Path, clock: Clock, n: int, server: Server, url: str = "") -> Any:
    paths = AppPaths(data_dir=tmp_path / f"desk{n}" / "data", log_dir=tmp_path / f"desk{n}" / "l")
    ctx = build_context(paths, clock)
    unit = UnitSetup(
        agency_id=AGENCY,
        agency_name="Bộ phận Một cửa phường Hạc Thành",
        managing_body="UBND phường Hạc Thành",
        counter_name=f"Quầy {n}",
        place_name="Thanh Hóa",
        province="Thanh Hóa",
    )
    clerk = ctx.accounts.first_run(unit, "admin", "Nguyễn Văn An", "mat-khau-2026")
    ctx.settings_store.update(server_url=url)

    def factory(s: Settings, token: str | None) -> HttpTransport:
        return HttpTransport("http://test", token, transport=server.transport())

    assert ctx.sync is not None
    ctx.sync._transport_factory = factory  # noqa: SLF001 - the in-process server
    return ctx, clerk


def enrol_and_sync(ctx: AppContext, server: Server, name: str) -> None:
    _, code = server_admin.enrol_device(server.engine, AGENCY, name)
    ctx.settings_store.update(server_url="http://test")
    assert ctx.sync is not None
    ctx.sync.enrol(code, name)
    report = ctx.sync.run_once()
    assert report.ok, report
    assert ctx.sync.health().rejected == []


def receive(ctx: AppContext, clerk: Any, count: int, clock: Clock) -> list[Any]:
    out = []
    for _ in range(count):
        clock.now += timedelta(minutes=3)
        out.append(ctx.reception.receive(IntakeDraft(PROCEDURE, HOA), clerk))
    return out


def server_codes_of(server: Server) -> list[str]:
    with server.engine.connect() as c:
        return list(c.scalars(select(DossierRow.code)))


def test_counters_not_yet_enrolled_issue_provisional_codes(
    tmp_path: Path, clock: Clock, server: Server
) -> None:
    one, clerk1 = counter(tmp_path, clock, 1, server, url="https://motcua.example.vn")
    two, clerk2 = counter(tmp_path, clock, 2, server, url="https://motcua.example.vn")
    first = receive(one, clerk1, 3, clock)
    second = receive(two, clerk2, 3, clock)
    assert [d.code for d in first] == [f"{AGENCY}-231027-T01-{n:04d}" for n in (1, 2, 3)]
    assert [d.code for d in second] == [f"{AGENCY}-231027-T02-{n:04d}" for n in (1, 2, 3)]
    assert all(d.provisional_code for d in first + second)
    enrol_and_sync(one, server, "Quầy 1")
    enrol_and_sync(two, server, "Quầy 2")
    codes = server_codes_of(server)
    # Counter 1's assigned 1-3, then leased 4-503; counter 2's come after that lease.
    assert sorted(codes) == [f"{AGENCY}-231027-{n:04d}" for n in (1, 2, 3, 504, 505, 506)]
    for ctx, issued in ((one, first), (two, second)):
        for d in issued:
            # The citizen's slip carries the provisional code: it still finds the dossier.
            found = ctx.reception.get_by_code(d.code)
            assert found is not None and found.sync_id == d.sync_id
            assert not found.provisional_code and found.code in codes
            assert ctx.reception.get_by_code(d.code.lower()) == found
        assert ctx.sync.health().reprint_required == [d.sync_id for d in issued]
    # Enrolled, with leased blocks: final codes from the lease, never the same twice.
    more = receive(one, clerk1, 1, clock) + receive(two, clerk2, 1, clock)
    assert not any(d.provisional_code for d in more)
    assert len({d.code for d in more} | set(codes)) == 8


def test_counters_that_numbered_alone_lose_no_dossier_and_keep_the_printed_codes(
    tmp_path: Path, clock: Clock, server: Server
) -> None:
    """Standalone counters (no server yet) numbered …-0001 each; one had more than the other."""
    one, clerk1 = counter(tmp_path, clock, 1, server)
    two, clerk2 = counter(tmp_path, clock, 2, server)
    first = receive(one, clerk1, 2, clock)
    second = receive(two, clerk2, 4, clock)
    assert [d.code for d in first] == [f"{AGENCY}-231027-{n:04d}" for n in (1, 2)]
    assert [d.code for d in second] == [f"{AGENCY}-231027-{n:04d}" for n in (1, 2, 3, 4)]
    enrol_and_sync(one, server, "Quầy 1")
    enrol_and_sync(two, server, "Quầy 2")
    codes = server_codes_of(server)
    assert len(codes) == len(set(codes)) == 6  # nothing lost, no duplicate
    got = {d.sync_id: two.reception.get_by_code(d.code) for d in second}  # by printed code
    assert all(g is not None for g in got.values())
    assert sorted(g.code for g in got.values() if g) == sorted(set(codes) - {d.code for d in first})
    for d in first:
        assert one.reception.get_by_code(d.code) is not None  # confirmed as printed
    with two.reception._uow_factory() as uow:  # noqa: SLF001
        found = uow.dossiers.by_sync_id(second[0].sync_id)
        assert found is not None and found.id is not None
        (event,) = [e for e in uow.dossiers.timeline(found.id) if e.kind == "code_assigned"]
        assert event.detail["code_reason"] == "code_conflict"
        assert event.detail["provisional_code"] == second[0].code


def test_unused_leased_numbers_are_reported_and_listed(
    tmp_path: Path, clock: Clock, server: Server
) -> None:
    one, clerk1 = counter(tmp_path, clock, 1, server)
    enrol_and_sync(one, server, "Quầy 1")
    taken = receive(one, clerk1, 2, clock)
    assert [d.code for d in taken] == [f"{AGENCY}-231027-{n:04d}" for n in (1, 2)]
    assert one.sync is not None
    friday = date(2023, 10, 27)
    (today_gap,) = one.sync.code_gaps(friday, friday)
    assert (today_gap.first, today_gap.last, today_gap.released) == (3, 500, False)
    clock.now += timedelta(days=3)  # Monday
    report = one.sync.run_once()
    assert report.ok and report.accepted >= 1, report
    (gap,) = one.sync.code_gaps(friday, friday)
    assert (gap.first, gap.last, gap.released, gap.count) == (3, 500, True, 498)
    assert gap in one.sync.health().gaps  # the sync page lists the last week
    dev = one.reception._uow_factory  # noqa: SLF001
    with dev() as uow:
        device_id = uow.sync_state.get("device_id")
    assert server_codes.code_gaps(server.engine, AGENCY, friday) == [(3, 500, device_id)]
    # A released number is never handed out, even if the day is taken up again.
    with dev() as uow:
        assert uow.sequences.remaining(AGENCY, friday) == 0
    assert p.KIND_RELEASED in p.EVENT_KINDS
