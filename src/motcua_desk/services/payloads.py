"""JSON payloads of outbox events, built from domain values (one place for the wire shape)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from motcua_desk.domain.dossier import ChecklistItem, Dossier, Person


def _dt(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def person_payload(p: Person | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "full_name": p.full_name,
        "id_number": p.id_number,
        "birth_date": _dt(p.birth_date),
        "sex": p.sex.value if p.sex else None,
        "phone": p.phone,
        "email": p.email,
        "address": p.address,
        "kind": int(p.kind),
    }


def checklist_payload(items: tuple[ChecklistItem, ...]) -> list[dict[str, Any]]:
    return [
        {
            "name": i.name,
            "form": i.form.value,
            "copies": i.copies,
            "required": i.required,
            "received": i.received,
        }
        for i in items
    ]


def dossier_payload(d: Dossier) -> dict[str, Any]:
    """Full state of a dossier as sent with ``dossier.received``."""
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
        "received_at": _dt(d.received_at),
        "due_at": _dt(d.due_at),
        "applicant": person_payload(d.applicant),
        "submitter": person_payload(d.submitter),
        "checklist": checklist_payload(d.checklist),
        "sets_count": d.sets_count,
        "fee_vnd": d.fee_vnd,
        "clerk": d.clerk_username,
        "regime": d.regime.value,
        "note": d.note,
    }
