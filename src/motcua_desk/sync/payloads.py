"""Strict payloads of the dossier event kinds (standard library only).

The server validates these and turns a failure into a *rejected* outcome, not an HTTP error;
the client builds them with ``to_dict()`` when it appends to its outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from motcua_desk.domain.codes import parse_any_dossier_code
from motcua_desk.domain.dossier import Channel, Dossier, Person, ReturnMethod, Status
from motcua_desk.domain.errors import InvalidDossierCodeError
from motcua_desk.domain.text import normalize
from motcua_desk.sync.validation import (
    as_bool,
    as_date,
    as_datetime,
    as_int,
    as_list,
    as_obj,
    as_opt_datetime,
    as_opt_str,
    as_str,
    as_uuid,
    exact_keys,
    fail,
)

KIND_RECEIVED = "dossier.received"
KIND_STATUS = "dossier.status_changed"
KIND_UPDATED = "dossier.updated"
#: Leased dossier-code numbers a counter will never use (the ledger's gap list).
KIND_RELEASED = "codes.released"
MAX_RELEASED_RANGES = 200

#: Vietnam keeps UTC+7 all year; dossier codes carry the office-local reception date.
OFFICE_TZ = timezone(timedelta(hours=7))

#: Fields a ``dossier.updated`` event may change.
UPDATABLE_FIELDS = frozenset(
    {
        "due_at",
        "note",
        "return_method",
        "return_address",
        "fee_vnd",
        "fee_timing",
        "fee_paid_vnd",
        "fee_receipt_no",
    }
)

#: Fee timing values (``domain.fees.FeeTiming``); null for dossiers recorded before fees were.
FEE_TIMINGS = frozenset({"at_intake", "at_return", "exempt", "no_fee"})


def office_date(moment: datetime) -> date:
    """The office-local (UTC+7) calendar date of an aware ``moment``."""
    return moment.astimezone(OFFICE_TZ).date()


def parse_code(code: str, path: str = "code") -> tuple[str, date, int]:
    """Split a final (not provisional) dossier code ``{agency}-{yymmdd}-{seq}`` (TT 01/2018/TT-VPCP Art. 19)."""
    try:
        parts = parse_any_dossier_code(code)
    except InvalidDossierCodeError as exc:
        raise fail(path, "bad_code") from exc
    if parts.provisional:
        raise fail(path, "provisional_code")
    return parts.agency_id, parts.day, parts.seq


def format_code(agency_id: str, day: date, seq: int) -> str:
    """The default code pattern ``{agency_id}-{yymmdd}-{seq:04d}``."""
    return f"{agency_id}-{day:%y%m%d}-{seq:04d}"


def _text(value: object, path: str, max_len: int, min_len: int = 1) -> str:
    return normalize(as_str(value, path, max_len=max_len, min_len=min_len))


def _status(value: object, path: str) -> Status:
    n = as_int(value, path, lo=1, hi=10)
    return Status(n)


_RECEIVED_REQUIRED = {
    "sync_id",
    "agency_id",
    "code",
    "provisional_code",
    "procedure_code",
    "procedure_name",
    "applicant",
    "received_at",
    "due_at",
    "status",
    "channel",
}
_RECEIVED_OPTIONAL = frozenset(
    {
        "submitter",
        "checklist",
        "return_method",
        "return_address",
        "sets_count",
        "fee_vnd",
        "clerk",
        "regime",
        "note",
        "event",
        "detail",
        "fee_timing",
        "fee_paid_vnd",
        "fee_receipt_no",
    }
)
_PERSON_KEYS = {"full_name"}
_PERSON_OPTIONAL = frozenset(
    {"id_number", "birth_date", "sex", "phone", "email", "address", "kind"}
)
_REGIMES = frozenset({"ND61_2018", "ND118_2025"})


def _person(value: object, path: str) -> dict[str, Any]:
    d = as_obj(value, path)
    exact_keys(d, path, _PERSON_KEYS, _PERSON_OPTIONAL)
    out: dict[str, Any] = {"full_name": _text(d["full_name"], f"{path}.full_name", 200)}
    for key in ("id_number", "phone", "email", "address"):
        if key in d:
            out[key] = normalize(as_opt_str(d[key], f"{path}.{key}", max_len=500) or "")
    if "birth_date" in d:
        out["birth_date"] = as_opt_str(d["birth_date"], f"{path}.birth_date", max_len=10)
    if "sex" in d:
        sex = as_opt_str(d["sex"], f"{path}.sex", max_len=10)
        if sex not in (None, "male", "female"):
            raise fail(f"{path}.sex", "unknown_value")
        out["sex"] = sex
    if "kind" in d:
        out["kind"] = as_int(d["kind"], f"{path}.kind", lo=1, hi=4)
    return out


@dataclass(frozen=True, slots=True)
class DossierReceived:
    """Payload of ``dossier.received``: the dossier's full state at intake.

    ``provisional`` (wire key ``provisional_code``) marks a code the server must replace. The
    typed fields are the ones the server checks; ``data`` is the whole validated payload (NFC).
    """

    sync_id: str
    agency_id: str
    code: str
    provisional: bool
    procedure_code: str
    procedure_name: str
    applicant_name: str
    received_at: datetime
    due_at: datetime | None
    status: Status
    channel: Channel
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return dict(self.data)

    @classmethod
    def from_dict(cls, value: object, path: str = "$.payload") -> DossierReceived:
        d = as_obj(value, path)
        exact_keys(d, path, _RECEIVED_REQUIRED, _RECEIVED_OPTIONAL)
        provisional = as_bool(d["provisional_code"], f"{path}.provisional_code")
        code = as_str(d["code"], f"{path}.code", max_len=60)
        agency = as_str(d["agency_id"], f"{path}.agency_id", max_len=35)
        received_at = as_datetime(d["received_at"], f"{path}.received_at")
        try:
            parts = parse_any_dossier_code(code)
        except InvalidDossierCodeError as exc:
            raise fail(f"{path}.code", "bad_code") from exc
        if parts.provisional != provisional:
            raise fail(f"{path}.provisional_code", "mismatch")
        if parts.agency_id != agency:
            raise fail(f"{path}.code", "agency_mismatch")
        if parts.day != office_date(received_at):
            raise fail(f"{path}.code", "date_mismatch")
        applicant = _person(d["applicant"], f"{path}.applicant")
        data: dict[str, Any] = {
            "sync_id": as_uuid(d["sync_id"], f"{path}.sync_id"),
            "agency_id": agency,
            "code": code,
            "provisional_code": provisional,
            "procedure_code": as_str(d["procedure_code"], f"{path}.procedure_code", max_len=60),
            "procedure_name": _text(d["procedure_name"], f"{path}.procedure_name", 1000),
            "applicant": applicant,
            "received_at": d["received_at"],
            "due_at": d["due_at"],
            "status": _status(d["status"], f"{path}.status"),
            "channel": as_int(d["channel"], f"{path}.channel", lo=1, hi=3),
        }
        due_at = as_opt_datetime(d["due_at"], f"{path}.due_at")
        for key in _RECEIVED_OPTIONAL & d.keys():
            data[key] = _optional(key, d[key], f"{path}.{key}")
        return cls(
            sync_id=data["sync_id"],
            agency_id=agency,
            code=code,
            provisional=provisional,
            procedure_code=data["procedure_code"],
            procedure_name=data["procedure_name"],
            applicant_name=applicant["full_name"],
            received_at=received_at,
            due_at=due_at,
            status=Status(data["status"]),
            channel=Channel(data["channel"]),
            data={**data, "status": int(data["status"])},
        )


def _optional(key: str, value: object, path: str) -> Any:
    if key == "submitter":
        return None if value is None else _person(value, path)
    if key == "checklist":
        items = as_list(value, path, 200)
        for i, item in enumerate(items):
            as_obj(item, f"{path}[{i}]")
        return items
    if key == "detail":
        return as_obj(value, path)
    if key == "event":
        return as_str(value, path, max_len=50)
    if key == "regime":
        regime = as_str(value, path, max_len=20)
        if regime not in _REGIMES:
            raise fail(path, "unknown_value")
        return regime
    if key == "clerk":
        return normalize(as_str(value, path, max_len=64, min_len=0))
    return _extra(key, value, path)


def _extra(key: str, value: object, path: str) -> Any:
    if key in ("fee_vnd", "sets_count", "fee_paid_vnd"):
        return None if value is None else as_int(value, path, hi=10**12)
    if key == "fee_timing":
        timing = as_opt_str(value, path, max_len=16)
        if timing is not None and timing not in FEE_TIMINGS:
            raise fail(path, "unknown_value")
        return timing
    if key == "fee_receipt_no":
        return normalize(as_opt_str(value, path, max_len=64) or "")
    if key == "return_method":
        text = as_str(value, path, max_len=20)
        if text not in {m.value for m in ReturnMethod}:
            raise fail(path, "unknown_value")
        return text
    if key == "due_at":
        due = as_opt_datetime(value, path)
        return None if due is None else due.isoformat()
    return normalize(as_opt_str(value, path, max_len=2000) or "")


@dataclass(frozen=True, slots=True)
class StatusChanged:
    """Payload of ``dossier.status_changed``."""

    status_from: Status | None
    status_to: Status
    at: datetime
    actor: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "status_from": None if self.status_from is None else int(self.status_from),
            "status_to": int(self.status_to),
            "at": self.at.isoformat(),
            "actor": self.actor,
        }

    @classmethod
    def from_dict(cls, value: object, path: str = "$.payload") -> StatusChanged:
        d = as_obj(value, path)
        exact_keys(d, path, {"status_from", "status_to", "at", "actor"})
        raw_from = d["status_from"]
        return cls(
            None if raw_from is None else _status(raw_from, f"{path}.status_from"),
            _status(d["status_to"], f"{path}.status_to"),
            as_datetime(d["at"], f"{path}.at"),
            _text(d["actor"], f"{path}.actor", 100),
        )


@dataclass(frozen=True, slots=True)
class DossierUpdated:
    """Payload of ``dossier.updated``: ``{"fields": {name: new value}}``."""

    fields: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"fields": dict(self.fields)}

    @classmethod
    def from_dict(cls, value: object, path: str = "$.payload") -> DossierUpdated:
        d = as_obj(value, path)
        exact_keys(d, path, {"fields"})
        raw = as_obj(d["fields"], f"{path}.fields")
        if not raw:
            raise fail(f"{path}.fields", "empty")
        exact_keys(raw, f"{path}.fields", set(), UPDATABLE_FIELDS)
        return cls({k: _extra(k, v, f"{path}.fields.{k}") for k, v in raw.items()})


@dataclass(frozen=True, slots=True)
class CodesReleased:
    """Payload of ``codes.released``: ``{"date": "2026-03-10", "ranges": [[first, last], …]}``.

    Numbers of the device's leased blocks for that reception date that no dossier took and
    none will (the day is over or closed): the server records them as the day's gaps.
    """

    day: date
    ranges: tuple[tuple[int, int], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "ranges": [[a, b] for a, b in self.ranges]}

    @classmethod
    def from_dict(cls, value: object, path: str = "$.payload") -> CodesReleased:
        d = as_obj(value, path)
        exact_keys(d, path, {"date", "ranges"})
        raw = as_list(d["ranges"], f"{path}.ranges", MAX_RELEASED_RANGES)
        if not raw:
            raise fail(f"{path}.ranges", "empty")
        ranges: list[tuple[int, int]] = []
        for i, item in enumerate(raw):
            pair = as_list(item, f"{path}.ranges[{i}]", 2)
            if len(pair) != 2:
                raise fail(f"{path}.ranges[{i}]", "not_pair")
            first = as_int(pair[0], f"{path}.ranges[{i}][0]", lo=1, hi=10**7)
            last = as_int(pair[1], f"{path}.ranges[{i}][1]", lo=first, hi=10**7)
            if ranges and first <= ranges[-1][1]:
                raise fail(f"{path}.ranges[{i}]", "overlap_or_unsorted")
            ranges.append((first, last))
        return cls(as_date(d["date"], f"{path}.date"), tuple(ranges))


DossierPayload = DossierReceived | StatusChanged | DossierUpdated | CodesReleased


def validate_payload(kind: str, payload: object) -> DossierPayload | None:
    """Validate a dossier kind's payload strictly; other kinds only need a JSON object."""
    if kind == KIND_RECEIVED:
        return DossierReceived.from_dict(payload)
    if kind == KIND_STATUS:
        return StatusChanged.from_dict(payload)
    if kind == KIND_UPDATED:
        return DossierUpdated.from_dict(payload)
    if kind == KIND_RELEASED:
        return CodesReleased.from_dict(payload)
    as_obj(payload, "$.payload")
    return None


def _person_dict(p: Person | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "full_name": p.full_name,
        "id_number": p.id_number,
        "birth_date": None if p.birth_date is None else p.birth_date.isoformat(),
        "sex": p.sex.value if p.sex else None,
        "phone": p.phone,
        "email": p.email,
        "address": p.address,
        "kind": int(p.kind),
    }


def dossier_received_payload(d: Dossier) -> dict[str, Any]:
    """The ``dossier.received`` payload of a dossier (same shape as ``services.payloads``)."""
    return {
        "sync_id": d.sync_id,
        "code": d.code,
        "provisional_code": d.provisional_code,
        "agency_id": d.agency_id,
        "procedure_code": d.procedure_code,
        "procedure_name": d.procedure_name,
        "status": int(d.status),
        "channel": int(d.channel),
        "return_method": d.return_method.value,
        "return_address": d.return_address,
        "received_at": d.received_at.isoformat(),
        "due_at": None if d.due_at is None else d.due_at.isoformat(),
        "applicant": _person_dict(d.applicant),
        "submitter": _person_dict(d.submitter),
        "checklist": [
            {
                "name": i.name,
                "form": i.form.value,
                "copies": i.copies,
                "required": i.required,
                "received": i.received,
            }
            for i in d.checklist
        ],
        "sets_count": d.sets_count,
        "fee_vnd": d.fee_vnd,
        "clerk": d.clerk_username,
        "regime": d.regime.value,
        "note": d.note,
        "fee_timing": None if d.fee_timing is None else d.fee_timing.value,
        "fee_paid_vnd": d.fee_paid_vnd,
        "fee_receipt_no": d.fee_receipt_no,
    }


def status_changed_payload(
    status_from: Status | None, status_to: Status, at: datetime, actor: str
) -> dict[str, Any]:
    """The ``dossier.status_changed`` payload."""
    return StatusChanged(status_from, status_to, at, actor).to_dict()
