"""Intake at the counter: receive, request a supplement, refuse (NĐ 61 Art. 17, NĐ 61/2018 Art. 15–22).

Each outcome is one transaction: the dossier, its code, its timeline entry, the outbox event for
the provincial server and the audit row are written together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

from motcua_desk.domain.calendar import DueDate
from motcua_desk.domain.codes import DossierCodeFormat, SequenceExhaustedError, format_provisional
from motcua_desk.domain.dossier import (
    ChecklistItem,
    Dossier,
    DossierEvent,
    ReturnMethod,
    Status,
    regime_for,
)
from motcua_desk.domain.errors import DomainError, ValidationFailedError
from motcua_desk.domain.fees import FeeTiming, check_intake_fee, default_timing
from motcua_desk.domain.procedure import Procedure
from motcua_desk.domain.text import name_problem, normalize
from motcua_desk.services.calendar_seed import due_with_settings
from motcua_desk.services.calendar_service import CalendarService
from motcua_desk.services.catalogue import CatalogueService
from motcua_desk.services.changes import DOSSIER, Changed, ChangeSet
from motcua_desk.services.clock import OFFICE_TZ, local_date, local_naive, to_local, utc_now
from motcua_desk.services.day_close import ensure_day_open
from motcua_desk.services.intake_rules import IntakeDraft, normalized_person, validate_draft
from motcua_desk.services.payloads import dossier_payload
from motcua_desk.services.provisional import device_number
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.repositories.users import User
from motcua_desk.storage.uow import UnitOfWork, reading

__all__ = ["IntakeDraft", "ReceptionService", "UnitNotConfiguredError"]

PROVISIONAL_SEQUENCE_SUFFIX = "#provisional"


class UnitNotConfiguredError(DomainError):
    """The unit's agency ID is not set: no dossier code can be issued."""

    code = "unit_not_configured"


class ReceptionService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        settings: SettingsStore,
        catalogue: CatalogueService,
        calendar: CalendarService,
        clock: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._settings = settings
        self._catalogue = catalogue
        self._calendar = calendar
        self._clock = clock

    # -- queries -------------------------------------------------------------------------

    def checklist_for(self, procedure: Procedure) -> tuple[ChecklistItem, ...]:
        """The procedure's required papers as an unticked checklist."""
        return tuple(
            ChecklistItem(name=d.name, form=d.form, copies=d.copies, required=d.required)
            for d in procedure.required_documents
        )

    def preview_due(self, procedure_code: str, received_at: datetime | None = None) -> DueDate:
        procedure = self._catalogue.get(procedure_code)
        if procedure is None or procedure.processing_days is None:
            raise ValidationFailedError({"procedure": "unknown_processing_time"})
        return self._due(procedure, to_local(received_at or self._clock()))

    def validate(self, draft: IntakeDraft) -> dict[str, str]:
        procedure = self._catalogue.get(draft.procedure_code)
        errors = validate_draft(draft, procedure, today_year=self._clock().year)
        timing = self.fee_timing_for(draft, procedure)
        return errors | check_intake_fee(
            timing, draft.fee_paid_vnd, normalize(draft.fee_receipt_no)
        )

    def fee_timing_for(self, draft: IntakeDraft, procedure: Procedure | None) -> FeeTiming:
        """The draft's fee timing, or the one proposed for its procedure (Luật Phí và lệ phí 97/2015/QH13)."""
        if draft.fee_timing is not None:
            return draft.fee_timing
        fee = None if procedure is None else procedure.fee_vnd
        return default_timing(fee, self._settings.current.default_fee_timing)

    def get_by_code(self, code: str) -> Dossier | None:
        with reading(self._uow_factory) as uow:
            return uow.dossiers.by_code(code)

    def unprinted_receipts(self) -> list[Dossier]:
        with reading(self._uow_factory) as uow:
            return uow.print_jobs.dossiers_without_printed("receipt")

    # -- commands ------------------------------------------------------------------------

    def receive(
        self,
        draft: IntakeDraft,
        clerk: User,
        *,
        on_saved: Callable[[UnitOfWork, Dossier], None] | None = None,
    ) -> Changed[Dossier]:
        """Record a complete dossier and give it its code and due date.

        ``on_saved`` runs inside the same transaction once the dossier has its id (a postal
        item is linked to it there, so a crash leaves neither or both).
        """
        errors = self.validate(draft)
        if errors:
            raise ValidationFailedError(errors)
        return _changed(self._record(draft, clerk, Status.RECEIVED, "received", {}, on_saved))

    def request_supplement(
        self, draft: IntakeDraft, clerk: User, missing: tuple[str, ...], reason: str
    ) -> Changed[Dossier]:
        """Record an incomplete dossier with the full list of missing papers (Mẫu 02)."""
        errors = self.validate(draft)
        errors.pop("checklist", None)
        if errors.get("procedure") == "unknown_processing_time":
            del errors["procedure"]  # no due date is computed for an incomplete dossier
        missing = tuple(m for m in (normalize(x) for x in missing) if m)
        if not missing:
            errors["missing"] = "required"
        if errors:
            raise ValidationFailedError(errors)
        detail: dict[str, object] = {"missing": list(missing), "reason": normalize(reason)}
        return _changed(
            self._record(draft, clerk, Status.SUPPLEMENT, "supplement_requested", detail)
        )

    def refuse(self, draft: IntakeDraft, clerk: User, reason: str) -> Changed[Dossier]:
        """Record a dossier the counter refuses to accept, with the reason (Mẫu 03)."""
        errors: dict[str, str] = {}
        if self._catalogue.get(draft.procedure_code) is None:
            errors["procedure"] = "required"
        if not normalize(draft.applicant.full_name):
            errors["applicant.full_name"] = "required"
        elif problem := name_problem(draft.applicant.full_name):
            errors["applicant.full_name"] = problem
        if not normalize(reason):
            errors["reason"] = "required"
        if errors:
            raise ValidationFailedError(errors)
        reason = normalize(reason)
        return _changed(self._record(draft, clerk, Status.REFUSED, "refused", {"reason": reason}))

    # -- internals -----------------------------------------------------------------------

    def _due(self, procedure: Procedure, received_at: datetime) -> DueDate:
        # The calendar rules work on office wall-clock time; the result gets its zone back.
        due = due_with_settings(
            local_naive(received_at),
            procedure.processing_days or 0,
            self._calendar.calendar(),
            self._settings.current,
            unit=procedure.time_unit,
        )
        return replace(
            due,
            due_at=due.due_at.replace(tzinfo=OFFICE_TZ),
            effective_start=due.effective_start.replace(tzinfo=OFFICE_TZ),
        )

    def _next_code(self, uow: UnitOfWork, day: date) -> tuple[str, bool]:
        """A final code only from a leased block; otherwise a provisional one (issue 14).

        A counter that syncs (``server_url`` set), enrolled or not yet, never numbers final
        codes alone: two counters of a unit would hand out the same numbers. Without a leased
        number it issues ``…-T<device>-<n>``, printed as provisional, which the server replaces
        (the slip's code stays findable). Only a standalone counter (no server at all) numbers
        alone; the server renumbers those it cannot confirm once the counter is connected.
        """
        s = self._settings.current
        fmt = DossierCodeFormat(s.code_pattern)
        if not s.server_url:
            return fmt.format(s.agency_id, day, uow.sequences.next_seq(s.agency_id, day)), False
        try:
            return fmt.format(
                s.agency_id, day, uow.sequences.take_from_blocks(s.agency_id, day)
            ), False
        except SequenceExhaustedError:
            device_no = device_number(uow, s.counter_name)
            seq = uow.sequences.next_seq(s.agency_id + PROVISIONAL_SEQUENCE_SUFFIX, day)
            return format_provisional(s.agency_id, day, device_no, seq), True

    def _record(
        self,
        draft: IntakeDraft,
        clerk: User,
        status: Status,
        event_kind: str,
        detail: dict[str, object],
        on_saved: Callable[[UnitOfWork, Dossier], None] | None = None,
    ) -> Dossier:
        s = self._settings.current
        if not s.agency_id:
            raise UnitNotConfiguredError()
        procedure = self._catalogue.get(draft.procedure_code)
        assert procedure is not None  # validated by the callers
        received_at = to_local(draft.received_at or self._clock()).replace(microsecond=0)
        due = None
        detail = dict(detail)
        if draft.return_method is ReturnMethod.POST and draft.postage_vnd is not None:
            detail["postage_vnd"] = draft.postage_vnd
        if draft.submitter is not None and normalize(draft.authorisation):
            detail["authorisation"] = normalize(draft.authorisation)
        if status is Status.RECEIVED:
            computed = self._due(procedure, received_at)
            due = computed.due_at
            # Keep the inputs so the date can be explained and reproduced (Bộ luật Dân sự 2015 Art. 147–148).
            detail |= {
                "processing_days": procedure.processing_days,
                "time_unit": procedure.time_unit.value,
                "effective_start": computed.effective_start.isoformat(),
                "calendar_version": computed.calendar_version,
                "skipped": [[d.day.isoformat(), str(d.reason), d.name] for d in computed.skipped],
            }
        timing = self.fee_timing_for(draft, procedure)
        paid = draft.fee_paid_vnd if status is Status.RECEIVED else 0
        receipt_no = normalize(draft.fee_receipt_no) if paid else ""
        if paid:
            detail |= {"fee_paid_vnd": paid, "fee_receipt_no": receipt_no}
        submitter = normalized_person(draft.submitter) if draft.submitter else None
        checklist = tuple(replace(i, name=normalize(i.name)) for i in draft.checklist)
        with self._uow_factory() as uow:
            ensure_day_open(uow, local_date(received_at))  # a closed day takes no new dossier
            code, provisional = self._next_code(uow, local_date(received_at))
            dossier = Dossier(
                sync_id=str(uuid.uuid4()),
                code=code,
                agency_id=s.agency_id,
                procedure_code=procedure.code,
                procedure_name=procedure.name,
                applicant=normalized_person(draft.applicant),
                received_at=received_at,
                due_at=due,
                status=status,
                channel=draft.channel,
                return_method=draft.return_method,
                return_address=normalize(draft.return_address),
                submitter=submitter,
                checklist=checklist,
                sets_count=draft.sets_count,
                fee_vnd=paid if timing is FeeTiming.AT_INTAKE and paid else procedure.fee_vnd,
                fee_timing=timing,
                fee_paid_vnd=paid,
                fee_receipt_no=receipt_no,
                clerk_username=clerk.username,
                regime=regime_for(received_at.date()),
                provisional_code=provisional,
                note=normalize(draft.note),
                supplement_requests=1 if status is Status.SUPPLEMENT else 0,
            )
            saved = uow.dossiers.add(dossier)
            assert saved.id is not None
            uow.dossiers.add_event(
                saved.id,
                DossierEvent(
                    kind=event_kind,
                    at=received_at,
                    actor=clerk.username,
                    status_from=None,
                    status_to=status,
                    detail=dict(detail),
                ),
            )
            payload = dossier_payload(saved) | {"event": event_kind, "detail": detail}
            uow.outbox.append("dossier.received", saved.sync_id, payload, at=utc_now())
            uow.audit.append(
                actor=clerk.username,
                action=f"dossier.{event_kind}",
                entity="dossier",
                entity_id=saved.code,
                detail={"status": int(status)},
                at=utc_now(),
            )
            if on_saved is not None:
                on_saved(uow, saved)
            uow.commit()
        return saved


def _changed(dossier: Dossier) -> Changed[Dossier]:
    """A new dossier at the counter: every page listing dossiers hears of it."""
    return Changed(dossier, ChangeSet.of(DOSSIER, codes=(dossier.code,)))
