"""Field checks of an intake draft; returns error codes the UI turns into Vietnamese messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from motcua_desk.domain.dossier import (
    ApplicantKind,
    Channel,
    ChecklistItem,
    Person,
    ReturnMethod,
    Sex,
)
from motcua_desk.domain.errors import InvalidIdNumberError
from motcua_desk.domain.fees import FeeTiming
from motcua_desk.domain.identity import parse_personal_id
from motcua_desk.domain.procedure import Procedure
from motcua_desk.domain.text import name_problem, normalize

_PHONE = re.compile(r"^(0|\+84)\d{9,10}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class IntakeDraft:
    """What the clerk has entered; nothing is saved until it validates."""

    procedure_code: str
    applicant: Person
    submitter: Person | None = None
    channel: Channel = Channel.IN_PERSON
    return_method: ReturnMethod = ReturnMethod.COUNTER
    return_address: str = ""
    checklist: tuple[ChecklistItem, ...] = ()
    sets_count: int = 1
    note: str = ""
    received_at: datetime | None = None
    postage_vnd: int | None = None  # postal return: the postage the citizen pays (QĐ 45/2016)
    #: When the fee is collected (None: the unit's default, or "no fee" when the catalogue
    #: says 0); what is paid now at intake and the receipt number (set per procedure by its legal text).
    fee_timing: FeeTiming | None = None
    fee_paid_vnd: int = 0
    fee_receipt_no: str = ""
    authorisation: str = ""  # the proxy's authorisation paper, printed on Mẫu 01


def clean_phone(phone: str) -> str:
    return re.sub(r"[\s.\-()]", "", phone)


def _check_person(prefix: str, p: Person, errors: dict[str, str], *, id_required: bool) -> None:
    if not normalize(p.full_name):
        errors[f"{prefix}.full_name"] = "required"
    elif problem := name_problem(p.full_name):
        errors[f"{prefix}.full_name"] = problem
    number = p.id_number.strip()
    if p.kind is ApplicantKind.CITIZEN:
        if not number:
            if id_required:
                errors[f"{prefix}.id_number"] = "required"
        else:
            try:
                info = parse_personal_id(number)
            except InvalidIdNumberError as exc:
                errors[f"{prefix}.id_number"] = f"invalid_id_number:{exc.data.get('reason', '')}"
            else:
                if p.birth_date is not None and p.birth_date.year != info.birth_year:
                    errors[f"{prefix}.birth_date"] = "birth_date_mismatch"
                if p.sex is not None and p.sex is not info.sex:
                    errors[f"{prefix}.sex"] = "sex_mismatch"
    elif id_required and not number:
        errors[f"{prefix}.id_number"] = "required"
    if p.phone and not _PHONE.match(clean_phone(p.phone)):
        errors[f"{prefix}.phone"] = "invalid_phone"
    if p.email and not _EMAIL.match(p.email.strip()):
        errors[f"{prefix}.email"] = "invalid_email"


def validate_draft(
    draft: IntakeDraft, procedure: Procedure | None, *, today_year: int
) -> dict[str, str]:
    """Every problem of ``draft`` at once (field name -> error code); {} when it can be received."""
    errors: dict[str, str] = {}
    if procedure is None:
        errors["procedure"] = "required"
    elif procedure.processing_days is None:
        errors["procedure"] = "unknown_processing_time"
    _check_person("applicant", draft.applicant, errors, id_required=True)
    if not normalize(draft.applicant.address):
        errors["applicant.address"] = "required"
    bd = draft.applicant.birth_date
    if bd is not None and bd.year > today_year:
        errors["applicant.birth_date"] = "future_date"
    if draft.submitter is not None:
        _check_person("submitter", draft.submitter, errors, id_required=True)
    if draft.return_method is ReturnMethod.POST and not normalize(draft.return_address):
        errors["return_address"] = "required"
    if draft.postage_vnd is not None and draft.postage_vnd < 0:
        errors["postage_vnd"] = "invalid_value"
    if draft.sets_count < 1:
        errors["sets_count"] = "required"
    if any(i.required and not i.received for i in draft.checklist):
        errors["checklist"] = "incomplete_checklist"
    return errors


def normalized_person(p: Person) -> Person:
    """The person with NFC text, trimmed ID and cleaned phone."""
    return Person(
        full_name=normalize(p.full_name),
        id_number=p.id_number.strip(),
        birth_date=p.birth_date,
        sex=p.sex if isinstance(p.sex, Sex) else None,
        phone=clean_phone(p.phone),
        email=p.email.strip(),
        address=normalize(p.address),
        kind=p.kind,
    )
