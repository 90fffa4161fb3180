"""Unsent events exported to a signed file, carried to the server and imported exactly once
(issue 8, "when offline for long")."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sync_support import AGENCY_A, DAY, VN, Server, make_dossier

from motcua_desk.config import Settings
from motcua_desk.domain.codes import format_provisional
from motcua_desk.services.payloads import dossier_payload
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.services.sync_service import SyncNotConfiguredError, SyncService
from motcua_desk.storage.engine import make_engine
from motcua_desk.storage.migrate import migrate
from motcua_desk.storage.uow import UnitOfWork
from motcua_desk.sync import offline_file
from motcua_desk.sync.transport import HttpTransport
from motcua_server import admin
from motcua_server.models import DossierRow
from motcua_server.offline_import import import_events

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
AT = datetime(2026, 3, 10, 9, 0, tzinfo=VN)


@pytest.fixture
def uow_factory(tmp_path: Path) -> Iterator[Callable[[], UnitOfWork]]:
    db = tmp_path / "desk.db"
    engine = make_engine(db)
    migrate(engine, db, tmp_path / "backups")
    yield lambda: UnitOfWork(engine)
    engine.dispose()


def make_service(server: Server, uow_factory: Callable[[], UnitOfWork]) -> SyncService:
    settings = SettingsStore(Settings(agency_id=AGENCY_A, server_url="http://test"))

    def factory(s: Settings, token: str | None) -> HttpTransport:
        return HttpTransport(s.server_url, token, transport=server.transport())

    return SyncService(uow_factory, settings, clock=lambda: NOW, transport_factory=factory)


@pytest.fixture
def service(server: Server, uow_factory: Callable[[], UnitOfWork]) -> SyncService:
    svc = make_service(server, uow_factory)
    admin.create_unit(server.engine, AGENCY_A, "Phường Hạc Thành")
    _, code = admin.enrol_device(server.engine, AGENCY_A, "Quầy 1")
    svc.enrol(code, "Quầy 1")
    return svc


def receive_offline(uow_factory: Callable[[], UnitOfWork], n: int) -> None:
    """Dossiers made while offline: provisional codes, as the reception service issues them."""
    with uow_factory() as uow:
        for i in range(n):
            seq = uow.sequences.next_seq(AGENCY_A + "#provisional", DAY)
            d = make_dossier(
                f"22222222-2222-4222-8222-{i:012d}",
                AGENCY_A,
                format_provisional(AGENCY_A, DAY, 3, seq),
                AT,
                provisional=True,
            )
            saved = uow.dossiers.add(d)
            payload = dossier_payload(saved) | {"event": "received", "detail": {}}
            uow.outbox.append("dossier.received", saved.sync_id, payload, at=NOW)
        uow.commit()


def server_dossiers(server: Server) -> int:
    with server.engine.connect() as c:
        return int(c.scalar(select(func.count()).select_from(DossierRow)))


def test_imported_once_then_acknowledged_by_the_counters_own_sync(
    server: Server, service: SyncService, uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    receive_offline(uow_factory, 5)
    path = tmp_path / "su-kien.motcua"
    assert service.export_unsent(path) == 5
    data = path.read_bytes()
    first = import_events(server.engine, data)
    assert (first.accepted, first.duplicates, first.rejected) == (5, 0, 0)
    again = import_events(server.engine, data)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 5, 0)
    assert server_dossiers(server) == 5
    assert service.health().pending == 5  # still pending here until the server says so
    report = service.run_once()
    assert report.ok and report.duplicates == 5 and report.assigned_codes == 5
    assert service.health().pending == 0
    assert server_dossiers(server) == 5


def test_tampered_foreign_revoked_and_malformed_files_are_refused(
    server: Server, service: SyncService, uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    receive_offline(uow_factory, 2)
    path = tmp_path / "su-kien.motcua"
    service.export_unsent(path)
    good = json.loads(path.read_text(encoding="utf-8"))

    def refused(data: bytes) -> str:
        with pytest.raises(offline_file.OfflineFileError) as info:
            import_events(server.engine, data)
        return str(info.value.data["reason"])

    tampered = dict(good, body=good["body"].replace("Lê Thị Hoa", "Người Khác"))
    assert refused(json.dumps(tampered).encode()) == "bad_signature"
    # The same body signed with another key (another counter's, or anyone's).
    other = offline_file.OfflineBundle(NOW.isoformat(), AGENCY_A, NOW, ())
    signed_elsewhere = json.loads(offline_file.dump_bundle(other, offline_file.new_private_key()))
    forged = dict(good, signature=signed_elsewhere["signature"])
    assert refused(json.dumps(forged).encode()) == "bad_signature"
    assert refused(b"\x00garbage") == "not_json"
    assert refused(b'{"body": "{}", "signature": "00"}') == "missing"
    wrong_format = json.loads(good["body"]) | {"format": "something-else"}
    assert refused(json.dumps({"body": json.dumps(wrong_format), "signature": "x"}).encode()) == (
        "unknown_format"
    )
    assert server_dossiers(server) == 0
    with uow_factory() as uow:
        device_id = uow.sync_state.get("device_id")
    assert device_id
    admin.revoke_device(server.engine, device_id)
    assert refused(path.read_bytes()) == "unknown_device"


def test_export_needs_an_enrolled_counter(
    server: Server, uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    with pytest.raises(SyncNotConfiguredError):
        make_service(server, uow_factory).export_unsent(tmp_path / "x.motcua")
    assert not (tmp_path / "x.motcua").exists()


def test_server_cli_imports_a_file(
    server: Server, service: SyncService, uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    receive_offline(uow_factory, 3)
    path = tmp_path / "su-kien.motcua"
    service.export_unsent(path)
    url = str(server.engine.url)

    def run() -> str:
        out = subprocess.run(
            [sys.executable, "-m", "motcua_server", "--db-url", url, "import-events", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return out.stdout

    assert "accepted=3 duplicates=0 rejected=0" in run()
    assert "accepted=0 duplicates=3 rejected=0" in run()
    assert NOW - timedelta(days=1) < NOW  # clock sanity for the fixture


def test_a_stolen_server_database_cannot_forge_a_file(
    server: Server, service: SyncService, uow_factory: Callable[[], UnitOfWork], tmp_path: Path
) -> None:
    """Whoever holds a copy of the server database must not be able to sign a file: every value
    stored for the device is tried as the key of the signature (the old scheme keyed an HMAC
    with the token's SHA-256, which is what the server stores)."""
    import base64
    import hashlib
    import hmac

    receive_offline(uow_factory, 1)
    path = tmp_path / "su-kien.motcua"
    service.export_unsent(path)
    body = json.loads(path.read_text(encoding="utf-8"))["body"]
    forged_body = body.replace("Lê Thị Hoa", "Người Giả Mạo")
    with server.engine.connect() as c:
        row = c.exec_driver_sql("SELECT * FROM devices").mappings().one()
    stolen = [str(v) for v in row.values() if isinstance(v, str)]
    assert stolen
    for key in stolen:
        mac = hmac.new(key.encode(), forged_body.encode(), hashlib.sha256)
        for signature in (mac.hexdigest(), base64.b64encode(mac.digest()).decode()):
            doc = {"body": forged_body, "signature": signature}
            with pytest.raises(offline_file.OfflineFileError) as info:
                import_events(server.engine, json.dumps(doc).encode())
            assert info.value.data["reason"] == "bad_signature"
    assert server_dossiers(server) == 0
    # The counter's own file still goes in.
    assert import_events(server.engine, path.read_bytes()).accepted == 1


def test_the_offline_key_is_registered_at_enrolment_and_never_leaves_the_counter(
    server: Server, service: SyncService, uow_factory: Callable[[], UnitOfWork]
) -> None:
    with uow_factory() as uow:
        private = uow.sync_state.get("offline_private_key")
    assert private
    with server.engine.connect() as c:
        dump = "\n".join(str(r) for r in c.exec_driver_sql("SELECT * FROM devices"))
    assert offline_file.public_key_of(private) in dump
    assert private not in dump
