"""SyncService over the real desk storage, against the in-process server."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sync_support import AGENCY_A, DAY, VN, Server, make_dossier

from motcua_desk.config import Settings
from motcua_desk.domain.codes import format_provisional
from motcua_desk.domain.dossier import Status
from motcua_desk.services.payloads import dossier_payload
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.services.sync_service import SyncService, next_days
from motcua_desk.storage.engine import make_engine
from motcua_desk.storage.migrate import migrate
from motcua_desk.storage.uow import UnitOfWork
from motcua_desk.sync import protocol as p
from motcua_desk.sync.transport import HttpTransport
from motcua_server import admin

AT = datetime(2026, 3, 10, 9, 0, tzinfo=VN)
NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def uow_factory(tmp_path: Path) -> Iterator[Callable[[], UnitOfWork]]:
    db = tmp_path / "desk.db"
    engine = make_engine(db)
    migrate(engine, db, tmp_path / "backups")
    yield lambda: UnitOfWork(engine)
    engine.dispose()


class Switch(httpx.BaseTransport):
    """Lets a test take the network down."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.up = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("offline", request=request)
        return self.inner.handle_request(request)


@pytest.fixture
def net(server: Server) -> Switch:
    return Switch(server.transport())


@pytest.fixture
def service(server: Server, uow_factory: Callable[[], UnitOfWork], net: Switch) -> SyncService:
    settings = SettingsStore(Settings(agency_id=AGENCY_A, server_url="http://test"))

    def factory(s: Settings, token: str | None) -> HttpTransport:
        return HttpTransport(s.server_url, token, transport=net)

    svc = SyncService(uow_factory, settings, clock=lambda: NOW, transport_factory=factory)
    admin.create_unit(server.engine, AGENCY_A, "Phường Điện Biên")
    _, code = admin.enrol_device(server.engine, AGENCY_A, "Quầy 1")
    svc.enrol(code, "Quầy 1")
    return svc


def receive(uow_factory: Callable[[], UnitOfWork], sync_id: str, **over: Any) -> str:
    """Save a dossier and its outbox event as the reception service does."""
    with uow_factory() as uow:
        try:
            code = p.format_code(AGENCY_A, DAY, uow.sequences.take_from_blocks(AGENCY_A, DAY))
            provisional = False
        except Exception:
            seq = uow.sequences.next_seq(AGENCY_A + "#provisional", DAY)
            code, provisional = format_provisional(AGENCY_A, DAY, 7, seq), True
        d = dataclasses.replace(make_dossier(sync_id, AGENCY_A, code, AT, provisional), **over)
        saved = uow.dossiers.add(d)
        payload = dossier_payload(saved) | {"event": "received", "detail": {}}
        uow.outbox.append("dossier.received", saved.sync_id, payload, at=NOW)
        uow.commit()
    return code


SID = [f"11111111-1111-4111-8111-{i:012d}" for i in range(10)]


def test_provisional_code_replaced_and_flagged_for_reprint(
    service: SyncService, uow_factory: Callable[[], UnitOfWork]
) -> None:
    code = receive(uow_factory, SID[0])
    assert "-T07-" in code
    report = service.run_once()
    assert report.ok, report
    assert (report.accepted, report.assigned_codes) == (1, 1)
    assert report.leased_blocks == len(next_days(DAY)) == 3
    with uow_factory() as uow:
        d = uow.dossiers.by_sync_id(SID[0])
        assert d is not None and d.id is not None
        assert (d.code, d.provisional_code) == (p.format_code(AGENCY_A, DAY, 1), False)
        kinds = [e.kind for e in uow.dossiers.timeline(d.id)]
        assert "code_assigned" in kinds
        assert uow.sequences.remaining(AGENCY_A, DAY) == 500
    health = service.health()
    assert (health.pending, health.online, health.last_error) == (0, True, None)
    assert health.last_success_at == NOW
    assert health.reprint_required == [SID[0]]
    service.reprint_done(SID[0])
    assert service.health().reprint_required == []
    # The next dossier takes a leased number (2..501 after the provisional took 1).
    assert receive(uow_factory, SID[1]) == p.format_code(AGENCY_A, DAY, 2)


def test_pull_updates_catalogue_calendar_users_and_status(
    service: SyncService, server: Server, uow_factory: Callable[[], UnitOfWork]
) -> None:
    receive(uow_factory, SID[0])
    receive(uow_factory, SID[1])
    assert service.run_once().ok
    with uow_factory() as uow:
        codes = {s: uow.dossiers.by_sync_id(s).code for s in SID[:2]}  # type: ignore[union-attr]
    admin.load_catalogue(server.engine, [{"code": "2.000815", "name": "Chứng thực bản sao"}])
    admin.load_calendar(
        server.engine,
        [{"date": "2026-04-27", "kind": "substitute_day_off", "name": "Nghỉ bù Giỗ Tổ"}],
    )
    admin.create_user(server.engine, AGENCY_A, "hoa", "Lê Thị Hoa", "mat-khau-1", "supervisor")
    admin.set_status(server.engine, AGENCY_A, codes[SID[0]], 4, "phong-tu-phap")
    admin.set_status(server.engine, AGENCY_A, codes[SID[1]], 4, "phong-tu-phap")
    # A local change to the second dossier is still unsent when the pull arrives.
    with uow_factory() as uow:
        uow.outbox.append("audit.appended", SID[1], {"note": "x"}, at=NOW)
        uow.commit()
    service.store.apply_pull_page(
        HttpTransport("http://test", _token(uow_factory), transport=server.transport())
        .pull(0, 100)
        .changes,
        99,
    )
    with uow_factory() as uow:
        assert uow.procedures.get("2.000815") is not None
        assert [d.day.isoformat() for d in uow.calendar.all()] == ["2026-04-27"]
        assert uow.users.authenticate("hoa", "mat-khau-1") is not None
        assert uow.dossiers.by_sync_id(SID[0]).status is Status.PROCESSING  # type: ignore[union-attr]
        assert uow.dossiers.by_sync_id(SID[1]).status is Status.RECEIVED  # type: ignore[union-attr]
    conflicts = service.health().conflicts
    assert [(c["key"], c["reason"]) for c in conflicts] == [(SID[1], "local_changes_pending")]
    service.resolve_conflict(conflicts[0]["cursor"], "lanhdao")
    assert service.health().conflicts == []
    with uow_factory() as uow:  # who resolved it is in the audit log (issue 14 §5)
        (entry,) = [e for e in uow.audit.entries() if e.action == "sync.resolve_conflict"]
        assert (entry.actor, entry.entity_id) == ("lanhdao", SID[1])
    assert service.store.get_cursor() == 99


def _token(uow_factory: Callable[[], UnitOfWork]) -> str:
    with uow_factory() as uow:
        token = uow.sync_state.get("device_token")
    assert token
    return token


def test_rejected_events_are_listed_and_can_be_retried(
    service: SyncService, uow_factory: Callable[[], UnitOfWork]
) -> None:
    receive(uow_factory, SID[0])
    with uow_factory() as uow:
        bad = uow.outbox.append(
            "dossier.status_changed",
            SID[0],
            p.status_changed_payload(Status.RECEIVED, Status.RETURNED, AT, "clerk"),
            at=NOW,
        )
        local_bad = uow.outbox.append("something.unknown", SID[0], {}, at=NOW)
        uow.commit()
    report = service.run_once()
    assert report.ok and report.rejected == 1
    health = service.health()
    reasons = {e.event_id: e.reason for e in health.rejected}
    assert reasons == {
        bad.event_id: "illegal_transition:2->10",
        local_bad.event_id: "local_invalid:$.kind:unknown_kind",
    }
    assert health.pending == 0
    service.retry(bad.event_id, "lanhdao")
    assert service.health().pending == 1
    with uow_factory() as uow:  # who retried it is in the audit log (issue 14 §5)
        (entry,) = [e for e in uow.audit.entries() if e.action == "sync.retry"]
        assert (entry.actor, entry.entity_id) == ("lanhdao", bad.event_id)
        assert uow.audit.verify().ok
    again = service.run_once()
    assert (again.rejected, again.duplicates) == (1, 0)  # the server answers the same way
    assert len(service.health().rejected) == 2


def test_offline_failures_are_visible_and_nothing_is_lost(
    service: SyncService, uow_factory: Callable[[], UnitOfWork], net: Switch
) -> None:
    receive(uow_factory, SID[0])
    net.up = False
    report = service.run_once()
    assert (report.ok, report.online, report.error_code) == (False, False, "sync_network")
    health = service.health()
    assert (health.pending, health.online, health.last_error) == (1, False, "sync_network")
    assert health.oldest_pending_at == NOW
    assert [(e.attempts, e.reason) for e in health.failing] == [(1, "sync_network")]
    net.up = True
    assert service.run_once().ok
    assert service.health().pending == 0


def test_not_configured(uow_factory: Callable[[], UnitOfWork]) -> None:
    svc = SyncService(uow_factory, SettingsStore(Settings(agency_id=AGENCY_A)))
    report = svc.run_once()
    assert report.error_code == "sync_not_configured"
    assert svc.health().online is False
    from motcua_desk.services.sync_service import SyncNotConfiguredError

    with pytest.raises(SyncNotConfiguredError):
        svc.enrol("ABCD-EFGH-JKMN", "Q1")


def test_worker_syncs_in_the_background(
    service: SyncService, uow_factory: Callable[[], UnitOfWork]
) -> None:
    import threading

    receive(uow_factory, SID[0])
    done = threading.Event()
    service.start(on_report=lambda r: done.set() if r.ok else None)
    try:
        assert done.wait(20)
    finally:
        service.stop()
    assert service.health().pending == 0


def test_acknowledged_events_are_pruned_after_30_days(
    server: Server, tmp_path: Path, net: Switch
) -> None:
    from desk_support import desk_db

    now = [NOW]
    engine, uow_factory = desk_db(tmp_path / "prune.db", clock=lambda: now[0])
    settings = SettingsStore(Settings(agency_id=AGENCY_A, server_url="http://test"))
    svc = SyncService(
        uow_factory,
        settings,
        clock=lambda: now[0],
        transport_factory=lambda s, token: HttpTransport(s.server_url, token, transport=net),
    )
    admin.create_unit(server.engine, AGENCY_A, "Phường Điện Biên")
    _, code = admin.enrol_device(server.engine, AGENCY_A, "Quầy 1")
    svc.enrol(code, "Quầy 1")
    receive(uow_factory, SID[0])
    assert svc.run_once().ok
    with uow_factory() as uow:
        assert len(uow.outbox.for_aggregate(SID[0])) == 1
    now[0] = NOW + timedelta(days=29)
    assert svc.run_once().ok
    with uow_factory() as uow:
        assert len(uow.outbox.for_aggregate(SID[0])) == 1
    now[0] = NOW + timedelta(days=31)
    assert svc.run_once().ok
    with uow_factory() as uow:
        assert uow.outbox.for_aggregate(SID[0]) == []
        # The past days' unused numbers were reported in between (codes.released).
        assert {e.kind for e in uow.outbox.pending(10)} <= {p.KIND_RELEASED}
    engine.dispose()


def test_a_change_the_desk_cannot_apply_is_a_conflict_and_the_cursor_moves_on(
    service: SyncService, server: Server, uow_factory: Callable[[], UnitOfWork]
) -> None:
    """One bad catalogue value (fee 2^63) jammed every pull; later holidays never arrived."""
    from motcua_server.db import transaction

    with transaction(server.engine) as s:  # what an older server let an admin load
        admin.add_change(
            s,
            None,
            "procedure",
            "1.000001",
            {"code": "1.000001", "name": "Thủ tục", "fee_vnd": 2**63},
        )
        admin.add_change(s, None, "holiday", "2026-13-40", {"date": "2026-13-40", "kind": "x"})
    admin.load_calendar(server.engine, [{"date": "2027-02-08", "kind": "holiday", "name": "Tết"}])
    report = service.run_once()
    assert report.ok, report
    assert report.pulled == 3
    with uow_factory() as uow:
        assert uow.procedures.get("1.000001") is None
        assert [d.day.isoformat() for d in uow.calendar.all()] == ["2027-02-08"]
    conflicts = service.health().conflicts
    assert [(c["entity"], c["reason"]) for c in conflicts] == [
        ("procedure", "invalid_change"),
        ("holiday", "invalid_change"),
    ]
    assert service.store.get_cursor() == 3
    assert service.run_once().pulled == 0  # the cursor moved past them


def test_pulled_changes_respect_closed_days(
    service: SyncService, server: Server, uow_factory: Callable[[], UnitOfWork]
) -> None:
    from motcua_desk.services.clock import local_date

    receive(uow_factory, SID[0])
    assert service.run_once().ok
    today = local_date(datetime.now(UTC))  # set_status stamps the server's own time
    with uow_factory() as uow:
        code = uow.dossiers.by_sync_id(SID[0]).code  # type: ignore[union-attr]
        uow.day_closes.close(today, at=NOW, by="lanhdao", summary={})
        uow.day_closes.close(date(2026, 4, 30), at=NOW, by="lanhdao", summary={})
        uow.commit()
    admin.set_status(server.engine, AGENCY_A, code, 4, "phong-tu-phap")
    admin.load_calendar(server.engine, [{"date": "2026-04-30", "kind": "holiday", "name": "30/4"}])
    assert service.run_once().ok
    with uow_factory() as uow:
        d = uow.dossiers.by_sync_id(SID[0])
        assert d is not None and d.id is not None and d.status is Status.RECEIVED
        assert [e.kind for e in uow.dossiers.timeline(d.id)] == ["code_assigned"]
        assert uow.calendar.all() == []
    conflicts = service.health().conflicts
    assert [(c["entity"], c["reason"]) for c in conflicts] == [
        ("dossier_status", "day_closed"),
        ("holiday", "day_closed"),
    ]
    # Still closed: trying again changes nothing.
    assert service.reapply_conflict(conflicts[0]["cursor"]) is False
    with uow_factory() as uow:
        uow.day_closes.reopen(today, at=NOW, by="lanhdao", reason="nhận trạng thái từ tỉnh")
        uow.commit()
    assert service.reapply_conflict(conflicts[0]["cursor"]) is True
    with uow_factory() as uow:
        assert uow.dossiers.by_sync_id(SID[0]).status is Status.PROCESSING  # type: ignore[union-attr]
    assert [c["entity"] for c in service.health().conflicts] == ["holiday"]
