"""Working-day calendar: weekends, holidays, substitute days off and make-up working days.

The class takes plain dates (Bộ luật Lao động 2019 Art. 111–112). Building it from the
``holidays`` package plus the bundled overrides happens outside the domain
(``motcua_desk.services.calendar_seed``). Public names are re-exported by
``motcua_desk.domain.calendar``.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from .errors import CalendarError

#: Longest run of non-working days we accept before declaring the calendar broken.
MAX_GAP_DAYS = 366


class DayKind(enum.Enum):
    """Kind of a calendar table entry (Bộ luật Lao động 2019 Art. 111–112: holiday, nghỉ bù, làm bù)."""

    HOLIDAY = "holiday"
    SUBSTITUTE_DAY_OFF = "substitute_day_off"
    MAKEUP_WORKDAY = "makeup_workday"


class SkipReason(enum.StrEnum):
    """Why a day is not a working day; the value is the ``SkippedDay.reason`` string."""

    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    SUBSTITUTE_DAY_OFF = "substitute_day_off"
    MAKEUP_NOT_COUNTED = "makeup_not_counted"


@dataclass(frozen=True)
class CalendarDay:
    """One entry of the holiday table."""

    day: date
    kind: DayKind
    name: str = ""


@dataclass(frozen=True)
class SkippedDay:
    """A day passed over while counting, with the reason shown to the citizen."""

    day: date
    reason: str
    name: str = ""


@dataclass(frozen=True)
class OfficeHours:
    """Opening hours of the counter (a setting per unit, default 07:30-11:30, 13:30-17:00)."""

    morning_open: time = time(7, 30)
    morning_close: time = time(11, 30)
    afternoon_open: time = time(13, 30)
    afternoon_close: time = time(17, 0)

    def __post_init__(self) -> None:
        order = (self.morning_open, self.morning_close, self.afternoon_open, self.afternoon_close)
        if any(t.tzinfo is not None for t in order):
            raise CalendarError(reason="office_hours_tz")
        if not (order[0] < order[1] <= order[2] < order[3]):
            raise CalendarError(reason="office_hours_order", hours=[t.isoformat() for t in order])

    def is_open(self, t: time) -> bool:
        """Whether the counter is open at clock time ``t`` (closing times excluded)."""
        t = t.replace(tzinfo=None)
        return (
            self.morning_open <= t < self.morning_close
            or self.afternoon_open <= t < self.afternoon_close
        )

    def next_opening(self, t: time) -> time | None:
        """``t`` if open; else the next opening on the same day; ``None`` after closing."""
        t = t.replace(tzinfo=None)
        if self.is_open(t):
            return t
        if t < self.morning_open:
            return self.morning_open
        if self.morning_close <= t < self.afternoon_open:
            return self.afternoon_open
        return None

    @property
    def closing_time(self) -> time:
        """End of the working day, used for same-day due times."""
        return self.afternoon_close


class WorkCalendar:
    """Answers "is this a working day?" from weekends plus a table of dated exceptions.

    Args:
        days: holiday table entries; one entry per date at most.
        weekend: weekly rest days as ``date.weekday()`` numbers (Mon = 0).
        saturdays_count: treat Saturday as a working day (desks open on Saturday mornings
            whose province counts them; uncertain, so a setting, default off).
        makeup_days_count: make-up working days count toward deadlines (a unit setting, default yes).
        version: label stored with each due date; when empty a digest of the inputs is used,
            so the same table always yields the same version.
    """

    def __init__(
        self,
        days: Iterable[CalendarDay] = (),
        *,
        weekend: frozenset[int] = frozenset({5, 6}),
        saturdays_count: bool = False,
        makeup_days_count: bool = True,
        version: str = "",
    ) -> None:
        table: dict[date, CalendarDay] = {}
        for entry in days:
            if entry.day in table:
                raise CalendarError(reason="duplicate_day", day=entry.day.isoformat())
            table[entry.day] = entry
        if not all(isinstance(w, int) and 0 <= w <= 6 for w in weekend):
            raise CalendarError(reason="bad_weekend", weekend=sorted(weekend))
        self._table = table
        self.weekend = frozenset(weekend)
        self.saturdays_count = saturdays_count
        self.makeup_days_count = makeup_days_count
        rest = set(self.weekend)
        if saturdays_count:
            rest.discard(5)
        self._rest = frozenset(rest)
        self.version = version or self._digest()

    def _digest(self) -> str:
        h = hashlib.sha256()
        for d in sorted(self._table):
            e = self._table[d]
            h.update(f"{d.isoformat()}|{e.kind.value}|{e.name}\n".encode())
        h.update(f"{sorted(self.weekend)}|{self.saturdays_count}|{self.makeup_days_count}".encode())
        return "sha256:" + h.hexdigest()[:16]

    def __repr__(self) -> str:
        return f"WorkCalendar(entries={len(self._table)}, version={self.version!r})"

    @property
    def days(self) -> tuple[CalendarDay, ...]:
        """All table entries, sorted by date."""
        return tuple(self._table[d] for d in sorted(self._table))

    @property
    def years_covered(self) -> frozenset[int]:
        """Years with at least one table entry (warn when next year has none)."""
        return frozenset(d.year for d in self._table)

    def entry(self, d: date) -> CalendarDay | None:
        """The table entry for ``d``, if any."""
        return self._table.get(d)

    def off_reason(self, d: date) -> SkipReason | None:
        """Why ``d`` is not a working day, or ``None`` when it is one."""
        entry = self._table.get(d)
        if entry is not None:
            if entry.kind is DayKind.HOLIDAY:
                return SkipReason.HOLIDAY
            if entry.kind is DayKind.SUBSTITUTE_DAY_OFF:
                return SkipReason.SUBSTITUTE_DAY_OFF
            return None if self.makeup_days_count else SkipReason.MAKEUP_NOT_COUNTED
        if d.weekday() in self._rest:
            return SkipReason.WEEKEND
        return None

    def is_working_day(self, d: date) -> bool:
        """Whether deadlines count ``d``."""
        return self.off_reason(d) is None

    def skipped(self, d: date) -> SkippedDay | None:
        """A :class:`SkippedDay` for a non-working ``d``, else ``None``."""
        reason = self.off_reason(d)
        if reason is None:
            return None
        entry = self._table.get(d)
        return SkippedDay(d, reason.value, entry.name if entry else "")

    def next_working_day(self, d: date, skipped: list[SkippedDay] | None = None) -> date:
        """First working day strictly after ``d``; non-working days passed go to ``skipped``."""
        cur = d
        for _ in range(MAX_GAP_DAYS):
            cur += timedelta(days=1)
            off = self.skipped(cur)
            if off is None:
                return cur
            if skipped is not None:
                skipped.append(off)
        raise CalendarError(reason="no_working_day", after=d.isoformat())

    def previous_working_day(self, d: date) -> date:
        """Last working day strictly before ``d``."""
        cur = d
        for _ in range(MAX_GAP_DAYS):
            cur -= timedelta(days=1)
            if self.is_working_day(cur):
                return cur
        raise CalendarError(reason="no_working_day", before=d.isoformat())

    def add_working_days(
        self,
        d: date,
        n: int,
        counted: list[date] | None = None,
        skipped: list[SkippedDay] | None = None,
    ) -> date:
        """The ``n``-th working day after ``d`` (Civil Code Art. 147: ``d`` itself not counted).

        ``n == 0`` gives ``d`` when it is a working day, else the next one. Counted and skipped
        days are appended to the optional lists for explanations.
        """
        if n < 0:
            raise CalendarError(reason="negative_days", n=n)
        if n == 0:
            return d if self.is_working_day(d) else self.next_working_day(d, skipped)
        cur = d
        for _ in range(n):
            cur = self.next_working_day(cur, skipped)
            if counted is not None:
                counted.append(cur)
        return cur

    def working_days_between(self, a: date, b: date) -> int:
        """Working days ``d`` with ``a < d <= b``; negative when ``b < a``.

        Inverse of :meth:`add_working_days`: ``working_days_between(a, add_working_days(a, n))
        == n`` for ``n >= 1``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        cur = a
        while cur < b:
            cur += timedelta(days=1)
            if self.is_working_day(cur):
                count += 1
        return count
