"""Push, pull, code leases and enrolment: the server side of the sync protocol."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from motcua_desk.domain.dossier import Status, check_transition
from motcua_desk.domain.errors import DomainError, IllegalTransitionError
from motcua_desk.sync import protocol as p
from motcua_server import papers
from motcua_server.codes import (
    CODE_CONFLICT,
    MAX_ADOPT_GAP,
    DayCodes,
    allocate,
    lease,
)
from motcua_server.db import transaction
from motcua_server.models import ChangeRow, Device, DossierRow, EventRow, Unit
from motcua_server.sanity import MAX_SEQ, event_defect, safe_reason
from motcua_server.security import AuthFailedError, digest, new_token, normalize_enrolment_code

__all__ = ["MAX_ADOPT_GAP", "EventIdReusedError", "allocate", "enrol", "lease", "pull", "push"]

log = logging.getLogger(__name__)


class EventIdReusedError(DomainError):
    """The same event_id came back with a different payload: a client bug."""

    code = "event_id_reused"


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
    # surrogatepass: a lone surrogate must hash (to answer replays), not crash the batch.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


# --------------------------------------------------------------------------- auth

#: An enrolment code stays valid for a retry of the same enrolment (the reply was lost) until
#: the device first uses its token, or this long after enrolling.
ENROL_RETRY_WINDOW = timedelta(hours=24)


def enrol(engine: Engine, req: p.EnrolRequest) -> p.EnrolResponse:
    """Trade a one-time code for a token; idempotent while the token was never used.

    If the reply is lost after the commit, the counter retries with the same code and gets the
    same device (with a fresh token: only the hash is stored, and the lost one was never seen).
    The code is erased when the device first authenticates, or ``ENROL_RETRY_WINDOW`` later.
    """
    code_hash = digest(normalize_enrolment_code(req.enrolment_code))
    token = new_token()
    with transaction(engine) as s:
        device = s.scalars(select(Device).where(Device.enrol_code_hash == code_hash)).one_or_none()
        expires = _aware(device.enrol_expires_at) if device is not None else None
        if device is None or device.revoked or expires is None or expires < _now():
            raise AuthFailedError(reason="bad_enrolment_code")
        unit = s.get(Unit, device.unit_id)
        assert unit is not None
        now = _now()
        if device.enrolled_at is None:
            device.enrolled_at = now
            device.enrol_expires_at = now + ENROL_RETRY_WINDOW
        device.token_hash = digest(token)
        device.name = req.device_name
        return p.EnrolResponse(device.id, token, unit.agency_id, unit.name)


# --------------------------------------------------------------------------- push


#: What a value the database cannot hold raises (beyond what ``event_defect`` foresees).
_STORAGE_ERRORS = (DataError, ArithmeticError, ValueError, UnicodeError)


def push(engine: Engine, device: Device, unit: Unit, req: p.PushRequest) -> p.PushResponse:
    """Apply a batch in one transaction; each event exactly once (stored outcome by id).

    The batch is applied in one go; if the database refuses a value, it is rolled back and
    applied again with each event in its own savepoint, so the refused event becomes a
    rejected outcome and the rest of the batch goes on (issue 14). Savepoints only then: they
    cost a third of the ingest rate.
    """
    try:
        return _push(engine, device, unit, req, safe=False)
    except _STORAGE_ERRORS as exc:
        log.warning(
            "batch refused by the database (%s); applying event by event", type(exc).__name__
        )
        return _push(engine, device, unit, req, safe=True)


def _push(
    engine: Engine, device: Device, unit: Unit, req: p.PushRequest, *, safe: bool
) -> p.PushResponse:
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
        fresh = [e for e in req.events if e.event_id not in stored]
        defects = {e.event_id: d for e in fresh if (d := event_defect(e)) is not None}
        batch = _Batch(s, unit, device, [e for e in fresh if e.event_id not in defects], safe)
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
            defect = defects.get(event.event_id)
            outcome = (
                p.EventOutcome(event.event_id, p.REJECTED, defect)
                if defect is not None
                else batch.apply_safely(event)
            )
            s.add(
                EventRow(
                    event_id=event.event_id,
                    unit_id=unit.id,
                    device_id=device.id,
                    seq=min(event.seq, MAX_SEQ),
                    kind=event.kind,
                    aggregate_id=event.aggregate_id,
                    # A defective payload cannot be stored; its hash still answers replays.
                    payload={} if defect is not None else event.payload,
                    payload_hash=h,
                    status=outcome.status,
                    reason=outcome.reason,
                    assigned_code=outcome.assigned_code,
                    received_at=now,
                )
            )
            outcomes.append(outcome)
        # The applicant-paper index (reuse at intake) moves with the events that feed it.
        papers.record(
            s,
            unit.id,
            [e for e, o in zip(req.events, outcomes, strict=True) if o.status == p.ACCEPTED],
        )
    return p.PushResponse(tuple(outcomes))


class _Batch:
    """One push batch: prefetches what the events touch in a few queries, then applies them.

    Rows created by earlier events of the batch are visible to later ones (a dossier received
    and moved on in the same batch).
    """

    def __init__(
        self, s: Session, unit: Unit, device: Device, events: list[p.OutboxEvent], safe: bool
    ) -> None:
        self.s = s
        self.unit = unit
        self.safe = safe
        self.codes = DayCodes(s, unit, device.id)
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

    def apply_safely(self, event: p.OutboxEvent) -> p.EventOutcome:
        """Apply one event (in safe mode in a savepoint: a database error is its rejection)."""
        try:
            if self.safe:
                with self.s.begin_nested():
                    assigned, note = self.apply(event)
                    self.s.flush()
            else:
                assigned, note = self.apply(event)
        except _Rejected as rej:
            return p.EventOutcome(event.event_id, p.REJECTED, safe_reason(rej.reason))
        except _STORAGE_ERRORS as exc:
            if not self.safe:
                raise
            # Not a rule of ours but a value the database or Python cannot hold.
            log.warning("event refused by the database: %s", type(exc).__name__)
            self.forget(event.aggregate_id)
            return p.EventOutcome(
                event.event_id, p.REJECTED, f"storage_refused:{type(exc).__name__}"
            )
        return p.EventOutcome(event.event_id, p.ACCEPTED, note, assigned)

    def forget(self, sync_id: str) -> None:
        row = self.dossiers.pop(sync_id, None)
        if row is not None:
            self.used_codes.discard(row.code)

    def dossier(self, sync_id: str) -> DossierRow:
        row = self.dossiers.get(sync_id)
        if row is None:
            raise _Rejected("unknown_dossier")
        if row.unit_id != self.unit.id:
            raise _Rejected("wrong_unit")
        return row

    def apply(self, event: p.OutboxEvent) -> tuple[str | None, str | None]:
        """Apply one event; return ``(assigned code, note)``, or raise :class:`_Rejected`."""
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
            return None, None
        if isinstance(body, p.DossierUpdated):
            row = self.dossier(event.aggregate_id)
            row.data = {**row.data, **body.fields}
            row.updated_at = _now()
            return None, None
        if isinstance(body, p.CodesReleased):
            refused = self.codes.release(body.day, body.ranges)
            if refused is not None:
                raise _Rejected(refused)
            return None, None
        # print.recorded, audit.appended …: history only, but never about another unit's dossier.
        other = self.dossiers.get(event.aggregate_id)
        if other is not None and other.unit_id != self.unit.id:
            raise _Rejected("wrong_unit")
        return None, None

    def received(
        self, event: p.OutboxEvent, body: p.DossierReceived
    ) -> tuple[str | None, str | None]:
        """Store a new dossier. Its code stands only if the device owns it (``DayCodes``);
        otherwise the server numbers it and answers the new code with the reason: the dossier
        is never lost to a code clash, and the counter keeps the printed code as an alias."""
        unit = self.unit
        if body.sync_id != event.aggregate_id:
            raise _Rejected("invalid_payload:$.payload.sync_id:aggregate_mismatch")
        if body.agency_id != unit.agency_id:
            raise _Rejected("wrong_unit")
        existing = self.dossiers.get(event.aggregate_id)
        if existing is not None:
            raise _Rejected("wrong_unit" if existing.unit_id != unit.id else "dossier_exists")
        day = p.office_date(body.received_at)
        code = body.code
        note: str | None = None
        if not body.provisional:
            _, _, seq = p.parse_code(code)
            note = CODE_CONFLICT if code in self.used_codes else self.codes.settle_final(day, seq)
        assigned: str | None = None
        if body.provisional or note is not None:
            code = assigned = p.format_code(unit.agency_id, day, self.codes.take(day))
            while code in self.used_codes or self._code_taken(code):
                code = assigned = p.format_code(unit.agency_id, day, self.codes.take(day))
        now = _now()
        row = DossierRow(
            unit_id=unit.id,
            sync_id=event.aggregate_id,
            code=code,
            provisional_code=body.code if assigned else None,
            status=int(body.status),
            received_at=body.received_at,
            data=body.to_dict(),
            updated_at=now,
        )
        self.s.add(row)
        if self.safe:
            self.s.flush()
        self.used_codes.add(code)
        self.dossiers[event.aggregate_id] = row
        return assigned, note

    def _code_taken(self, code: str) -> bool:
        """An adopted code ahead of the sequence may sit where the sequence now arrives."""
        found = self.s.scalar(
            select(DossierRow.id).where(DossierRow.unit_id == self.unit.id, DossierRow.code == code)
        )
        return found is not None


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
