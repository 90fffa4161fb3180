"""Push, pull, code leases and enrolment: the server side of the sync protocol."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from motcua_desk.domain.dossier import Status, check_transition
from motcua_desk.domain.errors import DomainError, IllegalTransitionError
from motcua_desk.sync import protocol as p
from motcua_server.db import transaction
from motcua_server.models import (
    ChangeRow,
    Device,
    DossierRow,
    EventRow,
    LeaseRow,
    SequenceRow,
    Unit,
)
from motcua_server.security import AuthFailedError, digest, new_token, normalize_enrolment_code


class EventIdReusedError(DomainError):
    """The same event_id came back with a different payload: a client bug."""

    code = "event_id_reused"


#: How far ahead of the day's sequence an un-leased final code may be adopted (see ``adopt``).
MAX_ADOPT_GAP = 2000


class _Rejected(Exception):  # noqa: N818 - internal control flow, never leaves this module
    def __init__(self, reason: str) -> None:
        # A reason can quote a client's payload key: cut it to what the protocol (and a text
        # column) takes, so the reply stays parseable and storable.
        reason = reason.replace("\x00", "\ufffd")[: p.MAX_TEXT]
        super().__init__(reason)
        self.reason = reason


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes even for timezone=True columns; we store UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def payload_hash(event: p.OutboxEvent) -> str:
    body = {
        "kind": event.kind,
        "aggregate_id": event.aggregate_id,
        "seq": event.seq,
        "payload": event.payload,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- auth


def authenticate(engine: Engine, token: str | None) -> tuple[Device, Unit]:
    if not token or len(token) > 200:
        raise AuthFailedError(reason="missing_token")
    with transaction(engine) as s:
        device = s.scalars(select(Device).where(Device.token_hash == digest(token))).one_or_none()
        if device is None or device.revoked:
            raise AuthFailedError(reason="bad_token")
        unit = s.get(Unit, device.unit_id)
        assert unit is not None
        return device, unit


def enrol(engine: Engine, req: p.EnrolRequest) -> p.EnrolResponse:
    code_hash = digest(normalize_enrolment_code(req.enrolment_code))
    token = new_token()
    with transaction(engine) as s:
        device = s.scalars(select(Device).where(Device.enrol_code_hash == code_hash)).one_or_none()
        expires = _aware(device.enrol_expires_at) if device is not None else None
        if device is None or device.revoked or expires is None or expires < _now():
            raise AuthFailedError(reason="bad_enrolment_code")
        unit = s.get(Unit, device.unit_id)
        assert unit is not None
        device.enrol_code_hash = None  # one-time
        device.enrol_expires_at = None
        device.token_hash = digest(token)
        device.enrolled_at = _now()
        device.name = req.device_name
        return p.EnrolResponse(device.id, token, unit.agency_id, unit.name)


# --------------------------------------------------------------------------- sequences


def allocate(session: Session, unit_id: int, day: date, count: int) -> int:
    """Take ``count`` numbers of the unit's daily sequence; return the first.

    The row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's transaction already
    holds the write lock from ``BEGIN IMMEDIATE``), so blocks never overlap.
    """
    query = (
        select(SequenceRow)
        .where(SequenceRow.unit_id == unit_id, SequenceRow.day == day)
        .with_for_update()
    )
    row = session.scalars(query).one_or_none()
    if row is None:
        try:
            with session.begin_nested():
                session.add(SequenceRow(unit_id=unit_id, day=day, next_seq=1))
        except IntegrityError:
            pass  # a concurrent transaction created it; lock theirs below
        row = session.scalars(query).one()
    first = row.next_seq
    row.next_seq = first + count
    return first


def lease(engine: Engine, device: Device, req: p.LeaseRequest) -> p.LeaseResponse:
    with transaction(engine) as s:
        first = allocate(s, device.unit_id, req.day, req.count)
        last = first + req.count - 1
        s.add(
            LeaseRow(
                unit_id=device.unit_id,
                device_id=device.id,
                day=req.day,
                first=first,
                last=last,
                created_at=_now(),
            )
        )
    return p.LeaseResponse(req.day, first, last)


# --------------------------------------------------------------------------- push


def push(engine: Engine, device: Device, unit: Unit, req: p.PushRequest) -> p.PushResponse:
    """Apply a batch in one transaction; each event exactly once (stored outcome by id)."""
    outcomes: list[p.EventOutcome] = []
    ids = [e.event_id for e in req.events]
    with transaction(engine) as s:
        stored = {
            r.event_id: r
            for r in s.execute(
                select(
                    EventRow.event_id,
                    EventRow.payload_hash,
                    EventRow.device_id,
                    EventRow.status,
                    EventRow.reason,
                    EventRow.assigned_code,
                ).where(EventRow.event_id.in_(ids))
            )
        }
        batch = _Batch(s, unit, [e for e in req.events if e.event_id not in stored])
        now = _now()
        for event in req.events:
            h = payload_hash(event)
            old = stored.get(event.event_id)
            if old is not None:
                if old.payload_hash != h or old.device_id != device.id:
                    raise EventIdReusedError(event_id=event.event_id)
                status = p.REJECTED if old.status == p.REJECTED else p.DUPLICATE
                outcomes.append(
                    p.EventOutcome(event.event_id, status, old.reason, old.assigned_code)
                )
                continue
            try:
                assigned = batch.apply(event)
                outcome = p.EventOutcome(event.event_id, p.ACCEPTED, None, assigned)
            except _Rejected as rej:
                outcome = p.EventOutcome(event.event_id, p.REJECTED, rej.reason, None)
            s.add(
                EventRow(
                    event_id=event.event_id,
                    unit_id=unit.id,
                    device_id=device.id,
                    seq=event.seq,
                    kind=event.kind,
                    aggregate_id=event.aggregate_id,
                    payload=event.payload,
                    payload_hash=h,
                    status=outcome.status,
                    reason=outcome.reason,
                    assigned_code=outcome.assigned_code,
                    received_at=now,
                )
            )
            outcomes.append(outcome)
    return p.PushResponse(tuple(outcomes))


class _Batch:
    """One push batch: prefetches what the events touch in a few queries, then applies them.

    Rows created by earlier events of the batch are visible to later ones (a dossier received
    and moved on in the same batch).
    """

    def __init__(self, s: Session, unit: Unit, events: list[p.OutboxEvent]) -> None:
        self.s = s
        self.unit = unit
        aggs = {e.aggregate_id for e in events}
        self.dossiers: dict[str, DossierRow] = {
            r.sync_id: r for r in s.scalars(select(DossierRow).where(DossierRow.sync_id.in_(aggs)))
        }
        codes = {
            str(e.payload.get("code"))
            for e in events
            if e.kind == p.KIND_RECEIVED and isinstance(e.payload, dict)
        }
        self.used_codes: set[str] = set(
            s.scalars(
                select(DossierRow.code).where(
                    DossierRow.unit_id == unit.id, DossierRow.code.in_(codes)
                )
            )
        )
        self._leased: dict[date, int] = {}
        self._seq_rows: dict[date, SequenceRow] = {}

    def leased_up_to(self, day: date) -> int:
        """Numbers below this were handed out by the unit's sequence for ``day``."""
        if day not in self._leased:
            value = self.s.scalars(
                select(SequenceRow.next_seq).where(
                    SequenceRow.unit_id == self.unit.id, SequenceRow.day == day
                )
            ).one_or_none()
            self._leased[day] = value or 1
        return self._leased[day]

    def _seq_row(self, day: date) -> SequenceRow:
        """The day's sequence row, locked once per batch (``allocate``) and then cached."""
        row = self._seq_rows.get(day)
        if row is None:
            allocate(self.s, self.unit.id, day, 0)
            row = self.s.scalars(
                select(SequenceRow).where(
                    SequenceRow.unit_id == self.unit.id, SequenceRow.day == day
                )
            ).one()
            self._seq_rows[day] = row
        return row

    def take(self, day: date) -> int:
        """Next number of the day's sequence for a provisional code.

        The sequence row is locked once per batch and day (``allocate``), then counted on in
        memory: the lock is held until the batch commits, so no other lease can interleave.
        """
        row = self._seq_row(day)
        seq = row.next_seq
        row.next_seq = seq + 1
        self._leased[day] = seq + 1
        return seq

    def adopt(self, day: date, seq: int) -> None:
        """Accept a final code the sequence never handed out, and move the sequence past it.

        A counter used before it was enrolled numbers dossiers from its own local sequence, and
        the citizen already holds a slip with that code. The number is adopted when it is not
        too far ahead (``MAX_ADOPT_GAP``): moving the day's sequence past it means no later lease
        can hand it out again. The skipped numbers are simply never used.
        """
        row = self._seq_row(day)
        if seq - row.next_seq > MAX_ADOPT_GAP:
            raise _Rejected("code_not_leased")
        row.next_seq = seq + 1
        self._leased[day] = seq + 1

    def dossier(self, sync_id: str) -> DossierRow:
        row = self.dossiers.get(sync_id)
        if row is None:
            raise _Rejected("unknown_dossier")
        if row.unit_id != self.unit.id:
            raise _Rejected("wrong_unit")
        return row

    def apply(self, event: p.OutboxEvent) -> str | None:
        """Apply one event; return an assigned code, or raise :class:`_Rejected`."""
        try:
            body = p.validate_payload(event.kind, event.payload)
        except p.ProtocolError as exc:
            path, reason = exc.data.get("path"), exc.data.get("reason")
            raise _Rejected(f"invalid_payload:{path}:{reason}") from exc
        if isinstance(body, p.DossierReceived):
            return self.received(event, body)
        if isinstance(body, p.StatusChanged):
            row = self.dossier(event.aggregate_id)
            try:
                check_transition(Status(row.status), body.status_to)
            except IllegalTransitionError as exc:
                raise _Rejected(f"illegal_transition:{row.status}->{int(body.status_to)}") from exc
            row.status = int(body.status_to)
            row.updated_at = _now()
            return None
        if isinstance(body, p.DossierUpdated):
            row = self.dossier(event.aggregate_id)
            row.data = {**row.data, **body.fields}
            row.updated_at = _now()
            return None
        # print.recorded, audit.appended …: history only, but never about another unit's dossier.
        other = self.dossiers.get(event.aggregate_id)
        if other is not None and other.unit_id != self.unit.id:
            raise _Rejected("wrong_unit")
        return None

    def received(self, event: p.OutboxEvent, body: p.DossierReceived) -> str | None:
        unit = self.unit
        if body.sync_id != event.aggregate_id:
            raise _Rejected("invalid_payload:$.payload.sync_id:aggregate_mismatch")
        if body.agency_id != unit.agency_id:
            raise _Rejected("wrong_unit")
        existing = self.dossiers.get(event.aggregate_id)
        if existing is not None:
            raise _Rejected("wrong_unit" if existing.unit_id != unit.id else "dossier_exists")
        day = p.office_date(body.received_at)
        assigned: str | None = None
        if body.provisional:
            seq = self.take(day)
            code = assigned = p.format_code(unit.agency_id, day, seq)
        else:
            code = body.code
            _, _, seq = p.parse_code(code)
            if seq >= self.leased_up_to(day):
                self.adopt(day, seq)
            if code in self.used_codes:
                raise _Rejected("code_conflict")
        self.used_codes.add(code)
        now = _now()
        row = DossierRow(
            unit_id=unit.id,
            sync_id=event.aggregate_id,
            code=code,
            provisional_code=body.code if body.provisional else None,
            status=int(body.status),
            received_at=body.received_at,
            data=body.to_dict(),
            updated_at=now,
        )
        self.s.add(row)
        self.dossiers[event.aggregate_id] = row
        return assigned


# --------------------------------------------------------------------------- pull


def pull(engine: Engine, unit: Unit, cursor: int, limit: int) -> p.PullResponse:
    """Changes after ``cursor`` for this unit (and global ones), oldest first."""
    with transaction(engine) as s:
        rows = s.scalars(
            select(ChangeRow)
            .where(
                ChangeRow.id > cursor,
                or_(ChangeRow.unit_id.is_(None), ChangeRow.unit_id == unit.id),
            )
            .order_by(ChangeRow.id)
            .limit(limit + 1)
        ).all()
    page = rows[:limit]
    changes = tuple(p.Change(r.id, r.entity, r.key, _json(r.data)) for r in page)
    next_cursor = page[-1].id if page else cursor
    return p.PullResponse(changes, next_cursor, len(rows) > limit)


def _json(data: Any) -> dict[str, Any]:
    return dict(data) if isinstance(data, dict) else {"value": data}


def new_device_id() -> str:
    return str(uuid.uuid4())
