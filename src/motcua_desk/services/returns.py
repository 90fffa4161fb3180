"""Return of results at the counter (NĐ 61 Art. 20; issue 5).

Scan → :meth:`ReturnService.start` shows what is to be handed back and what is due; the clerk
checks the collector (:meth:`verify`), then :meth:`complete` records in one transaction who
collected, the fee and its receipt number, the originals handed back and the citizen's rating,
and marks the dossier returned, with the outbox events and the audit row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from motcua_desk.domain.dossier import Dossier, PaperForm, Status
from motcua_desk.domain.errors import RuleViolationError, ValidationFailedError
from motcua_desk.domain.fees import fee_due_at_return
from motcua_desk.domain.returns import Collector, CollectorKind, check_collector, check_scores
from motcua_desk.domain.text import normalize
from motcua_desk.services.changes import DOSSIER, ChangeSet
from motcua_desk.services.clock import to_local, utc_now
from motcua_desk.services.day_close import ensure_day_open
from motcua_desk.storage.errors import NotFoundError
from motcua_desk.storage.repositories.returns import Rating, ReturnRecord
from motcua_desk.storage.repositories.users import User
from motcua_desk.storage.uow import UnitOfWork
from motcua_desk.sync.protocol import status_changed_payload

MAX_FEE_VND = 1_000_000_000
RATING_SOURCES = frozenset({"counter", "citizen_screen"})


@dataclass(frozen=True)
class ReturnCase:
    """What the return screen shows after the scan."""

    dossier: Dossier
    originals: tuple[str, ...]  # originals handed in at intake, to be handed back
    results: tuple[str, ...]  # default result papers
    fee_due_vnd: int | None
    overdue: bool  # the result comes after the due date (the on-time index counts it late)


@dataclass(frozen=True)
class ReturnInput:
    collector: Collector
    fee_collected_vnd: int = 0
    fee_receipt_no: str = ""
    originals_returned: tuple[str, ...] = ()
    results: tuple[str, ...] = ()
    note: str = ""
    rating: dict[str, int] | None = None
    rating_comment: str = ""
    rating_source: str = "counter"  # counter | citizen_screen (the window facing the citizen)


@dataclass(frozen=True)
class ReturnOutcome:
    dossier: Dossier
    record: ReturnRecord
    rating: Rating | None = None
    warnings: tuple[str, ...] = field(default=())  # fee_not_collected, originals_kept

    @property
    def changes(self) -> ChangeSet:
        """What the return changed: this dossier (RETURNED, its record and rating)."""
        return ChangeSet.of(DOSSIER, codes=(self.dossier.code,))


def _not_ready(d: Dossier) -> RuleViolationError:
    if d.status is Status.RETURNED:
        return RuleViolationError(rule="already_returned", code_value=d.code)
    return RuleViolationError(rule="result_not_ready", status=int(d.status))


class ReturnService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime]):
        self._uow_factory = uow_factory
        self._clock = clock

    def start(self, code: str) -> ReturnCase:
        """The dossier behind a scanned or typed code, if its result can be handed back."""
        wanted = normalize(code)
        if not wanted:
            raise ValidationFailedError({"code": "required"})
        with self._uow_factory() as uow:
            d = uow.dossiers.by_code(wanted)
        if d is None:
            raise NotFoundError(entity="dossier", code=wanted)
        if d.status is not Status.PROCESSED:
            raise _not_ready(d)
        originals = tuple(
            i.name for i in d.checklist if i.received and i.form is PaperForm.ORIGINAL
        )
        now = self._clock()
        return ReturnCase(
            dossier=d,
            originals=originals,
            results=(f"Kết quả giải quyết thủ tục: {d.procedure_name}",),
            fee_due_vnd=fee_due_at_return(d.fee_timing, d.fee_vnd, d.fee_paid_vnd),
            overdue=d.due_at is not None and to_local(d.due_at).date() < to_local(now).date(),
        )

    def verify(self, dossier: Dossier, who: Collector) -> Collector:
        """Check the collector against the dossier; nothing is written."""
        return check_collector(dossier, who)

    def complete(self, dossier_id: int, entry: ReturnInput, clerk: User) -> ReturnOutcome:
        """Record the return and mark the dossier returned; refuses the wrong collector."""
        fee = entry.fee_collected_vnd
        receipt_no = normalize(entry.fee_receipt_no)
        errors: dict[str, str] = {}
        if isinstance(fee, bool) or not isinstance(fee, int) or not 0 <= fee <= MAX_FEE_VND:
            errors["fee_collected_vnd"] = "out_of_range"
        elif fee > 0 and not receipt_no:
            errors["fee_receipt_no"] = "required"
        results = tuple(r for r in (normalize(x) for x in entry.results) if r)
        if not results:
            errors["results"] = "required"
        scores = None
        if entry.rating:
            try:
                scores = check_scores(entry.rating)
            except ValidationFailedError as exc:
                errors.update(exc.fields)
        if entry.rating_source not in RATING_SOURCES:
            errors["rating_source"] = "invalid_value"
        if errors:
            raise ValidationFailedError(errors)
        now = to_local(self._clock())
        with self._uow_factory() as uow:
            d = uow.dossiers.get(dossier_id)
            if d.status is not Status.PROCESSED:
                raise _not_ready(d)
            collector = check_collector(d, entry.collector)
            ensure_day_open(uow, now.date())
            originals = {i.name for i in d.checklist if i.received and i.form is PaperForm.ORIGINAL}
            handed = tuple(n for n in (normalize(x) for x in entry.originals_returned) if n)
            unknown = [n for n in handed if n not in originals]
            if unknown:
                raise ValidationFailedError({"originals_returned": "unknown_paper"})
            warnings = []
            if fee_due_at_return(d.fee_timing, d.fee_vnd, d.fee_paid_vnd) and fee == 0:
                warnings.append("fee_not_collected")
            if set(handed) != originals:
                warnings.append("originals_kept")
            record = uow.returns.add(
                ReturnRecord(
                    dossier_id=dossier_id,
                    at=now,
                    clerk=clerk.username,
                    collector_kind=collector.kind.value,
                    collector_name=collector.full_name,
                    collector_id_number=collector.id_number,
                    verified_by=collector.verified_by.value,
                    authorisation=collector.authorisation,
                    fee_collected_vnd=fee,
                    fee_receipt_no=receipt_no,
                    originals_returned=handed,
                    results=results,
                    note=entry.note,
                )
            )
            detail = {
                "action": "returned",
                "collector_kind": collector.kind.value,
                "collector_name": collector.full_name,
                "collector_id_number": collector.id_number,
                "verified_by": collector.verified_by.value,
                "authorisation": collector.authorisation,
                "fee_collected_vnd": fee,
                "fee_receipt_no": receipt_no,
                "originals_returned": list(handed),
                "results": list(results),
                "note": record.note,
            }
            after = uow.dossiers.set_status(
                dossier_id, Status.RETURNED, actor=clerk.username, at=now, detail=detail
            )
            uow.outbox.append(
                "dossier.status_changed",
                after.sync_id,
                status_changed_payload(d.status, Status.RETURNED, now, clerk.username),
                at=utc_now(),
            )
            uow.outbox.append(
                "return.recorded",
                after.sync_id,
                {**detail, "dossier_code": d.code, "at": now.isoformat()},
                at=utc_now(),
            )
            rating = None
            if scores is not None:
                rating = self._rate(
                    uow, after, scores, entry.rating_comment, entry.rating_source, now
                )
            uow.audit.append(
                actor=clerk.username,
                action="dossier.returned",
                entity="dossier",
                entity_id=d.code,
                detail={
                    "collector_kind": collector.kind.value,
                    "fee_collected_vnd": fee,
                    "warnings": warnings,
                },
                at=utc_now(),
            )
            uow.commit()
        return ReturnOutcome(after, record, rating, tuple(warnings))

    def rate(
        self,
        dossier_id: int,
        scores: dict[str, int],
        clerk: User,
        comment: str = "",
        source: str = "counter",
    ) -> Rating:
        """Store (or replace) the citizen's rating of a dossier, offline with the dossier."""
        clean = check_scores(scores)
        if source not in RATING_SOURCES:
            raise ValidationFailedError({"source": "invalid_value"})
        now = to_local(self._clock())
        with self._uow_factory() as uow:
            # A rating is a change dated today: refused once today is closed (issue 13).
            ensure_day_open(uow, now.date())
            d = uow.dossiers.get(dossier_id)
            rating = self._rate(uow, d, clean, comment, source, now)
            uow.audit.append(
                actor=clerk.username,
                action="dossier.rated",
                entity="dossier",
                entity_id=d.code,
                detail={"scores": clean, "source": source},
                at=utc_now(),
            )
            uow.commit()
        return rating

    @staticmethod
    def _rate(
        uow: UnitOfWork,
        d: Dossier,
        scores: dict[str, int],
        comment: str,
        source: str,
        now: datetime,
    ) -> Rating:
        assert d.id is not None
        rating = uow.returns.set_rating(Rating(d.id, now, scores, normalize(comment), source))
        uow.outbox.append(
            "rating.recorded",
            d.sync_id,
            {
                "dossier_code": d.code,
                "scores": scores,
                "comment": rating.comment,
                "source": source,
                "at": now.isoformat(),
            },
            at=utc_now(),
        )
        return rating

    def record_for(self, dossier_id: int) -> tuple[ReturnRecord | None, Rating | None]:
        with self._uow_factory() as uow:
            return uow.returns.for_dossier(dossier_id), uow.returns.rating_for(dossier_id)


__all__ = [
    "Collector",
    "CollectorKind",
    "ReturnCase",
    "ReturnInput",
    "ReturnOutcome",
    "ReturnService",
]
