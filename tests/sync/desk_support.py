"""Helpers that drive the real desk storage the way the reception service does."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sync_support import make_dossier

from motcua_desk.domain.codes import SequenceExhaustedError as DomainSequenceExhausted
from motcua_desk.domain.codes import format_provisional
from motcua_desk.domain.dossier import Status
from motcua_desk.services.payloads import dossier_payload
from motcua_desk.storage.engine import make_engine
from motcua_desk.storage.migrate import migrate
from motcua_desk.storage.repositories.sequences import SequenceExhaustedError
from motcua_desk.storage.uow import UnitOfWork
from motcua_desk.sync import protocol as p
from motcua_server.models import DossierRow, EventRow

UowFactory = Callable[[], UnitOfWork]


def desk_db(path: Path, clock: Callable[[], datetime] | None = None) -> tuple[Engine, UowFactory]:
    engine = make_engine(path)
    migrate(engine, path, path.parent / f"{path.stem}-backups")
    if clock is None:
        return engine, lambda: UnitOfWork(engine)
    return engine, lambda: UnitOfWork(engine, clock=clock)


def desk_receive(uow_factory: UowFactory, agency: str, at: datetime, device_no: int = 1) -> str:
    """A dossier and its ``dossier.received`` event in one unit of work."""
    sync_id = str(uuid.uuid4())
    day = p.office_date(at)
    with uow_factory() as uow:
        try:
            code = p.format_code(agency, day, uow.sequences.take_from_blocks(agency, day))
            provisional = False
        except (SequenceExhaustedError, DomainSequenceExhausted):
            seq = uow.sequences.next_seq(agency + "#provisional", day)
            code, provisional = format_provisional(agency, day, device_no, seq), True
        saved = uow.dossiers.add(make_dossier(sync_id, agency, code, at, provisional))
        payload = dossier_payload(saved) | {"event": "received", "detail": {}}
        uow.outbox.append(p.KIND_RECEIVED, sync_id, payload, at=at)
        uow.commit()
    return sync_id


def desk_change_status(uow_factory: UowFactory, sync_id: str, to: Status, at: datetime) -> None:
    with uow_factory() as uow:
        d = uow.dossiers.by_sync_id(sync_id)
        assert d is not None and d.id is not None
        uow.dossiers.set_status(d.id, to, actor="clerk1", at=at)
        payload = p.status_changed_payload(d.status, to, at, "clerk1")
        uow.outbox.append(p.KIND_STATUS, sync_id, payload, at=at)
        uow.commit()


def check_desk_end_state(server: Engine, uow_factory: UowFactory, sync_ids: list[str]) -> int:
    """Same checks as ``faults.check_end_state`` on the desk database; returns the event count."""
    events = 0
    with uow_factory() as uow:
        stats = uow.outbox.stats()
        assert (stats.pending, stats.rejected) == (0, 0), stats
        with server.connect() as c:
            for sync_id in sync_ids:
                d = uow.dossiers.by_sync_id(sync_id)
                assert d is not None and not d.provisional_code
                rows = c.execute(
                    select(DossierRow.code, DossierRow.status).where(DossierRow.sync_id == sync_id)
                ).all()
                assert [tuple(r) for r in rows] == [(d.code, int(d.status))]
                local = sorted(e.event_id for e in uow.outbox.for_aggregate(sync_id))
                remote = c.execute(
                    select(EventRow.event_id, EventRow.status).where(
                        EventRow.aggregate_id == sync_id
                    )
                ).all()
                assert sorted(e for e, _ in remote) == local
                assert {s for _, s in remote} == {"accepted"}
                events += len(local)
    return events
