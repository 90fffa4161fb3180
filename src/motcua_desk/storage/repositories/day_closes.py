"""Closed office days: the summary a supervisor signed off, and any reopening."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from motcua_desk.domain.text import normalize

from .. import _json
from ..orm import DayCloseRow


@dataclass(frozen=True, slots=True)
class DayClose:
    day: date
    closed: bool
    closed_at: datetime
    closed_by: str
    summary: dict[str, Any]
    note: str = ""
    reopened_at: datetime | None = None
    reopened_by: str | None = None
    reopen_reason: str | None = None


def _value(row: DayCloseRow) -> DayClose:
    return DayClose(
        day=row.day,
        closed=row.closed,
        closed_at=row.closed_at.astimezone(UTC),
        closed_by=row.closed_by,
        summary=_json.loads_object(row.summary),
        note=row.note,
        reopened_at=None if row.reopened_at is None else row.reopened_at.astimezone(UTC),
        reopened_by=row.reopened_by,
        reopen_reason=row.reopen_reason,
    )


class DayCloseRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def _row(self, day: date) -> DayCloseRow | None:
        return self._s.scalars(select(DayCloseRow).where(DayCloseRow.day == day)).one_or_none()

    def get(self, day: date) -> DayClose | None:
        row = self._row(day)
        return None if row is None else _value(row)

    def is_closed(self, day: date) -> bool:
        return bool(
            self._s.scalar(
                select(DayCloseRow.closed).where(DayCloseRow.day == day, DayCloseRow.closed)
            )
        )

    def close(
        self, day: date, *, at: datetime, by: str, summary: dict[str, Any], note: str = ""
    ) -> DayClose:
        """Close ``day`` (again, after a reopening: the latest close replaces the summary)."""
        row = self._row(day)
        if row is None:
            row = DayCloseRow(day=day)
            self._s.add(row)
        row.closed = True
        row.closed_at = at
        row.closed_by = by
        row.summary = _json.dumps(summary)
        row.note = normalize(note)
        self._s.flush()
        return _value(row)

    def reopen(self, day: date, *, at: datetime, by: str, reason: str) -> DayClose | None:
        row = self._row(day)
        if row is None or not row.closed:
            return None
        row.closed = False
        row.reopened_at = at
        row.reopened_by = by
        row.reopen_reason = normalize(reason)
        self._s.flush()
        return _value(row)

    def recent(self, limit: int = 30) -> list[DayClose]:
        rows = self._s.scalars(select(DayCloseRow).order_by(DayCloseRow.day.desc()).limit(limit))
        return [_value(r) for r in rows]
