"""Holiday table: holidays, substitute days off and make-up working days (Bộ luật Lao động 2019 Art. 111–112)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from motcua_desk.domain.calendar import CalendarDay, DayKind
from motcua_desk.domain.text import normalize

from ..errors import NotFoundError
from ..orm import CalendarDayRow

Source = Literal["seed", "admin"]


@dataclass(frozen=True, slots=True)
class StoredCalendarDay:
    """A table entry with where it came from; ``.entry`` is the domain value."""

    day: date
    kind: DayKind
    name: str
    source: str

    @property
    def entry(self) -> CalendarDay:
        return CalendarDay(day=self.day, kind=self.kind, name=self.name)


def _stored(row: CalendarDayRow) -> StoredCalendarDay:
    return StoredCalendarDay(row.day, DayKind(row.kind), row.name, row.source)


class CalendarRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def replace_seeded(self, days: Iterable[CalendarDay]) -> int:
        """Replace every seeded entry by ``days``; admin entries win over seeded ones."""
        self._s.execute(delete(CalendarDayRow).where(CalendarDayRow.source == "seed"))
        admin = set(
            self._s.scalars(select(CalendarDayRow.day).where(CalendarDayRow.source == "admin"))
        )
        n = 0
        for d in days:
            if d.day in admin:
                continue
            self._s.add(
                CalendarDayRow(day=d.day, kind=d.kind.value, name=normalize(d.name), source="seed")
            )
            admin.add(d.day)  # a duplicate day in the input keeps its first entry
            n += 1
        self._s.flush()
        return n

    def upsert(self, day: CalendarDay, source: Source = "admin") -> None:
        row = self._s.get(CalendarDayRow, day.day)
        if row is None:
            self._s.add(
                CalendarDayRow(
                    day=day.day, kind=day.kind.value, name=normalize(day.name), source=source
                )
            )
        else:
            row.kind = day.kind.value
            row.name = normalize(day.name)
            row.source = source
        self._s.flush()

    def delete(self, day: date) -> None:
        row = self._s.get(CalendarDayRow, day)
        if row is None:
            raise NotFoundError(entity="calendar_day", day=day.isoformat())
        self._s.delete(row)
        self._s.flush()

    def stored(self) -> list[StoredCalendarDay]:
        rows = self._s.scalars(select(CalendarDayRow).order_by(CalendarDayRow.day))
        return [_stored(r) for r in rows]

    def all(self) -> list[CalendarDay]:
        """Domain entries in date order, ready for ``WorkCalendar``."""
        return [s.entry for s in self.stored()]
