"""Dossier repository: dossiers, checklist rows and the timeline, as frozen domain values."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from motcua_desk.domain.dossier import (
    ApplicantKind,
    Channel,
    ChecklistItem,
    Dossier,
    DossierEvent,
    PaperForm,
    Person,
    Regime,
    ReturnMethod,
    Sex,
    Status,
    check_transition,
)
from motcua_desk.domain.fees import FeeTiming
from motcua_desk.domain.text import normalize, search_key

from .. import _json
from ..errors import DuplicateError, NotFoundError, StorageError
from ..orm import ChecklistRow, DossierEventRow, DossierRow


class StatusChangeViaUpdateError(StorageError):
    """``update()`` was given another status; status changes go through ``set_status()``."""

    code = "status_change_via_update"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def like_escape(text: str) -> str:
    """Escape ``%``, ``_`` and ``\\`` for a LIKE pattern using ``ESCAPE '\\'``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _person_columns(prefix: str, p: Person | None) -> dict[str, Any]:
    if p is None:
        return {
            f"{prefix}_{k}": None
            for k in ("name", "id_number", "birth_date", "sex", "phone", "email", "address", "kind")
        }
    return {
        f"{prefix}_name": normalize(p.full_name),
        f"{prefix}_id_number": normalize(p.id_number),
        f"{prefix}_birth_date": p.birth_date,
        f"{prefix}_sex": None if p.sex is None else p.sex.value,
        f"{prefix}_phone": normalize(p.phone),
        f"{prefix}_email": normalize(p.email),
        f"{prefix}_address": normalize(p.address),
        f"{prefix}_kind": int(p.kind),
    }


def _person(row: DossierRow, prefix: str) -> Person | None:
    name = getattr(row, f"{prefix}_name")
    if name is None:
        return None
    sex = getattr(row, f"{prefix}_sex")
    return Person(
        full_name=name,
        id_number=getattr(row, f"{prefix}_id_number") or "",
        birth_date=getattr(row, f"{prefix}_birth_date"),
        sex=None if sex is None else Sex(sex),
        phone=getattr(row, f"{prefix}_phone") or "",
        email=getattr(row, f"{prefix}_email") or "",
        address=getattr(row, f"{prefix}_address") or "",
        kind=ApplicantKind(getattr(row, f"{prefix}_kind") or ApplicantKind.CITIZEN),
    )


def _checklist_rows(items: tuple[ChecklistItem, ...]) -> list[ChecklistRow]:
    return [
        ChecklistRow(
            position=i,
            name=normalize(item.name),
            form=item.form.value,
            copies=item.copies,
            required=item.required,
            received=item.received,
            note=_nfc(item.note),
        )
        for i, item in enumerate(items)
    ]


def dossier_columns(d: Dossier) -> dict[str, Any]:
    """Column values of ``d`` (without ``id``/``updated_at``); also used by bulk loaders."""
    applicant = _person_columns("applicant", d.applicant)
    return {
        "sync_id": d.sync_id,
        "code": normalize(d.code),
        "agency_id": normalize(d.agency_id),
        "procedure_code": normalize(d.procedure_code),
        "procedure_name": normalize(d.procedure_name),
        **applicant,
        "applicant_search_key": search_key(applicant["applicant_name"]),
        **_person_columns("submitter", d.submitter),
        "received_at": d.received_at,
        "due_at": d.due_at,
        "status": int(d.status),
        "channel": int(d.channel),
        "return_method": d.return_method.value,
        "return_address": normalize(d.return_address),
        "sets_count": d.sets_count,
        "fee_vnd": d.fee_vnd,
        "clerk_username": d.clerk_username,
        "regime": d.regime.value,
        "provisional_code": d.provisional_code,
        "note": _nfc(d.note),
        "extensions": d.extensions,
        "supplement_requests": d.supplement_requests,
        "returned_at": d.returned_at,
        "fee_timing": None if d.fee_timing is None else d.fee_timing.value,
        "fee_paid_vnd": d.fee_paid_vnd,
        "fee_receipt_no": normalize(d.fee_receipt_no),
    }


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def to_dossier(row: DossierRow) -> Dossier:
    applicant = _person(row, "applicant")
    assert applicant is not None
    return Dossier(
        id=row.id,
        sync_id=row.sync_id,
        code=row.code,
        agency_id=row.agency_id,
        procedure_code=row.procedure_code,
        procedure_name=row.procedure_name,
        applicant=applicant,
        submitter=_person(row, "submitter"),
        received_at=row.received_at.astimezone(UTC),
        due_at=_utc(row.due_at),
        status=Status(row.status),
        channel=Channel(row.channel),
        return_method=ReturnMethod(row.return_method),
        return_address=row.return_address,
        checklist=tuple(
            ChecklistItem(
                name=c.name,
                form=PaperForm(c.form),
                copies=c.copies,
                required=c.required,
                received=c.received,
                note=c.note,
            )
            for c in row.checklist
        ),
        sets_count=row.sets_count,
        fee_vnd=row.fee_vnd,
        clerk_username=row.clerk_username,
        regime=Regime(row.regime),
        provisional_code=row.provisional_code,
        note=row.note,
        extensions=row.extensions,
        supplement_requests=row.supplement_requests,
        returned_at=_utc(row.returned_at),
        fee_timing=None if row.fee_timing is None else FeeTiming(row.fee_timing),
        fee_paid_vnd=row.fee_paid_vnd or 0,
        fee_receipt_no=row.fee_receipt_no or "",
    )


def _to_event(row: DossierEventRow) -> DossierEvent:
    return DossierEvent(
        kind=row.kind,
        at=row.at.astimezone(UTC),
        actor=row.actor,
        status_from=None if row.status_from is None else Status(row.status_from),
        status_to=None if row.status_to is None else Status(row.status_to),
        detail=_json.loads_object(row.detail),
    )


class DossierRepository:
    """Reads and writes dossiers inside the caller's unit of work."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._clock = clock

    def _row(self, dossier_id: int) -> DossierRow:
        row = self._s.get(DossierRow, dossier_id)
        if row is None:
            raise NotFoundError(entity="dossier", id=dossier_id)
        return row

    def add(self, dossier: Dossier) -> Dossier:
        """Insert ``dossier`` (its ``id`` is ignored) and return it with the new ``id``."""
        row = DossierRow(**dossier_columns(dossier), updated_at=self._clock())
        row.checklist = _checklist_rows(dossier.checklist)
        try:
            # A savepoint keeps the caller's unit of work usable after a duplicate.
            with self._s.begin_nested():
                self._s.add(row)
                self._s.flush()
        except IntegrityError as exc:
            raise DuplicateError(entity="dossier", code=dossier.code) from exc
        return to_dossier(row)

    def get(self, dossier_id: int) -> Dossier:
        return to_dossier(self._row(dossier_id))

    def by_code(self, code: str) -> Dossier | None:
        """The dossier with this code, or with this code on its slip (``issued_code``: the
        provisional code the server replaced); lower case typed or scanned is forgiven."""
        wanted = normalize(code)
        for candidate in dict.fromkeys((wanted, wanted.upper())):
            row = self._s.scalars(
                select(DossierRow).where(DossierRow.code == candidate)
            ).one_or_none()
            if row is None:
                row = self._s.scalars(
                    select(DossierRow)
                    .where(DossierRow.issued_code == candidate)
                    .order_by(DossierRow.id.desc())
                    .limit(1)
                ).first()
            if row is not None:
                return to_dossier(row)
        return None

    def by_sync_id(self, sync_id: str) -> Dossier | None:
        row = self._s.scalars(select(DossierRow).where(DossierRow.sync_id == sync_id)).one_or_none()
        return None if row is None else to_dossier(row)

    def set_status(
        self,
        dossier_id: int,
        new_status: Status,
        *,
        actor: str,
        at: datetime,
        detail: dict[str, Any] | None = None,
    ) -> Dossier:
        """Move the dossier to ``new_status`` if the lifecycle allows it, with a timeline row."""
        row = self._row(dossier_id)
        old = Status(row.status)
        check_transition(old, new_status)
        row.status = int(new_status)
        if new_status is Status.RETURNED:
            row.returned_at = at
        row.updated_at = self._clock()
        self._s.add(
            DossierEventRow(
                dossier_id=row.id,
                kind="status_changed",
                at=at,
                actor=actor,
                status_from=int(old),
                status_to=int(new_status),
                detail=_json.dumps(detail or {}),
            )
        )
        self._s.flush()
        return to_dossier(row)

    def update(self, dossier: Dossier) -> Dossier:
        """Write every mutable field of ``dossier`` (not code, sync_id, agency or status)."""
        if dossier.id is None:
            raise NotFoundError(entity="dossier", id=None)
        row = self._row(dossier.id)
        if row.status != int(dossier.status):
            raise StatusChangeViaUpdateError(id=dossier.id)
        values = dossier_columns(dossier)
        for key in ("sync_id", "code", "agency_id", "status"):
            values.pop(key)
        for key, value in values.items():
            setattr(row, key, value)
        row.checklist = _checklist_rows(dossier.checklist)
        row.updated_at = self._clock()
        self._s.flush()
        return to_dossier(row)

    def add_event(self, dossier_id: int, event: DossierEvent) -> None:
        self._row(dossier_id)
        self._s.add(
            DossierEventRow(
                dossier_id=dossier_id,
                kind=event.kind,
                at=event.at,
                actor=event.actor,
                status_from=None if event.status_from is None else int(event.status_from),
                status_to=None if event.status_to is None else int(event.status_to),
                detail=_json.dumps(event.detail),
            )
        )
        self._s.flush()

    def timeline(self, dossier_id: int) -> list[DossierEvent]:
        rows = self._s.scalars(
            select(DossierEventRow)
            .where(DossierEventRow.dossier_id == dossier_id)
            .order_by(DossierEventRow.at, DossierEventRow.id)
        )
        return [_to_event(r) for r in rows]

    def search(
        self,
        text: str = "",
        *,
        status: Status | None = None,
        date_from: datetime | None = None,
        date_to: datetime | None = None,
        procedure_code: str | None = None,
        limit: int = 200,
    ) -> list[Dossier]:
        """Newest first. ``text`` matches the code, the applicant's name (every word,
        diacritic-insensitive), ID number or phone. ``date_from`` <= received_at < ``date_to``.
        """
        stmt = select(DossierRow)
        text = normalize(text)
        if text:
            raw = like_escape(text)
            name_terms = [
                DossierRow.applicant_search_key.like(f"%{like_escape(w)}%", escape="\\")
                for w in search_key(text).split()
            ]
            stmt = stmt.where(
                or_(
                    DossierRow.code.ilike(f"%{raw}%", escape="\\"),
                    DossierRow.applicant_id_number.like(f"{raw}%", escape="\\"),
                    DossierRow.applicant_phone.like(f"{raw}%", escape="\\"),
                    *([and_(*name_terms)] if name_terms else []),
                )
            )
        if status is not None:
            stmt = stmt.where(DossierRow.status == int(status))
        if date_from is not None:
            stmt = stmt.where(DossierRow.received_at >= date_from)
        if date_to is not None:
            stmt = stmt.where(DossierRow.received_at < date_to)
        if procedure_code:
            stmt = stmt.where(DossierRow.procedure_code == procedure_code)
        stmt = stmt.order_by(DossierRow.received_at.desc(), DossierRow.id.desc()).limit(limit)
        return [to_dossier(r) for r in self._s.scalars(stmt)]

    def count(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(DossierRow)) or 0)
