"""WorkCalendar and OfficeHours (docs/domain.md §3 "Calendar", §4)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua_desk.domain.calendar import (
    CalendarDay,
    DayKind,
    OfficeHours,
    SkippedDay,
    SkipReason,
    WorkCalendar,
)
from motcua_desk.domain.errors import CalendarError

from .conftest import schedule_days


def test_weekdays_work_and_weekends_rest() -> None:
    c = WorkCalendar()
    assert c.is_working_day(date(2026, 11, 23))  # Monday
    assert c.is_working_day(date(2026, 11, 27))  # Friday
    assert not c.is_working_day(date(2026, 11, 28))  # Saturday
    assert c.off_reason(date(2026, 11, 29)) is SkipReason.WEEKEND
    assert c.off_reason(date(2026, 11, 25)) is None


def test_saturdays_count_setting() -> None:
    c = WorkCalendar(saturdays_count=True)
    assert c.is_working_day(date(2026, 11, 28))
    assert not c.is_working_day(date(2026, 11, 29))


def test_custom_weekend() -> None:
    c = WorkCalendar(weekend=frozenset({6}))
    assert c.is_working_day(date(2026, 11, 28))
    with pytest.raises(CalendarError):
        WorkCalendar(weekend=frozenset({7}))


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 2, 17), SkipReason.HOLIDAY),  # Tết, mùng 1
        (date(2026, 2, 14), SkipReason.WEEKEND),  # Saturday inside the Tết break
        (date(2026, 4, 30), SkipReason.HOLIDAY),
        (date(2026, 5, 1), SkipReason.HOLIDAY),
        (date(2026, 4, 27), SkipReason.SUBSTITUTE_DAY_OFF),  # Giỗ Tổ fell on Sunday
        (date(2026, 8, 31), SkipReason.SUBSTITUTE_DAY_OFF),  # swapped with Sat 22/08
        (date(2026, 9, 2), SkipReason.HOLIDAY),
        (date(2025, 5, 2), SkipReason.SUBSTITUTE_DAY_OFF),
        (date(2026, 8, 22), None),  # make-up Saturday works
        (date(2025, 4, 26), None),
        (date(2026, 2, 23), None),
    ],
)
def test_official_schedule(cal: WorkCalendar, day: date, reason: SkipReason | None) -> None:
    assert cal.off_reason(day) is reason
    assert cal.is_working_day(day) is (reason is None)


def test_makeup_day_not_counted(cal_no_makeup: WorkCalendar) -> None:
    assert cal_no_makeup.off_reason(date(2026, 8, 22)) is SkipReason.MAKEUP_NOT_COUNTED
    assert not cal_no_makeup.is_working_day(date(2026, 8, 22))


def test_skipped_carries_name(cal: WorkCalendar) -> None:
    assert cal.skipped(date(2026, 2, 17)) == SkippedDay(
        date(2026, 2, 17), "holiday", "entry 2026-02-17"
    )
    assert cal.skipped(date(2026, 2, 15)) == SkippedDay(date(2026, 2, 15), "weekend", "")
    assert cal.skipped(date(2026, 2, 23)) is None


def test_next_and_previous_working_day(cal: WorkCalendar) -> None:
    skipped: list[SkippedDay] = []
    assert cal.next_working_day(date(2026, 2, 13), skipped) == date(2026, 2, 23)
    assert [s.day for s in skipped] == [date(2026, 2, d) for d in range(14, 23)]
    assert cal.next_working_day(date(2026, 2, 23)) == date(2026, 2, 24)
    assert cal.previous_working_day(date(2026, 2, 23)) == date(2026, 2, 13)
    assert cal.previous_working_day(date(2026, 9, 3)) == date(2026, 8, 28)


def test_add_working_days(cal: WorkCalendar) -> None:
    assert cal.add_working_days(date(2026, 2, 12), 5) == date(2026, 2, 26)
    assert cal.add_working_days(date(2026, 2, 12), 0) == date(2026, 2, 12)
    assert cal.add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 23)
    with pytest.raises(CalendarError):
        cal.add_working_days(date(2026, 2, 12), -1)


def test_working_days_between(cal: WorkCalendar) -> None:
    assert cal.working_days_between(date(2026, 2, 12), date(2026, 2, 26)) == 5
    assert cal.working_days_between(date(2026, 2, 26), date(2026, 2, 12)) == -5
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 22)) == 0


def test_no_working_day_raises() -> None:
    c = WorkCalendar(weekend=frozenset(range(7)))
    with pytest.raises(CalendarError) as exc:
        c.next_working_day(date(2026, 1, 1))
    assert exc.value.data["reason"] == "no_working_day"
    with pytest.raises(CalendarError):
        c.previous_working_day(date(2026, 1, 1))


def test_duplicate_entry_rejected() -> None:
    d = date(2026, 1, 1)
    with pytest.raises(CalendarError) as exc:
        WorkCalendar([CalendarDay(d, DayKind.HOLIDAY), CalendarDay(d, DayKind.MAKEUP_WORKDAY)])
    assert exc.value.data["reason"] == "duplicate_day"


def test_years_covered_and_days(cal: WorkCalendar) -> None:
    assert cal.years_covered == frozenset({2025, 2026})
    assert 2027 not in cal.years_covered
    days = cal.days
    assert [d.day for d in days] == sorted(d.day for d in days)
    assert cal.entry(date(2026, 8, 22)) == CalendarDay(
        date(2026, 8, 22), DayKind.MAKEUP_WORKDAY, "entry 2026-08-22"
    )


def test_version_is_a_stable_digest() -> None:
    a = WorkCalendar(schedule_days())
    b = WorkCalendar(reversed(schedule_days()))
    assert a.version == b.version
    assert a.version.startswith("sha256:")
    assert WorkCalendar(schedule_days()[1:]).version != a.version
    assert WorkCalendar(schedule_days(), makeup_days_count=False).version != a.version
    assert WorkCalendar(version="2026-approved").version == "2026-approved"


def test_office_hours() -> None:
    h = OfficeHours()
    assert h.is_open(time(7, 30))
    assert not h.is_open(time(7, 29))
    assert not h.is_open(time(11, 30))
    assert not h.is_open(time(12, 0))
    assert h.is_open(time(16, 59))
    assert not h.is_open(time(17, 0))
    assert h.next_opening(time(6, 0)) == time(7, 30)
    assert h.next_opening(time(9, 15)) == time(9, 15)
    assert h.next_opening(time(12, 0)) == time(13, 30)
    assert h.next_opening(time(17, 0)) is None
    assert h.closing_time == time(17, 0)


def test_office_hours_validation() -> None:
    with pytest.raises(CalendarError):
        OfficeHours(morning_open=time(12, 0))
    with pytest.raises(CalendarError):
        OfficeHours(afternoon_close=time(13, 0))


@settings(max_examples=60, deadline=None)
@given(
    start=st.dates(min_value=date(2024, 12, 1), max_value=date(2026, 12, 31)),
    n=st.integers(min_value=1, max_value=40),
    makeup=st.booleans(),
)
def test_add_and_between_are_inverse(start: date, n: int, makeup: bool) -> None:
    c = WorkCalendar(schedule_days(), makeup_days_count=makeup)
    counted: list[date] = []
    skipped: list[SkippedDay] = []
    end = c.add_working_days(start, n, counted, skipped)
    assert c.is_working_day(end)
    assert c.working_days_between(start, end) == n
    assert len(counted) == n
    assert all(c.is_working_day(d) for d in counted)
    assert all(not c.is_working_day(s.day) for s in skipped)
    # Every day after start up to end is either counted or skipped, exactly once.
    span = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sorted(counted + [s.day for s in skipped]) == span
