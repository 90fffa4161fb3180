"""Push, pull, code leases and enrolment: the server side of the sync protocol."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Engine, Table, or_, select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from motcua_desk.domain.dossier import Status, check_transition
from motcua_desk.domain.errors import DomainError, IllegalTransitionError
from motcua_desk.sync import protocol as p
from motcua_desk.sync.payloads import DossierPayload
from motcua_server import bulk, papers
from motcua_server.bulk import Raw
from motcua_server.codes import (
    CODE_CONFLICT,
    MAX_ADOPT_GAP,
    DayCodes,
    allocate,
    lease,
)
from motcua_server.db import reading, transaction
from motcua_server.models import ChangeRow, Device, DossierRow, EventRow, Unit
from motcua_server.sanity import MAX_SEQ, event_defect, safe_reason
from motcua_server.security import AuthFailedError, digest, new_token, normalize_enrolment_code

__all__ = [
    "MAX_ADOPT_GAP",
    "EventIdReusedError",
    "Prepared",
    "allocate",
    "enrol",
    "lease",
    "prepare",
    "pull",
    "push",
]

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
    return _hash(event, _canonical(event.payload))


#: How ``json.dumps(..., ensure_ascii=False)`` writes a string (the C encoder when present).
_json_str = cast(
    Callable[[str], str],
    getattr(json.encoder, "c_encode_basestring", None) or json.encoder.py_encode_basestring,
)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _hash(event: p.OutboxEvent, payload_json: str) -> str:
    """SHA-256 of the event's canonical JSON ``{"aggregate_id", "kind", "payload", "seq"}``
    (sorted keys, compact), built around the payload's canonical text computed once."""
    canonical = (
        f'{{"aggregate_id":{_json_str(event.aggregate_id)},"kind":{_json_str(event.kind)},'
        f'"payload":{payload_json},"seq":{int(event.seq)}}}'
    )
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


def prepare(req: p.PushRequest) -> list[Prepared]:
    """What :func:`push` can decide without the database (validation, hashes): may run first,
    outside any limit on concurrent transactions."""
    return [_prepare(event) for event in req.events]


def push(
    engine: Engine,
    device: Device,
    unit: Unit,
    req: p.PushRequest,
    prepared: list[Prepared] | None = None,
) -> p.PushResponse:
    """Apply a batch in one transaction; each event exactly once (stored outcome by id).

    Everything that needs no database (payload validation, defects, hashes) is done before the
    transaction opens, so locks (a unit's sequence row) are held only for the few statements of
    the batch: a handful of prefetching SELECTs, then the new rows in one multi-row INSERT per
    table and the changed dossiers in one UPDATE (issue 17). Two pushes of the same event race
    on the events primary key: the loser's batch is rolled back (503, retried: answered as a
    duplicate). If the database refuses a value, the batch is rolled back and applied again
    with each event in its own savepoint, so the refused event becomes a rejected outcome and
    the rest of the batch goes on (issue 14). Savepoints only then: they cost a third of the
    ingest rate.
    """
    if prepared is None:
        prepared = prepare(req)
    try:
        return _push(engine, device, unit, prepared, safe=False)
    except _STORAGE_ERRORS as exc:
        log.warning(
            "batch refused by the database (%s); applying event by event", type(exc).__name__
        )
        return _push(engine, device, unit, prepared, safe=True)


@dataclass(frozen=True, slots=True)
class Prepared:
    """An event with what can be decided about it without the database."""

    event: p.OutboxEvent
    hash: str
    payload_json: Raw  # the payload's canonical JSON text: hashed, then stored as it is
    defect: str | None  # cannot be stored or answered at all
    body: DossierPayload | None  # the validated payload of a dossier kind
    invalid: str | None  # the payload does not validate: the event's rejection reason


def _prepare(event: p.OutboxEvent) -> Prepared:
    payload_json = Raw(_canonical(event.payload))
    defect = event_defect(event, payload_json)
    body: DossierPayload | None = None
    invalid: str | None = None
    if defect is None:
        try:
            body = p.validate_payload(event.kind, event.payload)
        except p.ProtocolError as exc:
            path, reason = exc.data.get("path"), exc.data.get("reason")
            invalid = _Rejected(f"invalid_payload:{path}:{reason}").reason
    return Prepared(event, _hash(event, payload_json), payload_json, defect, body, invalid)


_EVENTS = cast(Table, EventRow.__table__)
_EMPTY = Raw("{}")
_DOSSIERS = cast(Table, DossierRow.__table__)


def _push(
    engine: Engine, device: Device, unit: Unit, prepared: list[Prepared], *, safe: bool
) -> p.PushResponse:
    outcomes: list[p.EventOutcome] = []
    ids = [x.event.event_id for x in prepared]
    rows: list[dict[str, Any]] = []
    with transaction(engine) as s:
        ev = _EVENTS.c
        # Core statements on the session's connection: the ORM's compile step costs more than
        # these small reads (issue 17).
        conn = s.connection()
        stored = {
            r.event_id: r
            for r in conn.execute(
                select(
                    ev.event_id,
                    ev.payload_hash,
                    ev.device_id,
                    ev.status,
                    ev.reason,
                    ev.assigned_code,
                ).where(bulk.among(conn, ev.event_id, ids))
            )
        }
        fresh = [x for x in prepared if x.event.event_id not in stored and x.defect is None]
        batch = _Batch(s, unit, device, fresh, safe)
        now = _now()
        for x in prepared:
            event = x.event
            old = stored.get(event.event_id)
            if old is not None:
                if old.payload_hash != x.hash or old.device_id != device.id:
                    raise EventIdReusedError(event_id=event.event_id)
                status = p.REJECTED if old.status == p.REJECTED else p.DUPLICATE
                outcomes.append(
                    p.EventOutcome(event.event_id, status, old.reason, old.assigned_code)
                )
                continue
            if x.defect is not None:
                outcome = p.EventOutcome(event.event_id, p.REJECTED, x.defect)
            elif x.invalid is not None:
                outcome = p.EventOutcome(event.event_id, p.REJECTED, safe_reason(x.invalid))
            else:
                outcome = batch.apply_safely(x)
            rows.append(
                {
                    "event_id": event.event_id,
                    "unit_id": unit.id,
                    "device_id": device.id,
                    "seq": min(event.seq, MAX_SEQ),
                    "kind": event.kind,
                    "aggregate_id": event.aggregate_id,
                    # A defective payload cannot be stored; its hash still answers replays.
                    "payload": _EMPTY if x.defect is not None else x.payload_json,
                    "payload_hash": x.hash,
                    "status": outcome.status,
                    "reason": outcome.reason,
                    "assigned_code": outcome.assigned_code,
                    "received_at": now,
                }
            )
            outcomes.append(outcome)
        if rows:
            # First the events: a concurrent push of the same event stops here (primary key).
            bulk.insert_rows(s, _EVENTS, rows)
        batch.write()
        # The applicant-paper index (reuse at intake) moves with the events that feed it.
        papers.record(
            s,
            unit.id,
            [x.event for x, o in zip(prepared, outcomes, strict=True) if o.status == p.ACCEPTED],
        )
    return p.PushResponse(tuple(outcomes))


@dataclass(slots=True)
class _Dossier:
    """A dossier as the batch sees it; written at the end of the batch (or of its event)."""

    sync_id: str
    unit_id: int
    code: str
    status: int
    data: dict[str, Any]
    new: bool  # to INSERT; otherwise an existing row to UPDATE if ``dirty``
    provisional_code: str | None = None
    received_at: datetime | None = None
    updated_at: datetime | None = None
    dirty: bool = False

    def insert_row(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "sync_id": self.sync_id,
            "code": self.code,
            "provisional_code": self.provisional_code,
            "status": self.status,
            "received_at": self.received_at,
            "data": self.data,
            "updated_at": self.updated_at,
        }

    def update_row(self) -> dict[str, Any]:
        return {
            "sync_id": self.sync_id,
            "status": self.status,
            "data": self.data,
            "updated_at": self.updated_at,
        }


class _Batch:
    """One push batch: prefetches what the events touch in a few queries, then applies them.

    Rows created by earlier events of the batch are visible to later ones (a dossier received
    and moved on in the same batch): they live in ``dossiers`` until :meth:`write`.
    """

    def __init__(
        self, s: Session, unit: Unit, device: Device, events: list[Prepared], safe: bool
    ) -> None:
        self.s = s
        self.unit = unit
        self.safe = safe
        self.codes = DayCodes(s, unit, device.id)
        aggs = {x.event.aggregate_id for x in events}
        self.dossiers: dict[str, _Dossier] = {}
        if aggs:
            do = _DOSSIERS.c
            conn = s.connection()
            found = conn.execute(
                select(do.sync_id, do.unit_id, do.code, do.status, do.data).where(
                    bulk.among(conn, do.sync_id, aggs)
                )
            )
            for r in found:
                self.dossiers[r.sync_id] = _Dossier(
                    r.sync_id, r.unit_id, r.code, r.status, r.data, new=False
                )
        codes = {
            x.body.code
            for x in events
            if isinstance(x.body, p.DossierReceived) and x.event.kind == p.KIND_RECEIVED
        }
        self._need = len(codes)  # at most this many numbers to assign
        self._windows: dict[date, tuple[int, int, set[str]]] = {}
        self.used_codes: set[str] = set()
        if codes:
            do = _DOSSIERS.c
            conn = s.connection()
            self.used_codes.update(
                conn.scalars(
                    select(do.code).where(do.unit_id == unit.id, bulk.among(conn, do.code, codes))
                )
            )

    def apply_safely(self, x: Prepared) -> p.EventOutcome:
        """Apply one event (in safe mode in a savepoint: a database error is its rejection)."""
        event = x.event
        try:
            if self.safe:
                with self.s.begin_nested():
                    assigned, note = self.apply(x)
                    self.write()
            else:
                assigned, note = self.apply(x)
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

    def write(self) -> None:
        """Store the new and the changed dossiers: one statement each (executemany)."""
        new = [d for d in self.dossiers.values() if d.new]
        changed = [d for d in self.dossiers.values() if d.dirty and not d.new]
        bulk.insert_rows(self.s, _DOSSIERS, [d.insert_row() for d in new])
        bulk.update_rows(self.s, _DOSSIERS, "sync_id", [d.update_row() for d in changed])
        for d in new + changed:
            d.new = d.dirty = False

    def forget(self, sync_id: str) -> None:
        row = self.dossiers.pop(sync_id, None)
        if row is not None:
            self.used_codes.discard(row.code)

    def dossier(self, sync_id: str) -> _Dossier:
        row = self.dossiers.get(sync_id)
        if row is None:
            raise _Rejected("unknown_dossier")
        if row.unit_id != self.unit.id:
            raise _Rejected("wrong_unit")
        return row

    def apply(self, x: Prepared) -> tuple[str | None, str | None]:
        """Apply one event; return ``(assigned code, note)``, or raise :class:`_Rejected`."""
        event, body = x.event, x.body
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
            row.dirty = True
            return None, None
        if isinstance(body, p.DossierUpdated):
            row = self.dossier(event.aggregate_id)
            row.data = {**row.data, **body.fields}
            row.updated_at = _now()
            row.dirty = True
            return None, None
        if isinstance(body, p.CodesReleased):
            refused = self.codes.release(body.day, body.ranges, self.used_codes)
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
            code = assigned = self._next_code(day)
        self.used_codes.add(code)
        self.dossiers[event.aggregate_id] = _Dossier(
            sync_id=event.aggregate_id,
            unit_id=unit.id,
            code=code,
            status=int(body.status),
            data=body.to_dict(),
            new=True,
            provisional_code=body.code if assigned else None,
            received_at=body.received_at,
            updated_at=_now(),
        )
        return assigned, note

    def _next_code(self, day: date) -> str:
        """The next number of the day's sequence that no dossier of the unit holds yet."""
        while True:
            seq = self.codes.take(day)  # locks the sequence row: nobody else numbers now
            code = p.format_code(self.unit.agency_id, day, seq)
            if code not in self.used_codes and not self._code_taken(day, seq, code):
                return code

    def _code_taken(self, day: date, seq: int, code: str) -> bool:
        """An adopted code ahead of the sequence may sit where the sequence now arrives.

        Checked for a window of numbers at once (one query for the batch, not one per code);
        under the sequence row lock no other transaction can adopt a number in the window.
        """
        window = self._windows.get(day)
        if window is None or not window[0] <= seq < window[1]:
            lo, hi = seq, seq + self._need + 16
            wanted = [p.format_code(self.unit.agency_id, day, n) for n in range(lo, hi)]
            do = _DOSSIERS.c
            with self.s.no_autoflush:
                conn = self.s.connection()
                taken = set(
                    conn.scalars(
                        select(do.code).where(
                            do.unit_id == self.unit.id, bulk.among(conn, do.code, wanted)
                        )
                    )
                )
            window = self._windows[day] = (lo, hi, taken)
        return code in window[2]


# --------------------------------------------------------------------------- pull


def pull(engine: Engine, unit: Unit, cursor: int, limit: int) -> p.PullResponse:
    """Changes after ``cursor`` for this unit (and global ones), oldest first."""
    with reading(engine) as s:
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
