"""Public postal service hand-over, both ways (issue 6; QĐ 45/2016, TT 17/2017, QĐ 45/2016/QĐ-TTg, TT 17/2017/TT-BTTTT).

Results going out: the clerk scans each dossier's barcode, then the postal item number (UPU S10,
check digit validated). Every scan is committed at once with its outbox event, so a crash or
power cut loses nothing and the batch resumes where it stopped. Before the batch is closed a
discrepancy check runs; closing prints the Biên bản giao nhận and marks each dossier "handed to
post" on its timeline. Outcomes come later: delivered (the dossier is returned) or back at the
counter after failed delivery attempts.

Dossiers coming in: the batch carries the time the hand-over record was signed — the legal time
of submission — and each scanned item is registered through the normal intake with that time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import Channel, Dossier, DossierEvent, Status
from motcua_desk.domain.errors import DomainError, RuleViolationError, ValidationFailedError
from motcua_desk.domain.fees import fee_due_at_return
from motcua_desk.domain.scan import ScanKind, classify
from motcua_desk.domain.text import normalize
from motcua_desk.services.calendar_service import CalendarService
from motcua_desk.services.changes import DOSSIER, POSTAL, Changed, ChangeSet
from motcua_desk.services.clock import local_date, to_local, utc_now
from motcua_desk.services.day_close import ensure_day_open
from motcua_desk.services.intake_rules import IntakeDraft
from motcua_desk.services.postal_delivery import (
    address_problem,
    attempt_problem,
    check_fee,
    posting_conflict,
)
from motcua_desk.services.reception import ReceptionService
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.repositories.postal import PostalBatch, PostalItem
from motcua_desk.storage.repositories.users import User
from motcua_desk.storage.uow import UnitOfWork, reading
from motcua_desk.sync.protocol import status_changed_payload

RESULTS_OUT = "results_out"
DOSSIERS_IN = "dossiers_in"
_POSTAL = ChangeSet.of(POSTAL)


class PostalScanError(DomainError):
    """A scan the batch cannot take; ``data['reason']`` says why (nothing is changed)."""

    code = "postal_scan"


@dataclass(frozen=True, slots=True)
class Discrepancy:
    position: int
    dossier_code: str
    item_code: str
    # missing_item_code | not_ready | already_returned | other_unit | not_found |
    # in_other_batch | already_posted | no_postal_address | not_registered | duplicate_item_code
    reason: str


@dataclass(frozen=True)
class HandoverRecord:
    batch: PostalBatch
    pdf: bytes
    path: Path


def expecting(batch: PostalBatch, items: list[PostalItem]) -> str:
    """What the next scan of an outgoing batch must be: "dossier" or "item_code"."""
    if batch.direction == RESULTS_OUT and items and items[-1].item_code is None:
        return "item_code"
    return "dossier" if batch.direction == RESULTS_OUT else "item_code"


class PostalService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        settings: SettingsStore,
        paths: AppPaths,
        clock: Callable[[], datetime],
        calendar: CalendarService | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._settings = settings
        self._paths = paths
        self._clock = clock
        self._calendar = calendar

    # -- batches ------------------------------------------------------------------------

    def open_batches(self) -> list[PostalBatch]:
        with reading(self._uow_factory) as uow:
            return uow.postal.open_batches()

    def batches_for_page(self) -> list[PostalBatch]:
        """Open batches, then closed result batches still waiting for delivery outcomes."""
        with reading(self._uow_factory) as uow:
            return uow.postal.open_batches() + uow.postal.batches_awaiting_outcome()

    def items(self, batch_id: int) -> list[PostalItem]:
        with reading(self._uow_factory) as uow:
            return uow.postal.items(batch_id)

    def batch(self, batch_id: int) -> PostalBatch:
        with reading(self._uow_factory) as uow:
            return uow.postal.batch(batch_id)

    def _start(
        self, direction: str, clerk: User, signed_at: datetime | None, **extra: str
    ) -> PostalBatch:
        now = self._clock()
        agency = self._settings.current.agency_id
        prefix = f"BC-{agency}-{to_local(now):%y%m%d}-"
        with self._uow_factory() as uow:
            ensure_day_open(uow, local_date(now))  # a batch opened today is today's work
            number = uow.postal.count_batches_on(prefix) + 1
            batch = uow.postal.create_batch(
                sync_id=str(uuid.uuid4()),
                code=f"{prefix}{number:02d}",
                direction=direction,
                at=now,
                by=clerk.username,
                signed_at=signed_at,
                **extra,
            )
            uow.audit.append(
                actor=clerk.username,
                action=f"postal.start.{direction}",
                entity="postal_batch",
                entity_id=batch.code,
                detail={},
                at=utc_now(),
            )
            uow.commit()
        return batch

    def start_results_batch(self, clerk: User) -> Changed[PostalBatch]:
        return Changed(self._start(RESULTS_OUT, clerk, None), _POSTAL)

    def start_incoming_batch(
        self, clerk: User, signed_at: datetime | None, postal_staff: str, postal_unit: str = ""
    ) -> Changed[PostalBatch]:
        """A postman's batch; ``signed_at`` is when the hand-over record was signed, None for
        now (the office clock at this moment, issue 12 §3)."""
        signed = signed_at if signed_at is not None else self._clock()
        staff, unit = normalize(postal_staff), normalize(postal_unit)
        batch = self._start(DOSSIERS_IN, clerk, signed, postal_staff=staff, postal_unit=unit)
        return Changed(batch, _POSTAL)

    # -- scanning -----------------------------------------------------------------------

    def scan(
        self, batch_id: int, raw: str, clerk: User, *, counter_pickup_confirmed: bool = False
    ) -> Changed[PostalItem]:
        """Add one scan to the batch (one transaction), or raise :class:`PostalScanError`.

        A result the citizen chose to collect at the counter is refused with reason
        ``counter_pickup`` until the clerk confirms it goes by post
        (``counter_pickup_confirmed``).
        """
        result = classify(raw)
        with self._uow_factory() as uow:
            ensure_day_open(uow, local_date(self._clock()))  # a scan is dated today
            batch = uow.postal.batch(batch_id)
            if batch.state != "open":
                raise PostalScanError(reason="batch_closed")
            items = uow.postal.items(batch_id)
            want = expecting(batch, items)
            if result.kind is ScanKind.ITEM_CODE:
                if result.error is not None:
                    raise PostalScanError(reason="invalid_item_code", text=result.text)
                if want != "item_code":
                    raise PostalScanError(reason="dossier_first", text=result.text)
                if uow.postal.item_by_code(result.text) is not None:
                    raise PostalScanError(reason="duplicate_item_code", text=result.text)
                if batch.direction == RESULTS_OUT:
                    item = uow.postal.set_item_code(items[-1].id, result.text)
                else:
                    item = uow.postal.add_item(batch_id, at=utc_now(), item_code=result.text)
            elif result.kind is ScanKind.DOSSIER_CODE and batch.direction == RESULTS_OUT:
                if want != "dossier":
                    raise PostalScanError(reason="item_code_expected", text=result.text)
                parts = result.value
                if getattr(parts, "agency_id", None) not in (
                    None,
                    self._settings.current.agency_id,
                ):
                    raise PostalScanError(reason="other_unit", text=result.text)
                dossier = uow.dossiers.by_code(result.text)
                problem = self._dossier_problem(dossier)
                if problem:
                    raise PostalScanError(reason=problem, text=result.text)
                assert dossier is not None and dossier.id is not None
                if any(i.dossier_code == dossier.code for i in items):
                    raise PostalScanError(reason="duplicate_dossier", text=result.text)
                # Issue 13: one result in one batch, across batches, not only this one.
                conflict = posting_conflict(uow, dossier, batch_id)
                if conflict:
                    raise PostalScanError(reason=conflict, text=result.text)
                flagged = address_problem(
                    dossier, counter_pickup_confirmed=counter_pickup_confirmed
                )
                if flagged:
                    raise PostalScanError(reason=flagged, text=result.text)
                item = uow.postal.add_item(
                    batch_id, at=utc_now(), dossier_id=dossier.id, dossier_code=dossier.code
                )
            elif result.kind is ScanKind.DOSSIER_CODE:  # a dossier code in an incoming batch
                raise PostalScanError(reason="item_code_expected", text=result.text)
            else:
                raise PostalScanError(reason="unknown_scan", text=result.text)
            uow.outbox.append(
                "postal.item_scanned",
                batch.sync_id,
                {
                    "batch": batch.code,
                    "position": item.position,
                    "dossier_code": item.dossier_code,
                    "item_code": item.item_code,
                    "at": utc_now().isoformat(),
                },
                at=utc_now(),
            )
            uow.commit()
        return Changed(item, _POSTAL)

    def _dossier_problem(self, dossier: Dossier | None) -> str | None:
        if dossier is None:
            return "not_found"
        if dossier.agency_id != self._settings.current.agency_id:
            return "other_unit"
        if dossier.status is Status.RETURNED:
            return "already_returned"
        if dossier.status is not Status.PROCESSED:
            return "not_ready"
        return None

    def discrepancies(self, batch_id: int) -> list[Discrepancy]:
        """What stops the batch from being closed, checked again against today's data."""
        out: list[Discrepancy] = []
        with reading(self._uow_factory) as uow:
            batch = uow.postal.batch(batch_id)
            for item in uow.postal.items(batch_id):
                code, s10 = item.dossier_code or "", item.item_code or ""
                if not s10:
                    out.append(Discrepancy(item.position, code, s10, "missing_item_code"))
                    continue
                other = uow.postal.item_by_code(s10)
                if other is not None and other.id != item.id:
                    out.append(Discrepancy(item.position, code, s10, "duplicate_item_code"))
                if batch.direction == RESULTS_OUT:
                    dossier = uow.dossiers.by_code(code)
                    problem = self._dossier_problem(dossier)
                    if problem is None and dossier is not None:
                        problem = posting_conflict(uow, dossier, batch_id)
                    if problem is None and dossier is not None:
                        problem = address_problem(dossier, counter_pickup_confirmed=True)
                    if problem:
                        out.append(Discrepancy(item.position, code, s10, problem))
                elif item.dossier_id is None:
                    out.append(Discrepancy(item.position, code, s10, "not_registered"))
        return out

    # -- closing and outcomes -------------------------------------------------------------

    def close_batch(
        self, batch_id: int, clerk: User, *, postal_unit: str = "", postal_staff: str = ""
    ) -> Changed[HandoverRecord]:
        """Print the hand-over record and close the batch; refused while discrepancies remain.

        Returns the record with what changed: the batch, and for results sent out each
        dossier's timeline (handed to the post).
        """
        # Printing (ReportLab) loads with the first record, not at start-up.
        from motcua_desk.printing.slips import postal_handover as ph
        from motcua_desk.services.slip_data import paper_counts, unit_header, yearly_number

        problems = self.discrepancies(batch_id)
        if problems:
            raise RuleViolationError(rule="postal_discrepancies", count=len(problems))
        now = self._clock()
        with self._uow_factory() as uow:
            ensure_day_open(uow, local_date(now))  # closing records hand-overs dated today
            batch = uow.postal.batch(batch_id)
            items = uow.postal.items(batch_id)
            if not items:
                raise RuleViolationError(rule="postal_empty_batch")
            unit = normalize(postal_unit) or batch.postal_unit
            staff = normalize(postal_staff) or batch.postal_staff
            named = (("postal_unit", unit), ("postal_staff", staff))
            missing = {name: "required" for name, value in named if not value}
            if missing:  # the record names who took the batch (issue 12 §3)
                raise ValidationFailedError(missing)
            batch = uow.postal.close_batch(batch_id, at=now, postal_unit=unit, postal_staff=staff)
            new_year = to_local(now).replace(month=1, day=1, hour=0, minute=0, second=0)
            new_year = new_year.replace(microsecond=0)
            seq = uow.postal.closed_between(new_year, now)
            rows = []
            for item in items:
                assert item.dossier_id is not None and item.item_code is not None
                dossier = uow.dossiers.get(item.dossier_id)
                originals, copies = paper_counts(dossier.checklist)
                rows.append(
                    ph.HandoverItem(
                        dossier.code,
                        item.item_code,
                        dossier.applicant.full_name,
                        dossier.procedure_name,
                        originals=originals,
                        copies=copies,
                    )
                )
                if batch.direction == RESULTS_OUT:
                    uow.dossiers.add_event(
                        item.dossier_id,
                        DossierEvent(
                            "handed_to_post",
                            now,
                            clerk.username,
                            detail={"batch": batch.code, "item_code": item.item_code},
                        ),
                    )
            clerk_row = uow.users.get(clerk.username)
            data = ph.PostalHandoverData(
                header=unit_header(self._settings.current),
                batch_code=batch.code,
                signed_at=to_local(batch.signed_at or now),
                items=tuple(rows),
                postal_unit=batch.postal_unit,
                postal_staff=batch.postal_staff,
                counter_staff=clerk_row.full_name if clerk_row else clerk.username,
                direction=ph.Direction.RESULTS
                if batch.direction == RESULTS_OUT
                else ph.Direction.DOSSIERS,
                number=yearly_number("postal_handover", seq, self._settings.current),
            )
            pdf = ph.render(
                data, layout=self._settings.current.paper_sizes.get("postal_handover", "A4")
            )
            folder = self._paths.archive_dir / "postal"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{batch.code}.pdf"
            path.write_bytes(pdf)
            uow.outbox.append(
                "postal.batch_closed",
                batch.sync_id,
                {
                    "batch": batch.code,
                    "direction": batch.direction,
                    "items": len(rows),
                    "at": now.isoformat(),
                },
                at=utc_now(),
            )
            uow.audit.append(
                actor=clerk.username,
                action="postal.close",
                entity="postal_batch",
                entity_id=batch.code,
                detail={"items": len(rows)},
                at=utc_now(),
            )
            uow.commit()
        codes = [item.dossier_code for item in items] if batch.direction == RESULTS_OUT else []
        return Changed(HandoverRecord(batch, pdf, path), ChangeSet.of(POSTAL, DOSSIER, codes=codes))

    def fee_due(self, item_id: int) -> int | None:
        """What the post collects from the citizen on delivery of this result (Luật Phí và lệ phí 97/2015/QH13)."""
        with reading(self._uow_factory) as uow:
            item = uow.postal.item(item_id)
            if item.dossier_id is None:
                return 0
            d = uow.dossiers.get(item.dossier_id)
        return fee_due_at_return(d.fee_timing, d.fee_vnd, d.fee_paid_vnd)

    def record_outcome(
        self,
        item_id: int,
        outcome: str,
        clerk: User,
        *,
        fee_collected_vnd: int = 0,
        fee_receipt_no: str = "",
        note: str = "",
    ) -> Changed[PostalItem]:
        """``delivered`` (the result reached the citizen; the fee the post collected and
        handed over is written on the item) or ``returned_to_counter`` (after the configured
        failed attempts, or earlier with a ``note`` saying why, e.g. the citizen refused).

        A delivery sets the dossier RETURNED: the change set names it, so lookup, home and
        board refresh (issue 12 §4).
        """
        if outcome not in ("delivered", "returned_to_counter"):
            raise PostalScanError(reason="unknown_outcome", outcome=outcome)
        receipt_no = normalize(fee_receipt_no)
        if outcome == "delivered":
            errors = check_fee(fee_collected_vnd, receipt_no)
            if errors:
                raise ValidationFailedError(errors)
        else:
            fee_collected_vnd, receipt_no = 0, ""
        now = self._clock()
        with self._uow_factory() as uow:
            ensure_day_open(uow, local_date(now))  # a delivery marks the dossier returned today
            item = uow.postal.item(item_id)
            batch = uow.postal.batch(item.batch_id)
            if batch.direction != RESULTS_OUT or batch.state != "closed" or item.dossier_id is None:
                raise PostalScanError(reason="no_outcome_here")
            if item.outcome is not None:
                raise PostalScanError(reason="outcome_recorded", outcome=item.outcome)
            required = self._settings.current.postal_delivery_attempts
            if (
                outcome == "returned_to_counter"
                and item.attempts < required
                and not normalize(note)
            ):
                raise PostalScanError(
                    reason="attempts_missing", attempts=item.attempts, required=required
                )
            item = uow.postal.set_outcome(
                item_id,
                outcome,
                now,
                fee_collected_vnd=fee_collected_vnd,
                fee_receipt_no=receipt_no,
            )
            assert item.dossier_id is not None
            if outcome == "delivered":
                before = uow.dossiers.get(item.dossier_id)
                after = uow.dossiers.set_status(
                    item.dossier_id,
                    Status.RETURNED,
                    actor=clerk.username,
                    at=now,
                    detail={
                        "via": "post",
                        "item_code": item.item_code,
                        "fee_collected_vnd": fee_collected_vnd,
                        "fee_receipt_no": receipt_no,
                    },
                )
                uow.outbox.append(
                    "dossier.status_changed",
                    after.sync_id,
                    status_changed_payload(before.status, Status.RETURNED, now, clerk.username),
                    at=utc_now(),
                )
            else:
                uow.dossiers.add_event(
                    item.dossier_id,
                    DossierEvent(
                        "returned_by_post",
                        now,
                        clerk.username,
                        detail={
                            "item_code": item.item_code,
                            "attempts": item.attempts,
                            "note": normalize(note),
                        },
                    ),
                )
            uow.outbox.append(
                "postal.outcome",
                batch.sync_id,
                {
                    "item_code": item.item_code,
                    "outcome": outcome,
                    "at": now.isoformat(),
                    "fee_collected_vnd": fee_collected_vnd,
                    "fee_receipt_no": receipt_no,
                    "attempts": item.attempts,
                },
                at=utc_now(),
            )
            uow.audit.append(
                actor=clerk.username,
                action=f"postal.{outcome}",
                entity="postal_item",
                entity_id=item.item_code or "",
                detail={},
                at=utc_now(),
            )
            uow.commit()
        return Changed(item, ChangeSet.of(POSTAL, DOSSIER, codes=[item.dossier_code]))

    def register_incoming(
        self, item_id: int, draft: IntakeDraft, clerk: User, reception: ReceptionService
    ) -> Changed[Dossier]:
        """Receive the dossier of an incoming item with the batch's legal submission time."""
        with self._uow_factory() as uow:
            item = uow.postal.item(item_id)
            batch = uow.postal.batch(item.batch_id)
        if batch.direction != DOSSIERS_IN or batch.state != "open":
            raise PostalScanError(reason="no_registration_here")
        if item.dossier_id is not None:
            raise PostalScanError(reason="already_registered", dossier_code=item.dossier_code)
        assert batch.signed_at is not None

        def link(uow: UnitOfWork, dossier: Dossier) -> None:
            # Same transaction as the dossier (issue 13): a crash leaves neither or both.
            linked = uow.postal.item(item_id)
            if linked.dossier_id is not None:
                raise PostalScanError(reason="already_registered", dossier_code=linked.dossier_code)
            assert dossier.id is not None
            uow.postal.set_item_dossier(item_id, dossier.id, dossier.code)

        received = reception.receive(
            replace(draft, channel=Channel.POSTAL, received_at=batch.signed_at),
            clerk,
            on_saved=link,
        )
        return Changed(received.value, received.changes | ChangeSet.of(POSTAL))

    # -- delivery attempts (issue 13) ----------------------------------------------------

    def record_attempt(self, item_id: int, clerk: User, note: str = "") -> Changed[PostalItem]:
        """A failed delivery attempt of a posted result, as the post reports it.

        At most ``postal_delivery_attempts`` (default 2), at least ``postal_attempt_gap_days``
        working days apart (default 2; QĐ 45/2016). Recorded on the item and the dossier's
        timeline, with its outbox event.
        """
        now = self._clock()
        today = local_date(now)
        s = self._settings.current
        with self._uow_factory() as uow:
            ensure_day_open(uow, today)
            item = uow.postal.item(item_id)
            batch = uow.postal.batch(item.batch_id)
            if batch.direction != RESULTS_OUT or batch.state != "closed" or item.dossier_id is None:
                raise PostalScanError(reason="no_outcome_here")
            if item.outcome is not None:
                raise PostalScanError(reason="outcome_recorded", outcome=item.outcome)
            previous = uow.postal.attempts(item_id)
            if self._calendar is None:
                raise PostalScanError(reason="no_calendar")
            problem = attempt_problem(
                item,
                local_date(previous[-1].at) if previous else None,
                today,
                self._calendar.calendar(),
                max_attempts=s.postal_delivery_attempts,
                gap_days=s.postal_attempt_gap_days,
            )
            if problem is not None:
                reason, data = problem
                error = PostalScanError(reason=reason)
                error.data.update(data)
                raise error
            attempt = uow.postal.add_attempt(
                item_id, at=now, by=clerk.username, note=normalize(note)
            )
            uow.dossiers.add_event(
                item.dossier_id,
                DossierEvent(
                    "postal_attempt_failed",
                    now,
                    clerk.username,
                    detail={
                        "item_code": item.item_code,
                        "number": attempt.number,
                        "note": attempt.note,
                    },
                ),
            )
            uow.outbox.append(
                "postal.attempt",
                batch.sync_id,
                {
                    "item_code": item.item_code,
                    "number": attempt.number,
                    "note": attempt.note,
                    "at": to_local(now).isoformat(),
                },
                at=utc_now(),
            )
            uow.audit.append(
                actor=clerk.username,
                action="postal.attempt",
                entity="postal_item",
                entity_id=item.item_code or "",
                detail={"number": attempt.number},
                at=utc_now(),
            )
            updated = uow.postal.item(item_id)
            uow.commit()
        return Changed(updated, ChangeSet.of(POSTAL, DOSSIER, codes=(updated.dossier_code,)))
