"""Strict payloads of the dossier event kinds (standard library only).

The server validates these and turns a failure into a *rejected* outcome, not an HTTP error;
the client builds them with ``to_dict()`` when it appends to its outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from motcua_desk.domain.codes import parse_any_dossier_code
from motcua_desk.domain.dossier import Channel, Dossier, ReturnMethod, Status
from motcua_desk.domain.errors import InvalidDossierCodeError
from motcua_desk.domain.text import normalize
from motcua_desk.sync.validation import (
    as_bool,
    as_datetime,
    as_int,
    as_obj,
    as_opt_datetime,
    as_opt_str,
    as_str,
    exact_keys,
    fail,
)

KIND_RECEIVED = "dossier.received"
KIND_STATUS = "dossier.status_changed"
KIND_UPDATED = "dossier.updated"

#: Fields a ``dossier.updated`` event may change.
UPDATABLE_FIELDS = frozenset({"due_at", "note", "return_method", "return_address", "fee_vnd"})

_RECEIVED_OPTIONAL = frozenset(
    {"note", "fee_vnd", "return_method", "return_address", "clerk_username", "sets_count"}
)


def parse_code(code: str, path: str = "code") -> tuple[str, date, int]:
    """Split a final (not provisional) dossier code ``{agency}-{yymmdd}-{seq}`` (§5)."""
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


@dataclass(frozen=True, slots=True)
class DossierReceived:
    """Payload of ``dossier.received``; ``provisional`` marks a code the server must replace."""

    agency_id: str
    code: str
    provisional: bool
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_id_number: str
    received_at: datetime
    due_at: datetime | None
    status: Status
    channel: Channel
    extra: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id,
            "code": self.code,
            "provisional": self.provisional,
            "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name,
            "applicant_name": self.applicant_name,
            "applicant_id_number": self.applicant_id_number,
            "received_at": self.received_at.isoformat(),
            "due_at": None if self.due_at is None else self.due_at.isoformat(),
            "status": int(self.status),
            "channel": int(self.channel),
            **self.extra,
        }

    @classmethod
    def from_dict(cls, value: object, path: str = "$.payload") -> DossierReceived:
        d = as_obj(value, path)
        exact_keys(
            d,
            path,
            {
                "agency_id",
                "code",
                "provisional",
                "procedure_code",
                "procedure_name",
                "applicant_name",
                "applicant_id_number",
                "received_at",
                "due_at",
                "status",
                "channel",
            },
            _RECEIVED_OPTIONAL,
        )
        provisional = as_bool(d["provisional"], f"{path}.provisional")
        code = as_str(d["code"], f"{path}.code", max_len=60)
        agency = as_str(d["agency_id"], f"{path}.agency_id", max_len=35)
        received_at = as_datetime(d["received_at"], f"{path}.received_at")
        try:
            parts = parse_any_dossier_code(code)
        except InvalidDossierCodeError as exc:
            raise fail(f"{path}.code", "bad_code") from exc
        if parts.provisional != provisional:
            raise fail(f"{path}.provisional", "mismatch")
        if parts.agency_id != agency:
            raise fail(f"{path}.code", "agency_mismatch")
        if parts.day != received_at.date():
            raise fail(f"{path}.code", "date_mismatch")
        channel_n = as_int(d["channel"], f"{path}.channel", lo=1, hi=3)
        extra: dict[str, Any] = {}
        for key in _RECEIVED_OPTIONAL & d.keys():
            extra[key] = _extra(key, d[key], f"{path}.{key}")
        return cls(
            agency_id=agency,
            code=code,
            provisional=provisional,
            procedure_code=as_str(d["procedure_code"], f"{path}.procedure_code", max_len=60),
            procedure_name=_text(d["procedure_name"], f"{path}.procedure_name", 1000),
            applicant_name=_text(d["applicant_name"], f"{path}.applicant_name", 200),
            applicant_id_number=as_str(
                d["applicant_id_number"], f"{path}.applicant_id_number", max_len=20, min_len=0
            ),
            received_at=received_at,
            due_at=as_opt_datetime(d["due_at"], f"{path}.due_at"),
            status=_status(d["status"], f"{path}.status"),
            channel=Channel(channel_n),
            extra=extra,
        )


def _extra(key: str, value: object, path: str) -> Any:
    if key in ("fee_vnd", "sets_count"):
        return None if value is None else as_int(value, path, hi=10**12)
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


DossierPayload = DossierReceived | StatusChanged | DossierUpdated


def validate_payload(kind: str, payload: object) -> DossierPayload | None:
    """Validate a dossier kind's payload strictly; other kinds only need a JSON object."""
    if kind == KIND_RECEIVED:
        return DossierReceived.from_dict(payload)
    if kind == KIND_STATUS:
        return StatusChanged.from_dict(payload)
    if kind == KIND_UPDATED:
        return DossierUpdated.from_dict(payload)
    as_obj(payload, "$.payload")
    return None


def dossier_received_payload(d: Dossier) -> dict[str, Any]:
    """The ``dossier.received`` payload of a stored dossier (written with it to the outbox)."""
    extra: dict[str, Any] = {
        "note": d.note,
        "fee_vnd": d.fee_vnd,
        "return_method": d.return_method.value,
        "return_address": d.return_address,
        "clerk_username": d.clerk_username,
        "sets_count": d.sets_count,
    }
    return DossierReceived(
        agency_id=d.agency_id,
        code=d.code,
        provisional=d.provisional_code,
        procedure_code=d.procedure_code,
        procedure_name=d.procedure_name,
        applicant_name=d.applicant.full_name,
        applicant_id_number=d.applicant.id_number,
        received_at=d.received_at,
        due_at=d.due_at,
        status=d.status,
        channel=d.channel,
        extra=extra,
    ).to_dict()


def status_changed_payload(
    status_from: Status | None, status_to: Status, at: datetime, actor: str
) -> dict[str, Any]:
    """The ``dossier.status_changed`` payload."""
    return StatusChanged(status_from, status_to, at, actor).to_dict()
