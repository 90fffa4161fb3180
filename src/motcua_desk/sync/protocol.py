"""Wire format of the sync protocol, shared by the desk client and the reference server.

Standard library only (import-linter enforces it): every message is a frozen dataclass with
``to_dict()`` and a strict ``from_dict()`` that raises :class:`ProtocolError` naming the field
path. See ``docs/sync-protocol.md`` (issue 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from motcua_desk.sync.payloads import (
    KIND_RECEIVED,
    KIND_RELEASED,
    KIND_STATUS,
    KIND_UPDATED,
    MAX_RELEASED_RANGES,
    OFFICE_TZ,
    UPDATABLE_FIELDS,
    CodesReleased,
    DossierReceived,
    DossierUpdated,
    StatusChanged,
    dossier_received_payload,
    format_code,
    office_date,
    parse_code,
    status_changed_payload,
    validate_payload,
)
from motcua_desk.sync.validation import (
    ProtocolError,
    VersionError,
    as_bool,
    as_date,
    as_datetime,
    as_int,
    as_json_object,
    as_list,
    as_obj,
    as_opt_str,
    as_str,
    as_uuid,
    exact_keys,
    fail,
)

PROTOCOL_VERSION = 1
MIN_SUPPORTED = 1
HEADER = "X-Motcua-Protocol"
#: Reply header: the device should rotate its token (``POST /api/v1/device/token``) soon.
ROTATE_HEADER = "X-Motcua-Token-Rotate"

MAX_BATCH = 500
MAX_PULL = 1000
MAX_LEASE = 10_000
MAX_TEXT = 2000
MAX_SEQ = 2**31 - 1  # the server's 32-bit integer columns (event seq, change-log ids)

EVENT_KINDS = frozenset(
    {
        KIND_RECEIVED,
        KIND_STATUS,
        KIND_UPDATED,
        "print.recorded",
        "audit.appended",
        # Postal hand-over (issue 6): history for the server, keyed by the batch's sync id.
        "postal.item_scanned",
        "postal.batch_closed",
        "postal.outcome",
        "postal.attempt",  # a failed delivery attempt (issue 13)
        # Counter work of issue 5: history for the server (the status moves separately).
        "return.recorded",
        "rating.recorded",
        "day.closed",
        "day.reopened",
        KIND_RELEASED,
        # A form of the dossier was digitally signed (issue 16): history for the server.
        "document.signed",
        # Digitised papers (issue 15): metadata and file hash; the bytes travel by /v1/blobs.
        "attachment.put",
        "attachment.removed",
    }
)
DOSSIER_KINDS = frozenset({KIND_RECEIVED, KIND_STATUS, KIND_UPDATED})

ACCEPTED = "accepted"
DUPLICATE = "duplicate"
REJECTED = "rejected"
OUTCOME_STATUSES = frozenset({ACCEPTED, DUPLICATE, REJECTED})

CHANGE_ENTITIES = frozenset({"procedure", "holiday", "user", "dossier_status"})


# --------------------------------------------------------------------------- enrolment


@dataclass(frozen=True, slots=True)
class EnrolRequest:
    """``POST /api/v1/enrol``: trade a one-time enrolment code for a device token."""

    enrolment_code: str
    device_name: str

    def to_dict(self) -> dict[str, Any]:
        return {"enrolment_code": self.enrolment_code, "device_name": self.device_name}

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> EnrolRequest:
        d = as_obj(value, path)
        exact_keys(d, path, {"enrolment_code", "device_name"})
        name = as_str(d["device_name"], f"{path}.device_name", max_len=100)
        if any(ord(c) < 32 or c == "\x7f" for c in name):  # stored as text (NUL breaks PostgreSQL)
            raise fail(f"{path}.device_name", "control_character")
        return cls(
            as_str(d["enrolment_code"], f"{path}.enrolment_code", max_len=64, min_len=6), name
        )


@dataclass(frozen=True, slots=True)
class EnrolResponse:
    device_id: str
    token: str
    agency_id: str
    unit_name: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "device_id": self.device_id,
            "token": self.token,
            "agency_id": self.agency_id,
            "unit_name": self.unit_name,
        }

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> EnrolResponse:
        d = as_obj(value, path)
        exact_keys(d, path, {"device_id", "token", "agency_id", "unit_name"})
        return cls(
            as_uuid(d["device_id"], f"{path}.device_id"),
            as_str(d["token"], f"{path}.token", max_len=200, min_len=20),
            as_str(d["agency_id"], f"{path}.agency_id", max_len=35),
            as_str(d["unit_name"], f"{path}.unit_name", max_len=300),
        )


@dataclass(frozen=True, slots=True)
class TokenResponse:
    """``POST /api/v1/device/token``: a new device token (the old one works until this is used)."""

    token: str

    def to_dict(self) -> dict[str, Any]:
        return {"token": self.token}

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> TokenResponse:
        d = as_obj(value, path)
        exact_keys(d, path, {"token"})
        return cls(as_str(d["token"], f"{path}.token", max_len=200, min_len=20))


@dataclass(frozen=True, slots=True)
class OfflineKeyRequest:
    """``PUT /api/v1/device/offline-key``: the Ed25519 public key (base64) of offline files."""

    public_key: str

    def to_dict(self) -> dict[str, Any]:
        return {"public_key": self.public_key}

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> OfflineKeyRequest:
        d = as_obj(value, path)
        exact_keys(d, path, {"public_key"})
        return cls(as_str(d["public_key"], f"{path}.public_key", max_len=44, min_len=44))


# --------------------------------------------------------------------------- push


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """One outbox row on the wire; ``event_id`` is the idempotency key."""

    event_id: str
    seq: int
    kind: str
    aggregate_id: str
    occurred_at: datetime
    payload: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "seq": self.seq,
            "kind": self.kind,
            "aggregate_id": self.aggregate_id,
            "occurred_at": self.occurred_at.isoformat(),
            "payload": self.payload,
        }

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> OutboxEvent:
        d = as_obj(value, path)
        exact_keys(d, path, {"event_id", "seq", "kind", "aggregate_id", "occurred_at", "payload"})
        kind = as_str(d["kind"], f"{path}.kind", max_len=50)
        if kind not in EVENT_KINDS:
            raise fail(f"{path}.kind", "unknown_kind")
        return cls(
            as_uuid(d["event_id"], f"{path}.event_id"),
            as_int(d["seq"], f"{path}.seq", lo=1),
            kind,
            as_uuid(d["aggregate_id"], f"{path}.aggregate_id"),
            as_datetime(d["occurred_at"], f"{path}.occurred_at"),
            as_json_object(d["payload"], f"{path}.payload"),
        )


@dataclass(frozen=True, slots=True)
class PushRequest:
    """``POST /api/v1/sync/push``: a batch of outbox events in ``seq`` order."""

    device_id: str
    events: tuple[OutboxEvent, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"device_id": self.device_id, "events": [e.to_dict() for e in self.events]}

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> PushRequest:
        d = as_obj(value, path)
        exact_keys(d, path, {"device_id", "events"})
        raw = as_list(d["events"], f"{path}.events", MAX_BATCH)
        events = tuple(OutboxEvent.from_dict(e, f"{path}.events[{i}]") for i, e in enumerate(raw))
        ids = [e.event_id for e in events]
        if len(set(ids)) != len(ids):
            raise fail(f"{path}.events", "duplicate_event_id")
        return cls(as_uuid(d["device_id"], f"{path}.device_id"), events)


@dataclass(frozen=True, slots=True)
class EventOutcome:
    """The server's answer for one event: accepted, duplicate, or rejected with a reason."""

    event_id: str
    status: str
    reason: str | None = None
    assigned_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "status": self.status,
            "reason": self.reason,
            "assigned_code": self.assigned_code,
        }

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> EventOutcome:
        d = as_obj(value, path)
        exact_keys(d, path, {"event_id", "status", "reason", "assigned_code"})
        status = as_str(d["status"], f"{path}.status", max_len=20)
        if status not in OUTCOME_STATUSES:
            raise fail(f"{path}.status", "unknown_status")
        reason = as_opt_str(d["reason"], f"{path}.reason", max_len=MAX_TEXT)
        if status == REJECTED and not reason:
            raise fail(f"{path}.reason", "missing")
        return cls(
            as_uuid(d["event_id"], f"{path}.event_id"),
            status,
            reason,
            as_opt_str(d["assigned_code"], f"{path}.assigned_code", max_len=60),
        )


@dataclass(frozen=True, slots=True)
class PushResponse:
    outcomes: tuple[EventOutcome, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"outcomes": [o.to_dict() for o in self.outcomes]}

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> PushResponse:
        d = as_obj(value, path)
        exact_keys(d, path, {"outcomes"})
        raw = as_list(d["outcomes"], f"{path}.outcomes", MAX_BATCH)
        return cls(
            tuple(EventOutcome.from_dict(o, f"{path}.outcomes[{i}]") for i, o in enumerate(raw))
        )


# --------------------------------------------------------------------------- pull


@dataclass(frozen=True, slots=True)
class Change:
    """One pulled change: a catalogue entry, a calendar day, a user or a dossier status."""

    cursor: int
    entity: str
    key: str
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"cursor": self.cursor, "entity": self.entity, "key": self.key, "data": self.data}

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> Change:
        d = as_obj(value, path)
        exact_keys(d, path, {"cursor", "entity", "key", "data"})
        entity = as_str(d["entity"], f"{path}.entity", max_len=30)
        if entity not in CHANGE_ENTITIES:
            raise fail(f"{path}.entity", "unknown_entity")
        return cls(
            as_int(d["cursor"], f"{path}.cursor", lo=1),
            entity,
            as_str(d["key"], f"{path}.key", max_len=100),
            as_json_object(d["data"], f"{path}.data"),
        )


@dataclass(frozen=True, slots=True)
class PullResponse:
    """``GET /api/v1/sync/pull?cursor=…&limit=…``."""

    changes: tuple[Change, ...]
    next_cursor: int
    has_more: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "changes": [c.to_dict() for c in self.changes],
            "next_cursor": self.next_cursor,
            "has_more": self.has_more,
        }

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> PullResponse:
        d = as_obj(value, path)
        exact_keys(d, path, {"changes", "next_cursor", "has_more"})
        raw = as_list(d["changes"], f"{path}.changes", MAX_PULL)
        changes = tuple(Change.from_dict(c, f"{path}.changes[{i}]") for i, c in enumerate(raw))
        nxt = as_int(d["next_cursor"], f"{path}.next_cursor")
        if any(c.cursor > nxt for c in changes):
            raise fail(f"{path}.next_cursor", "behind_changes")
        return cls(changes, nxt, as_bool(d["has_more"], f"{path}.has_more"))


# --------------------------------------------------------------------------- code leases


@dataclass(frozen=True, slots=True)
class LeaseRequest:
    """``POST /api/v1/codes/lease``: reserve ``count`` numbers of the unit's sequence on ``day``."""

    day: date
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "count": self.count}

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> LeaseRequest:
        d = as_obj(value, path)
        exact_keys(d, path, {"date", "count"})
        return cls(
            as_date(d["date"], f"{path}.date"),
            as_int(d["count"], f"{path}.count", lo=1, hi=MAX_LEASE),
        )


@dataclass(frozen=True, slots=True)
class LeaseResponse:
    day: date
    first: int
    last: int

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "first": self.first, "last": self.last}

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> LeaseResponse:
        d = as_obj(value, path)
        exact_keys(d, path, {"date", "first", "last"})
        first = as_int(d["first"], f"{path}.first", lo=1)
        last = as_int(d["last"], f"{path}.last", lo=1)
        if last < first:
            raise fail(f"{path}.last", "before_first")
        return cls(as_date(d["date"], f"{path}.date"), first, last)


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True, slots=True)
class ErrorReply:
    """Body of every non-2xx reply: ``{"error": {"code": …, "detail": {…}}}``."""

    code: str
    detail: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "detail": self.detail}}

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> ErrorReply:
        d = as_obj(value, path)
        exact_keys(d, path, {"error"})
        e = as_obj(d["error"], f"{path}.error")
        exact_keys(e, f"{path}.error", {"code", "detail"})
        return cls(
            as_str(e["code"], f"{path}.error.code", max_len=100),
            as_json_object(e["detail"], f"{path}.error.detail"),
        )


def check_version(header: str | None) -> int:
    """Parse the ``X-Motcua-Protocol`` header; raise :class:`VersionError` if unsupported."""
    if header is None or not header.isdigit() or len(header) > 6:
        raise VersionError(path=HEADER, reason="missing_or_malformed", supported=PROTOCOL_VERSION)
    version = int(header)
    if version < MIN_SUPPORTED:
        raise VersionError(
            path=HEADER, reason="client_too_old", version=version, min_supported=MIN_SUPPORTED
        )
    if version > PROTOCOL_VERSION:
        raise VersionError(
            path=HEADER, reason="client_too_new", version=version, max_supported=PROTOCOL_VERSION
        )
    return version


__all__ = [
    "ACCEPTED",
    "DUPLICATE",
    "HEADER",
    "KIND_RECEIVED",
    "KIND_RELEASED",
    "MAX_RELEASED_RANGES",
    "KIND_STATUS",
    "KIND_UPDATED",
    "OFFICE_TZ",
    "PROTOCOL_VERSION",
    "REJECTED",
    "ROTATE_HEADER",
    "UPDATABLE_FIELDS",
    "Change",
    "CodesReleased",
    "DossierReceived",
    "DossierUpdated",
    "EnrolRequest",
    "EnrolResponse",
    "ErrorReply",
    "EventOutcome",
    "LeaseRequest",
    "LeaseResponse",
    "OfflineKeyRequest",
    "OutboxEvent",
    "ProtocolError",
    "PullResponse",
    "PushRequest",
    "PushResponse",
    "StatusChanged",
    "TokenResponse",
    "VersionError",
    "check_version",
    "dossier_received_payload",
    "status_changed_payload",
    "format_code",
    "office_date",
    "parse_code",
    "validate_payload",
]
