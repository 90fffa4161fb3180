"""End-of-day close of the counter ("chốt sổ cuối ngày", issue 5).

A supervisor (or admin) confirms with their password that an office day is closed, after seeing
its figures and what is still pending. A closed day cannot be edited: the services that write
something dated that day call :func:`ensure_day_open` inside their transaction and raise
``DayClosedError``. The way to correct a closed day is: a supervisor reopens it (password and a
reason), the clerk edits, the supervisor closes it again.

Which day a change belongs to:

* intake (receive / supplement at intake / refusal): the dossier's received day, the office
  date of ``received_at`` (the date in its code and in the day's figures);
* a later change (hand-over, result, supplement, extension, withdrawal, stop, return): the
  office date on which it is recorded, i.e. today. A dossier received on a closed day must
  still move on afterwards, so its received day is not what matters; the closed day's figures
  (handed over, returned) would change if a change were recorded on it.

Office days are office-local dates (UTC+7); stored times are UTC, so each day is the UTC
interval between two office midnights.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select

from motcua_desk.domain.dossier import Status
from motcua_desk.domain.errors import DayClosedError, DomainError, ValidationFailedError
from motcua_desk.domain.text import normalize
from motcua_desk.services.accounts import AccountService
from motcua_desk.services.clock import OFFICE_TZ, office_days_utc, to_local, utc_now
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.orm import (
    DossierEventRow,
    DossierRow,
    OutboxRow,
    PostalBatchRow,
    PrintJobRow,
)
from motcua_desk.storage.repositories.day_closes import DayClose
from motcua_desk.storage.repositories.users import User
from motcua_desk.storage.uow import UnitOfWork

__all__ = [
    "DayAlreadyClosedError",
    "DayClose",
    "DayCloseService",
    "DayInFutureError",
    "DayNotClosedError",
    "DaySummary",
    "day_aggregate_id",
    "day_bounds",
    "ensure_day_open",
]

KIND_CLOSED = "day.closed"
KIND_REOPENED = "day.reopened"
#: Print outcomes that count as an issued receipt (a failed or queued print does not).
_PRINTED = ("sent", "confirmed")
#: Fixed namespace of the day aggregate ids: the same agency and day give the same id on every
#: counter and on the server.
_DAY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:motcua-desk:day-close")

# Warning codes, in the order the screen lists them.
W_UNPRINTED = "unprinted"
W_TO_TRANSFER = "to_transfer"
W_TO_TRANSFER_NEXT_DAY = "to_transfer_next_day"
W_OPEN_POSTAL_BATCH = "open_postal_batch"
W_UNSYNCED = "unsynced"
W_SYNC_REJECTED = "sync_rejected"


class DayInFutureError(DomainError):
    """A day after today's office date cannot be closed (``data['day']``)."""

    code = "day_in_future"


class DayAlreadyClosedError(DomainError):
    """The day is closed already (``data['day']``, ``data['closed_by']``)."""

    code = "day_already_closed"


class DayNotClosedError(DomainError):
    """Only a closed day can be reopened (``data['day']``)."""

    code = "day_not_closed"


@dataclass(frozen=True)
class DaySummary:
    """The figures of one office day and the codes of what is still pending."""

    day: date
    received: int = 0  # received that day (a refusal at intake is not a reception)
    refused: int = 0  # Mẫu 03 recorded that day
    supplement_at_intake: int = 0  # incomplete at intake (Mẫu 02) that day
    handed_over: int = 0  # handed to the department that day
    returned: int = 0  # results returned that day
    receipts_printed: int = 0  # dossiers received that day whose receipt (Mẫu 01) was printed
    unprinted: int = 0  # dossiers received that day whose receipt was never printed
    to_transfer: int = 0  # received before the cut-off, not handed over yet
    to_transfer_next_day: int = 0  # received after the cut-off: due at the next working day
    open_postal_batches: int = 0  # batches still open (all days)
    unsynced: int = 0  # outbox events not yet sent (all days)
    sync_rejected: int = 0  # events the server rejected (all days)
    warnings: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: stored with the close and sent in the ``day.closed`` event."""
        values = asdict(self)
        values["day"] = self.day.isoformat()
        values["warnings"] = list(self.warnings)
        return values


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of the office date ``day`` (office midnights, UTC+7)."""
    return office_days_utc(day, day)


def day_aggregate_id(agency_id: str, day: date) -> str:
    """The UUID the server keys a unit's office day by (uuid5 of agency id and date)."""
    return str(uuid.uuid5(_DAY_NAMESPACE, f"{agency_id.strip()}:{day.isoformat()}"))


def ensure_day_open(uow: UnitOfWork, day: date) -> None:
    """Raise ``DayClosedError`` when ``day`` was closed; call inside the writing transaction."""
    if uow.day_closes.is_closed(day):
        raise DayClosedError(day=day.isoformat())


def _warnings(s: DaySummary) -> tuple[str, ...]:
    pending = (
        (W_UNPRINTED, s.unprinted),
        (W_TO_TRANSFER, s.to_transfer),
        (W_TO_TRANSFER_NEXT_DAY, s.to_transfer_next_day),
        (W_OPEN_POSTAL_BATCH, s.open_postal_batches),
        (W_UNSYNCED, s.unsynced),
        (W_SYNC_REJECTED, s.sync_rejected),
    )
    return tuple(code for code, n in pending if n)


class DayCloseService:
    """Figures, close and reopen of office days; every method runs on the db lane."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        settings_store: SettingsStore,
        accounts: AccountService,
        clock: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._settings = settings_store
        self._accounts = accounts
        self._clock = clock

    def today(self) -> date:
        return to_local(self._clock()).date()

    # -- queries ------------------------------------------------------------------------

    def summary(self, day: date) -> DaySummary:
        with self._uow_factory() as uow:
            return self._summary(uow, day)

    def is_closed(self, day: date) -> bool:
        with self._uow_factory() as uow:
            return uow.day_closes.is_closed(day)

    def get(self, day: date) -> DayClose | None:
        """The close record of ``day`` (closed or reopened), or None when never closed."""
        with self._uow_factory() as uow:
            return uow.day_closes.get(day)

    def recent(self, limit: int = 30) -> list[DayClose]:
        with self._uow_factory() as uow:
            return uow.day_closes.recent(limit)

    def _summary(self, uow: UnitOfWork, day: date) -> DaySummary:
        s = uow.session
        start, end = day_bounds(day)
        cutoff = datetime.combine(day, self._settings.current.cutoff, OFFICE_TZ).astimezone(UTC)
        d, e, j = DossierRow, DossierEventRow, PrintJobRow

        def intake(status: Status) -> Any:
            # The timeline row written at intake is the only one without a previous status.
            return (
                select(e.id)
                .where(e.dossier_id == d.id, e.status_from.is_(None), e.status_to == int(status))
                .exists()
            )

        printed = (
            select(j.id)
            .where(j.dossier_id == d.id, j.doc_type == "receipt", j.outcome.in_(_PRINTED))
            .exists()
        )
        received_ok = intake(Status.RECEIVED)
        waiting = d.status == int(Status.RECEIVED)

        def n(condition: Any) -> Any:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        by_received = s.execute(
            select(
                n(~intake(Status.REFUSED)),
                n(intake(Status.SUPPLEMENT)),
                n(and_(received_ok, printed)),
                n(and_(received_ok, ~printed)),
                n(and_(waiting, d.received_at < cutoff)),
                n(and_(waiting, d.received_at >= cutoff)),
            ).where(d.received_at >= start, d.received_at < end)
        ).one()
        moves = s.execute(
            select(
                n(e.status_to == int(Status.REFUSED)),
                n(
                    and_(
                        e.status_from == int(Status.RECEIVED),
                        e.status_to == int(Status.PROCESSING),
                    )
                ),
            ).where(e.at >= start, e.at < end)
        ).one()
        returned = s.scalar(select(func.count()).where(d.returned_at >= start, d.returned_at < end))
        outbox = dict(
            s.execute(
                select(OutboxRow.state, func.count())
                .where(OutboxRow.state.in_(("pending", "rejected")))
                .group_by(OutboxRow.state)
            ).all()
        )
        batches = s.scalar(
            select(func.count()).select_from(PostalBatchRow).where(PostalBatchRow.state == "open")
        )
        summary = DaySummary(
            day=day,
            received=int(by_received[0]),
            supplement_at_intake=int(by_received[1]),
            receipts_printed=int(by_received[2]),
            unprinted=int(by_received[3]),
            to_transfer=int(by_received[4]),
            to_transfer_next_day=int(by_received[5]),
            refused=int(moves[0]),
            handed_over=int(moves[1]),
            returned=int(returned or 0),
            open_postal_batches=int(batches or 0),
            unsynced=int(outbox.get("pending", 0)),
            sync_rejected=int(outbox.get("rejected", 0)),
        )
        return DaySummary(**{**asdict(summary), "warnings": _warnings(summary)})

    # -- commands -----------------------------------------------------------------------

    def _supervisor(self, username: str, password: str) -> User:
        """The approving supervisor or admin; AuthFailedError / PermissionDeniedError."""
        return self._accounts.verify_supervisor(username, password)

    def close(
        self, day: date, supervisor_username: str, password: str, note: str, clerk: User
    ) -> DayClose:
        """Close ``day`` with a supervisor's password; one transaction with event and audit."""
        if day > self.today():
            raise DayInFutureError(day=day.isoformat())
        if self.is_closed(day):  # said before asking for the password; checked again below
            raise DayAlreadyClosedError(day=day.isoformat())
        supervisor = self._supervisor(supervisor_username, password)
        now = to_local(self._clock())
        agency_id = self._settings.current.agency_id
        with self._uow_factory() as uow:
            existing = uow.day_closes.get(day)
            if existing is not None and existing.closed:
                raise DayAlreadyClosedError(day=day.isoformat(), closed_by=existing.closed_by)
            summary = self._summary(uow, day).as_dict()
            closed = uow.day_closes.close(
                day, at=now, by=supervisor.username, summary=summary, note=note
            )
            uow.outbox.append(
                KIND_CLOSED,
                day_aggregate_id(agency_id, day),
                {
                    "day": day.isoformat(),
                    "agency_id": agency_id,
                    "closed_at": now.isoformat(),
                    "closed_by": supervisor.username,
                    "clerk": clerk.username,
                    "note": closed.note,
                    "summary": summary,
                },
                at=utc_now(),
            )
            uow.audit.append(
                actor=supervisor.username,
                action=KIND_CLOSED,
                entity="day",
                entity_id=day.isoformat(),
                detail={"clerk": clerk.username, "note": closed.note, "summary": summary},
                at=utc_now(),
            )
            uow.commit()
        return closed

    def reopen(self, day: date, supervisor_username: str, password: str, reason: str) -> DayClose:
        """Reopen a closed day so it can be corrected; a supervisor's password and a reason."""
        if not normalize(reason):
            raise ValidationFailedError({"reason": "required"})
        supervisor = self._supervisor(supervisor_username, password)
        now = to_local(self._clock())
        agency_id = self._settings.current.agency_id
        with self._uow_factory() as uow:
            reopened = uow.day_closes.reopen(day, at=now, by=supervisor.username, reason=reason)
            if reopened is None:
                raise DayNotClosedError(day=day.isoformat())
            uow.outbox.append(
                KIND_REOPENED,
                day_aggregate_id(agency_id, day),
                {
                    "day": day.isoformat(),
                    "agency_id": agency_id,
                    "reopened_at": now.isoformat(),
                    "reopened_by": supervisor.username,
                    "reason": reopened.reopen_reason,
                },
                at=utc_now(),
            )
            uow.audit.append(
                actor=supervisor.username,
                action=KIND_REOPENED,
                entity="day",
                entity_id=day.isoformat(),
                detail={"reason": reopened.reopen_reason},
                at=utc_now(),
            )
            uow.commit()
        return reopened
