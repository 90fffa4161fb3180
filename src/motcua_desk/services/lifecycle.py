"""The counter's transitions after intake (issue 5; NĐ 61 Art. 18–19, NĐ 61/2018 Art. 15–22).

Each action is one transaction: the status change with its timeline row, the outbox events the
provincial server validates (``dossier.status_changed`` with exactly the protocol's payload,
and ``dossier.updated`` when the due date moves) and the audit row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from motcua_desk.domain.calendar import (
    apology_latest_date,
    check_extension,
    pause_after_supplement,
    supplement_request_deadline,
)
from motcua_desk.domain.dossier import Dossier, DossierEvent, Status
from motcua_desk.domain.errors import RuleViolationError, ValidationFailedError
from motcua_desk.domain.fees import MAX_FEE_VND, MAX_RECEIPT_NO, FeeTiming
from motcua_desk.domain.procedure import TimeUnit
from motcua_desk.domain.text import normalize
from motcua_desk.services.calendar_seed import due_with_settings
from motcua_desk.services.calendar_service import CalendarService
from motcua_desk.services.catalogue import CatalogueService
from motcua_desk.services.changes import DOSSIER, ChangeSet
from motcua_desk.services.clock import OFFICE_TZ, local_naive, to_local, utc_now
from motcua_desk.services.day_close import ensure_day_open
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.repositories.users import User
from motcua_desk.storage.uow import UnitOfWork, reading
from motcua_desk.sync.protocol import status_changed_payload


@dataclass(frozen=True)
class TransitionResult:
    dossier: Dossier
    warnings: tuple[str, ...] = ()  # e.g. "supplement_late", "second_supplement"

    @property
    def changes(self) -> ChangeSet:
        """What the transition changed: this dossier (status, timeline, due date)."""
        return ChangeSet.of(DOSSIER, codes=(self.dossier.code,))


#: Timeline actions that carry the inputs of the running time limit (Bộ luật Dân sự 2015 Art. 147–148).
_CLOCK_STARTS = ("received", "supplement_completed")


def clock_inputs(timeline: list[DossierEvent]) -> dict[str, Any]:
    """The inputs (processing days, unit) of the latest start of the time limit, or {}.

    A dossier left incomplete at intake has no "received" entry; its first complete moment is
    the "supplement_completed" entry, which records the same inputs.
    """
    for e in reversed(timeline):
        action = e.kind if e.kind in _CLOCK_STARTS else e.detail.get("action")
        if action in _CLOCK_STARTS and e.detail.get("processing_days") is not None:
            return dict(e.detail)
    return {}


def _amount(value: object, field: str, *, positive: bool) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FEE_VND:
        raise ValidationFailedError({field: "out_of_range"})
    if positive and value == 0:
        raise ValidationFailedError({field: "required"})
    return value


#: Limits of the cooperating agencies named at a hand-over (Mẫu 06 has room for a few lines).
MAX_COOPERATING = 10
MAX_AGENCY_NAME = 200


def cooperating_agencies(names: Sequence[str], lead: str = "") -> tuple[str, ...]:
    """The cooperating agencies, normalised, blanks, repeats and the lead agency dropped."""
    agencies = tuple(
        dict.fromkeys(n for n in (normalize(str(x)) for x in names) if n and n != lead)
    )
    if len(agencies) > MAX_COOPERATING or any(len(n) > MAX_AGENCY_NAME for n in agencies):
        raise ValidationFailedError({"cooperating": "too_long"})
    if any(not n.isprintable() for n in agencies):
        raise ValidationFailedError({"cooperating": "control_chars"})
    return agencies


def _required(**values: str) -> None:
    missing = {k: "required" for k, v in values.items() if not normalize(v)}
    if missing:
        raise ValidationFailedError(missing)


class LifecycleService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        settings: SettingsStore,
        calendar: CalendarService,
        clock: Callable[[], datetime],
        catalogue: CatalogueService | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._settings = settings
        self._calendar = calendar
        self._clock = clock
        self._catalogue = catalogue

    # -- the common step ----------------------------------------------------------------

    def _change(
        self,
        dossier_id: int,
        target: Status | None,
        clerk: User,
        action: str,
        detail: dict[str, Any],
        update: Callable[[Dossier], Dossier] | None = None,
        warnings: tuple[str, ...] = (),
        fields: Callable[[Dossier], dict[str, Any]] | None = None,
    ) -> TransitionResult:
        now = to_local(self._clock())
        with self._uow_factory() as uow:
            # The change is dated today: refused once today is closed (services/day_close.py).
            ensure_day_open(uow, now.date())
            before = uow.dossiers.get(dossier_id)
            if target is not None:
                after = uow.dossiers.set_status(
                    dossier_id,
                    target,
                    actor=clerk.username,
                    at=now,
                    detail={"action": action, **detail},
                )
                uow.outbox.append(
                    "dossier.status_changed",
                    after.sync_id,
                    status_changed_payload(before.status, target, now, clerk.username),
                    at=utc_now(),
                )
            else:
                uow.dossiers.add_event(
                    dossier_id, DossierEvent(action, now, clerk.username, detail=dict(detail))
                )
                after = before
            if update is not None:
                changed = update(after)
                after = uow.dossiers.update(changed)
                moved: dict[str, Any] = {} if fields is None else fields(after)
                if changed.due_at != before.due_at and changed.due_at is not None:
                    moved["due_at"] = changed.due_at.isoformat()
                if moved:
                    uow.outbox.append(
                        "dossier.updated", after.sync_id, {"fields": moved}, at=utc_now()
                    )
            uow.audit.append(
                actor=clerk.username,
                action=f"dossier.{action}",
                entity="dossier",
                entity_id=after.code,
                detail={"warnings": list(warnings), **detail},
                at=utc_now(),
            )
            uow.commit()
        return TransitionResult(after, warnings)

    def get(self, dossier_id: int) -> Dossier:
        with reading(self._uow_factory) as uow:
            return uow.dossiers.get(dossier_id)

    # -- transitions --------------------------------------------------------------------

    def hand_over(
        self,
        dossier_id: int,
        clerk: User,
        department: str,
        note: str = "",
        cooperating: Sequence[str] = (),
    ) -> TransitionResult:
        """To the processing department (control slip Mẫu 06 goes with it).

        ``cooperating`` names the agencies that cooperate in the processing (cơ quan phối
        hợp); they are kept on the timeline entry and printed on Mẫu 06.
        """
        _required(department=department)
        lead = normalize(department)
        agencies = cooperating_agencies(cooperating, lead)
        if self.get(dossier_id).status is Status.SUPPLEMENT:
            # The clock restarts only when the papers are complete: record that first.
            raise RuleViolationError(rule="supplement_pending")
        detail: dict[str, Any] = {"department": lead, "note": normalize(note)}
        if agencies:
            detail["cooperating"] = list(agencies)
        return self._change(dossier_id, Status.PROCESSING, clerk, "handed_over", detail)

    def result_received(self, dossier_id: int, clerk: User, note: str = "") -> TransitionResult:
        """The department sent the result back to the counter."""
        return self._change(
            dossier_id, Status.PROCESSED, clerk, "result_received", {"note": normalize(note)}
        )

    def request_supplement(
        self, dossier_id: int, clerk: User, missing: tuple[str, ...], reason: str
    ) -> TransitionResult:
        """Mẫu 02 after appraisal: every missing paper at once; warns when late or repeated."""
        papers = [m for m in (normalize(x) for x in missing) if m]
        if not papers:
            raise ValidationFailedError({"missing": "required"})
        d = self.get(dossier_id)
        warnings = []
        deadline = supplement_request_deadline(
            local_naive(d.received_at), self._calendar.calendar()
        )
        if to_local(self._clock()).date() > deadline:
            warnings.append("supplement_late")
        if d.supplement_requests >= 1:
            warnings.append("second_supplement")
        detail = {
            "missing": papers,
            "reason": normalize(reason),
            "deadline": deadline.isoformat(),
            "requested_at": to_local(self._clock()).isoformat(),
        }
        return self._change(
            dossier_id,
            Status.SUPPLEMENT,
            clerk,
            "supplement_requested",
            detail,
            update=lambda x: replace(x, supplement_requests=d.supplement_requests + 1),
            warnings=tuple(warnings),
        )

    def supplement_completed(self, dossier_id: int, clerk: User) -> TransitionResult:
        """The papers are complete: the clock restarts from today (or resumes, per settings)."""
        now = to_local(self._clock())
        with reading(self._uow_factory) as uow:
            d = uow.dossiers.get(dossier_id)
            timeline = uow.dossiers.timeline(dossier_id)
        requested = next(
            (
                e
                for e in reversed(timeline)
                if e.detail.get("action") == "supplement_requested"
                or e.kind == "supplement_requested"
            ),
            None,
        )
        # Issue 13: a dossier left incomplete at intake never had a "received" entry, and its
        # time limit was read as 0 days (due the same day at closing). The inputs come from the
        # latest start of the clock, else from the catalogue.
        inputs = clock_inputs(timeline)
        if not inputs:
            procedure = self._catalogue.get(d.procedure_code) if self._catalogue else None
            if procedure is None or procedure.processing_days is None:
                raise ValidationFailedError({"procedure": "unknown_processing_time"})
            inputs = {
                "processing_days": procedure.processing_days,
                "time_unit": procedure.time_unit.value,
            }
        days = int(str(inputs["processing_days"]))
        unit = TimeUnit(str(inputs.get("time_unit", "working_days")))
        calendar = self._calendar.calendar()
        s = self._settings.current
        detail: dict[str, Any] = {
            "clock": s.supplement_clock,
            "processing_days": days,
            "time_unit": unit.value,
        }
        if s.supplement_clock == "pause" and d.due_at is not None and requested is not None:
            new_due = pause_after_supplement(
                local_naive(d.due_at), local_naive(requested.at), local_naive(now), calendar
            ).replace(tzinfo=OFFICE_TZ)
        else:
            due = due_with_settings(local_naive(now), days, calendar, s, unit=unit)
            new_due = due.due_at.replace(tzinfo=OFFICE_TZ)
            detail |= {
                "effective_start": due.effective_start.replace(tzinfo=OFFICE_TZ).isoformat(),
                "calendar_version": due.calendar_version,
            }
        return self._change(
            dossier_id,
            Status.RECEIVED,
            clerk,
            "supplement_completed",
            {"new_due_at": new_due.isoformat(), **detail},
            update=lambda x: replace(x, due_at=new_due),
        )

    def check_extension(self, dossier_id: int, new_due: datetime | None = None) -> date:
        """Raise as :meth:`apologise_and_extend` would for the date alone, before any reason is
        typed (issue 12 §2); returns the last day for the apology slip."""
        d = self.get(dossier_id)
        if d.due_at is None or d.status not in (
            Status.RECEIVED,
            Status.PROCESSING,
            Status.SUPPLEMENT,
        ):
            raise ValidationFailedError({"dossier": "no_due_date"})
        calendar = self._calendar.calendar()
        due = local_naive(d.due_at)
        probe = local_naive(new_due) if new_due is not None else due + timedelta(days=1)
        check_extension(d.extensions, due, to_local(self._clock()).date(), probe, calendar)
        return apology_latest_date(due, calendar)

    def apologise_and_extend(
        self, dossier_id: int, clerk: User, new_due: datetime, reason: str
    ) -> TransitionResult:
        """Mẫu 04: before the due date, at the latest one working day before it, once only."""
        _required(reason=reason)
        d = self.get(dossier_id)
        if d.due_at is None or d.status not in (
            Status.RECEIVED,
            Status.PROCESSING,
            Status.SUPPLEMENT,
        ):
            raise ValidationFailedError({"dossier": "no_due_date"})
        calendar = self._calendar.calendar()
        check_extension(
            d.extensions,
            local_naive(d.due_at),
            to_local(self._clock()).date(),
            local_naive(new_due),
            calendar,
        )
        detail = {
            "old_due_at": to_local(d.due_at).isoformat(),
            "new_due_at": to_local(new_due).isoformat(),
            "reason": normalize(reason),
            "latest_apology_date": apology_latest_date(local_naive(d.due_at), calendar).isoformat(),
        }
        return self._change(
            dossier_id,
            None,
            clerk,
            "extended",
            detail,
            update=lambda x: replace(x, due_at=to_local(new_due), extensions=d.extensions + 1),
        )

    def withdraw(self, dossier_id: int, clerk: User, reason: str) -> TransitionResult:
        """The citizen withdraws a dossier that has no result yet (Mẫu 05)."""
        _required(reason=reason)
        return self._change(
            dossier_id, Status.WITHDRAWN, clerk, "withdrawn", {"reason": normalize(reason)}
        )

    def stop(self, dossier_id: int, clerk: User, reason: str) -> TransitionResult:
        """Processing stops (Mẫu 05, TT 03/2025 Art. 7)."""
        _required(reason=reason)
        return self._change(
            dossier_id, Status.STOPPED, clerk, "stopped", {"reason": normalize(reason)}
        )

    def refuse_after_appraisal(
        self,
        dossier_id: int,
        clerk: User,
        reason: str,
        papers_returned: tuple[str, ...] = (),
    ) -> TransitionResult:
        """Mẫu 03 as the result (NĐ 61 Art. 19.8): the agency appraised the dossier and refuses
        it, within the time limit; the reason and the papers handed back are recorded.

        Only after the hand-over to the agency (an appraisal needs one); a dossier still at the
        counter is refused at intake instead. Warns when the refusal comes after the due date.
        """
        _required(reason=reason)
        with reading(self._uow_factory) as uow:
            d = uow.dossiers.get(dossier_id)
            timeline = uow.dossiers.timeline(dossier_id)
        if not any(e.detail.get("action") == "handed_over" for e in timeline):
            raise RuleViolationError(rule="refusal_not_appraised")
        received = {i.name for i in d.checklist if i.received}
        handed = [p for p in dict.fromkeys(normalize(x) for x in papers_returned) if p]
        if any(p not in received for p in handed):
            raise ValidationFailedError({"papers_returned": "unknown_paper"})
        now = to_local(self._clock())
        late = d.due_at is not None and now > to_local(d.due_at)
        detail = {
            "reason": normalize(reason),
            "after_appraisal": True,
            "papers_returned": handed,
            "papers_kept": sorted(received - set(handed)),
        }
        return self._change(
            dossier_id,
            Status.REFUSED,
            clerk,
            "refused",
            detail,
            warnings=("refusal_late",) if late else (),
        )

    # -- fees (Luật Phí và lệ phí 97/2015/QH13; status 6) ----------------------------------------------------

    def request_payment(
        self, dossier_id: int, clerk: User, amount_vnd: int, note: str = ""
    ) -> TransitionResult:
        """The agency asks the citizen to pay (portal status 6) before it goes on."""
        amount = _amount(amount_vnd, "amount_vnd", positive=True)
        detail = {"amount_vnd": amount, "note": normalize(note)}
        return self._change(dossier_id, Status.PAYMENT_DUE, clerk, "payment_requested", detail)

    def payment_received(
        self, dossier_id: int, clerk: User, amount_vnd: int, receipt_no: str
    ) -> TransitionResult:
        """The citizen paid what status 6 asked: the receipt is recorded, processing resumes."""
        amount = _amount(amount_vnd, "amount_vnd", positive=True)
        number = normalize(receipt_no)
        if not number or len(number) > MAX_RECEIPT_NO:
            raise ValidationFailedError({"fee_receipt_no": "required" if not number else "invalid"})
        d = self.get(dossier_id)
        if d.status is not Status.PAYMENT_DUE:
            raise RuleViolationError(rule="no_payment_due", status=int(d.status))
        paid = d.fee_paid_vnd + amount
        detail = {"amount_vnd": amount, "fee_receipt_no": number, "paid_total_vnd": paid}
        result = self._change(
            dossier_id,
            Status.PROCESSING,
            clerk,
            "payment_received",
            detail,
            update=lambda x: replace(
                x,
                fee_paid_vnd=paid,
                fee_receipt_no=number,
                fee_timing=x.fee_timing or FeeTiming.AT_RETURN,
            ),
            fields=lambda x: {
                "fee_paid_vnd": x.fee_paid_vnd,
                "fee_receipt_no": x.fee_receipt_no,
                "fee_timing": None if x.fee_timing is None else x.fee_timing.value,
            },
        )
        return result
