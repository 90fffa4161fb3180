"""Transactional outbox: events for the provincial server, written with the change they record.

Nothing is deleted when sent: outcomes are stored, rejections stay visible with their reason,
and acknowledged rows are pruned later.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import _json
from ..errors import NotFoundError, StorageError
from ..orm import OutboxRow

OutboxState = Literal["pending", "accepted", "duplicate", "rejected"]
Outcome = Literal["accepted", "duplicate", "rejected"]
_OUTCOMES: frozenset[str] = frozenset({"accepted", "duplicate", "rejected"})
_ACKED: tuple[str, ...] = ("accepted", "duplicate")


class InvalidOutcomeError(StorageError):
    """An outcome other than accepted/duplicate/rejected, or a requeue of a non-rejected event."""

    code = "invalid_outcome"


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    seq: int
    event_id: str
    kind: str
    aggregate_id: str
    payload: dict[str, Any]
    created_at: datetime
    state: str
    attempts: int
    last_error: str | None
    acked_at: datetime | None
    reject_reason: str | None


@dataclass(frozen=True, slots=True)
class OutboxStats:
    pending: int
    oldest_pending_at: datetime | None
    rejected: int
    last_acked_at: datetime | None


def _event(row: OutboxRow) -> OutboxEvent:
    return OutboxEvent(
        seq=row.seq,
        event_id=row.event_id,
        kind=row.kind,
        aggregate_id=row.aggregate_id,
        payload=_json.loads_object(row.payload),
        created_at=row.created_at,
        state=row.state,
        attempts=row.attempts,
        last_error=row.last_error,
        acked_at=row.acked_at,
        reject_reason=row.reject_reason,
    )


class OutboxRepository:
    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._clock = clock

    def append(
        self,
        kind: str,
        aggregate_id: str,
        payload: dict[str, Any],
        at: datetime,
        *,
        event_id: str | None = None,
    ) -> OutboxEvent:
        """Queue an event; ``event_id`` (the idempotency key) is a new UUID4 unless given."""
        row = OutboxRow(
            event_id=event_id or str(uuid.uuid4()),
            kind=kind,
            aggregate_id=aggregate_id,
            payload=_json.dumps(payload),
            created_at=at,
            state="pending",
            attempts=0,
        )
        self._s.add(row)
        self._s.flush()
        return _event(row)

    def pending(self, limit: int = 100) -> list[OutboxEvent]:
        rows = self._s.scalars(
            select(OutboxRow)
            .where(OutboxRow.state == "pending")
            .order_by(OutboxRow.seq)
            .limit(limit)
        )
        return [_event(r) for r in rows]

    def get(self, event_id: str) -> OutboxEvent | None:
        row = self._by_id(event_id)
        return None if row is None else _event(row)

    def for_aggregate(self, aggregate_id: str) -> list[OutboxEvent]:
        rows = self._s.scalars(
            select(OutboxRow).where(OutboxRow.aggregate_id == aggregate_id).order_by(OutboxRow.seq)
        )
        return [_event(r) for r in rows]

    def has_unacked(self, aggregate_id: str) -> bool:
        """Whether local events for ``aggregate_id`` still wait (pull must not overwrite it)."""
        n = self._s.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(OutboxRow.aggregate_id == aggregate_id, OutboxRow.state == "pending")
        )
        return bool(n)

    def _by_id(self, event_id: str) -> OutboxRow | None:
        return self._s.scalars(
            select(OutboxRow).where(OutboxRow.event_id == event_id)
        ).one_or_none()

    def _require(self, event_id: str) -> OutboxRow:
        row = self._by_id(event_id)
        if row is None:
            raise NotFoundError(entity="outbox_event", id=event_id)
        return row

    def record_attempt_failure(self, event_ids: Iterable[str], error: str) -> None:
        for event_id in event_ids:
            row = self._require(event_id)
            row.attempts += 1
            row.last_error = error
        self._s.flush()

    def record_outcomes(self, outcomes: Iterable[tuple[str, str, str | None]]) -> None:
        """Store the server's outcome per event: accepted, duplicate or rejected (with reason)."""
        now = self._clock()
        for event_id, outcome, reason in outcomes:
            if outcome not in _OUTCOMES:
                raise InvalidOutcomeError(outcome=outcome, id=event_id)
            row = self._require(event_id)
            row.state = outcome
            row.attempts += 1
            row.acked_at = now
            row.reject_reason = reason if outcome == "rejected" else None
            row.last_error = None
        self._s.flush()

    def stats(self) -> OutboxStats:
        pending_n = self._s.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.state == "pending")
        )
        rejected_n = self._s.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.state == "rejected")
        )
        # Ordered reads (not func.min/max) so values go through the UTC type decorator.
        oldest_at = self._s.scalar(
            select(OutboxRow.created_at)
            .where(OutboxRow.state == "pending")
            .order_by(OutboxRow.seq)
            .limit(1)
        )
        last_acked = self._s.scalar(
            select(OutboxRow.acked_at)
            .where(OutboxRow.acked_at.is_not(None))
            .order_by(OutboxRow.acked_at.desc())
            .limit(1)
        )
        return OutboxStats(
            pending=int(pending_n or 0),
            oldest_pending_at=oldest_at,
            rejected=int(rejected_n or 0),
            last_acked_at=last_acked,
        )

    def rejected(self) -> list[OutboxEvent]:
        rows = self._s.scalars(
            select(OutboxRow).where(OutboxRow.state == "rejected").order_by(OutboxRow.seq)
        )
        return [_event(r) for r in rows]

    def requeue(self, event_id: str) -> OutboxEvent:
        """Send a rejected event again, unchanged and with the same idempotency key."""
        row = self._require(event_id)
        if row.state != "rejected":
            raise InvalidOutcomeError(state=row.state, id=event_id)
        row.state = "pending"
        row.acked_at = None
        row.reject_reason = None
        self._s.flush()
        return _event(row)

    def latest_acked(self) -> str | None:
        """The newest acknowledged (accepted or duplicate) event still kept."""
        return self._s.scalar(
            select(OutboxRow.event_id)
            .where(OutboxRow.state.in_(_ACKED))
            .order_by(OutboxRow.seq.desc())
            .limit(1)
        )

    def acked_after(self, seq: int, limit: int) -> list[tuple[str, int]]:
        """Acknowledged events kept with ``seq`` above ``seq``: ``(event_id, seq)`` in order."""
        rows = self._s.execute(
            select(OutboxRow.event_id, OutboxRow.seq)
            .where(OutboxRow.state.in_(_ACKED), OutboxRow.seq > seq)
            .order_by(OutboxRow.seq)
            .limit(limit)
        )
        return [(str(event_id), int(n)) for event_id, n in rows]

    def resend_acked(self, event_ids: Iterable[str]) -> int:
        """Acknowledged events back to pending (the server lost them); returns how many."""
        n = 0
        for event_id in event_ids:
            row = self._require(event_id)
            if row.state in _ACKED:
                row.state = "pending"
                row.acked_at = None
                n += 1
        self._s.flush()
        return n

    def prune_acked(self, before: datetime) -> int:
        """Delete accepted/duplicate rows acknowledged before ``before``; returns how many."""
        result = self._s.execute(
            delete(OutboxRow)
            .where(OutboxRow.state.in_(_ACKED), OutboxRow.acked_at < before)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def count(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(OutboxRow)) or 0)
