"""Due dates and the deadline rules of the dossier lifecycle (NĐ 61/2018 Art. 15–22, Bộ luật Dân sự 2015 Art. 147–148, Bộ luật Lao động 2019 Art. 111–112).

``due_datetime`` implements the "Default algorithm" of Bộ luật Dân sự 2015 Art. 147–148. The result is
structured data (counted and skipped days, flags); the UI turns it into Vietnamese text.
Public names are re-exported by ``motcua_desk.domain.calendar``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .errors import CalendarError, RuleViolationError
from .procedure import TimeUnit
from .workcalendar import OfficeHours, SkippedDay, WorkCalendar

DEFAULT_CUTOFF = time(15, 0)
ROUNDINGS = frozenset({"hour", "minute"})


@dataclass(frozen=True)
class DueDate:
    """A computed due date with everything needed to explain and reproduce it.

    Attributes:
        due_at: the appointment printed on the slip.
        effective_start: the effective receipt moment ``t``.
        counted_days: the days counted, in order (working days, or calendar days).
        skipped: non-working days passed over (start shift, counting, roll-forward).
        working_days: the time limit value N as given.
        unit: the time limit unit.
        cutoff_applied: the cut-off moved the due date by a day.
        start_shifted: ``effective_start`` differs from the actual receipt moment.
        calendar_version: version of the calendar used.
    """

    due_at: datetime
    effective_start: datetime
    counted_days: tuple[date, ...]
    skipped: tuple[SkippedDay, ...]
    working_days: int
    unit: TimeUnit
    cutoff_applied: bool
    start_shifted: bool
    calendar_version: str
    received_at: datetime | None = None


def effective_receipt(
    received_at: datetime,
    calendar: WorkCalendar,
    office_hours: OfficeHours | None = None,
    skipped: list[SkippedDay] | None = None,
) -> datetime:
    """The effective receipt moment: next opening when outside office hours.

    Outside office hours, in the lunch break or on a non-working day (online, post), the clock
    starts at the next opening time of a working day. Non-working days passed go to ``skipped``.
    """
    hours = office_hours or OfficeHours()
    day = received_at.date()
    if calendar.is_working_day(day):
        opening = hours.next_opening(received_at.timetz())
        if opening is not None:
            if opening == received_at.time():
                return received_at
            return datetime.combine(day, opening, tzinfo=received_at.tzinfo)
    else:
        off = calendar.skipped(day)
        if off is not None and skipped is not None:
            skipped.append(off)
    next_day = calendar.next_working_day(day, skipped)
    return datetime.combine(next_day, hours.morning_open, tzinfo=received_at.tzinfo)


def _printed_time(t: datetime, rounding: str) -> time:
    if rounding == "hour":
        return t.timetz().replace(minute=0, second=0, microsecond=0)
    return t.timetz().replace(second=0, microsecond=0)


def due_datetime(
    received_at: datetime,
    working_days: int,
    calendar: WorkCalendar,
    cutoff: time = DEFAULT_CUTOFF,
    *,
    unit: TimeUnit = TimeUnit.WORKING_DAYS,
    office_hours: OfficeHours | None = None,
    cutoff_shifts_multiday: bool = False,
    rounding: str = "hour",
) -> DueDate:
    """Due date of a dossier received at ``received_at`` with a time limit of N ``unit``.

    Rules (Bộ luật Dân sự 2015 Art. 147–148 "Default algorithm"):
    1. ``t`` = effective receipt (see :func:`effective_receipt`).
    2. Same day (``unit`` SAME_DAY, or N = 0 working or calendar days): before ``cutoff`` due
       that day at closing time; at or after it, the next working day at closing time.
    3. N working days: the N-th working day after the date of ``t``; the cut-off adds a day
       only when ``cutoff_shifts_multiday`` is set.
    4. N calendar days: date of ``t`` + N, rolled forward to a working day (Art. 148).
    5. Printed time: clock time of ``t`` rounded down to the hour (or minute).
    HOURS: ``t`` + N hours, no calendar logic (Art. 147: a period in hours starts at once).
    """
    if working_days < 0:
        raise CalendarError(reason="negative_days", n=working_days)
    if rounding not in ROUNDINGS:
        raise CalendarError(reason="bad_rounding", rounding=rounding)
    hours = office_hours or OfficeHours()
    skipped: list[SkippedDay] = []
    counted: list[date] = []
    t = effective_receipt(received_at, calendar, hours, skipped)
    after_cutoff = t.time() >= cutoff.replace(tzinfo=None)
    cutoff_applied = False
    start = t.date()

    same_day = unit is TimeUnit.SAME_DAY or (
        working_days == 0 and unit in (TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS)
    )
    if same_day:
        day = start
        if after_cutoff:
            day = calendar.next_working_day(start, skipped)
            cutoff_applied = True
        counted.append(day)
        due = datetime.combine(day, hours.closing_time, tzinfo=t.tzinfo)
    elif unit is TimeUnit.WORKING_DAYS:
        base = start
        if cutoff_shifts_multiday and after_cutoff:
            base = calendar.next_working_day(start, skipped)
            cutoff_applied = True
        day = calendar.add_working_days(base, working_days, counted, skipped)
        due = datetime.combine(day, _printed_time(t, rounding))
    elif unit is TimeUnit.CALENDAR_DAYS:
        counted.extend(start + timedelta(days=i) for i in range(1, working_days + 1))
        day = start + timedelta(days=working_days)
        off = calendar.skipped(day)
        if off is not None:
            skipped.append(off)
            day = calendar.next_working_day(day, skipped)
        due = datetime.combine(day, _printed_time(t, rounding))
    else:  # TimeUnit.HOURS
        due = t + timedelta(hours=working_days)

    return DueDate(
        due_at=due,
        effective_start=t,
        counted_days=tuple(counted),
        skipped=tuple(skipped),
        working_days=working_days,
        unit=unit,
        cutoff_applied=cutoff_applied,
        start_shifted=t != received_at,
        calendar_version=calendar.version,
        received_at=received_at,
    )


def supplement_request_deadline(
    received_at: datetime, calendar: WorkCalendar, working_days: int = 3
) -> date:
    """Last day to issue Mẫu 02 after appraisal: N working days after reception (NĐ 61/2018 Art. 19.4)."""
    return calendar.add_working_days(received_at.date(), working_days)


def restart_after_supplement(
    completed_at: datetime,
    procedure_days: int,
    calendar: WorkCalendar,
    cutoff: time = DEFAULT_CUTOFF,
    *,
    unit: TimeUnit = TimeUnit.WORKING_DAYS,
    office_hours: OfficeHours | None = None,
    cutoff_shifts_multiday: bool = False,
    rounding: str = "hour",
) -> DueDate:
    """New due date once a supplement is complete: the limit restarts from zero (NĐ 61/2018 Art. 19.4)."""
    return due_datetime(
        completed_at,
        procedure_days,
        calendar,
        cutoff,
        unit=unit,
        office_hours=office_hours,
        cutoff_shifts_multiday=cutoff_shifts_multiday,
        rounding=rounding,
    )


def pause_after_supplement(
    old_due: datetime, requested_at: datetime, completed_at: datetime, calendar: WorkCalendar
) -> datetime:
    """Variant of some provinces (a setting): the clock pauses; new due = old due + working days waited.

    Days waited = working days ``d`` with ``requested_at.date() < d <= completed_at.date()``.
    """
    if completed_at < requested_at:
        raise CalendarError(
            reason="completed_before_request",
            requested_at=requested_at.isoformat(),
            completed_at=completed_at.isoformat(),
        )
    waited = calendar.working_days_between(requested_at.date(), completed_at.date())
    if waited == 0:
        return old_due
    new_day = calendar.add_working_days(old_due.date(), waited)
    return datetime.combine(new_day, old_due.timetz())


def apology_latest_date(due_at: datetime, calendar: WorkCalendar) -> date:
    """Last day for the apology slip (Mẫu 04): one working day before the due date (NĐ 61/2018 Art. 19.9)."""
    return calendar.previous_working_day(due_at.date())


def check_extension(
    extensions_so_far: int,
    due_at: datetime,
    today: date,
    new_due: datetime,
    calendar: WorkCalendar,
) -> None:
    """Refuse an extension the law forbids (NĐ 61/2018 Art. 19.9): only one, in time, to a later date.

    Raises:
        RuleViolationError: code ``second_extension``, ``apology_too_late`` or
            ``new_due_not_later`` (also in ``data['rule']``).
    """
    if extensions_so_far >= 1:
        raise RuleViolationError(
            "second_extension", rule="second_extension", extensions_so_far=extensions_so_far
        )
    latest = apology_latest_date(due_at, calendar)
    if today > latest:
        raise RuleViolationError(
            "apology_too_late",
            rule="apology_too_late",
            today=today.isoformat(),
            latest=latest.isoformat(),
        )
    if new_due <= due_at:
        raise RuleViolationError(
            "new_due_not_later",
            rule="new_due_not_later",
            due_at=due_at.isoformat(),
            new_due=new_due.isoformat(),
        )
