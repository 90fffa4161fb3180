"""due_datetime: the default algorithm of docs/domain.md §3 and worked examples 1-6 of §4."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua_desk.domain.calendar import (
    OfficeHours,
    TimeUnit,
    WorkCalendar,
    due_datetime,
    effective_receipt,
)
from motcua_desk.domain.errors import CalendarError

from .conftest import schedule_days


def test_example_1_real_slip() -> None:
    """Fri 27/10/2023 09:32, 5 working days -> after 09:00 on Fri 03/11/2023."""
    r = due_datetime(datetime(2023, 10, 27, 9, 32), 5, WorkCalendar())
    assert r.due_at == datetime(2023, 11, 3, 9, 0)
    assert r.counted_days == (
        date(2023, 10, 30),
        date(2023, 10, 31),
        date(2023, 11, 1),
        date(2023, 11, 2),
        date(2023, 11, 3),
    )
    assert [(s.day, s.reason) for s in r.skipped] == [
        (date(2023, 10, 28), "weekend"),
        (date(2023, 10, 29), "weekend"),
    ]
    assert not r.cutoff_applied
    assert not r.start_shifted
    assert r.effective_start == datetime(2023, 10, 27, 9, 32)
    assert r.working_days == 5
    assert r.unit is TimeUnit.WORKING_DAYS


def test_example_1_exact_minutes() -> None:
    r = due_datetime(datetime(2023, 10, 27, 9, 32, 41), 5, WorkCalendar(), rounding="minute")
    assert r.due_at == datetime(2023, 11, 3, 9, 32)


def test_example_2_across_tet_2026(cal: WorkCalendar) -> None:
    """Thu 12/02/2026 10:15, 5 working days -> after 10:00 on Thu 26/02/2026."""
    r = due_datetime(datetime(2026, 2, 12, 10, 15), 5, cal)
    assert r.due_at == datetime(2026, 2, 26, 10, 0)
    assert r.counted_days == tuple(date(2026, 2, d) for d in (13, 23, 24, 25, 26))
    reasons = {s.day: s.reason for s in r.skipped}
    assert reasons == {
        date(2026, 2, 14): "weekend",
        date(2026, 2, 15): "weekend",
        date(2026, 2, 16): "holiday",
        date(2026, 2, 17): "holiday",
        date(2026, 2, 18): "holiday",
        date(2026, 2, 19): "holiday",
        date(2026, 2, 20): "holiday",
        date(2026, 2, 21): "weekend",
        date(2026, 2, 22): "weekend",
    }
    assert r.calendar_version == cal.version


def test_example_2_without_tet_entries_would_differ() -> None:
    r = due_datetime(datetime(2026, 2, 12, 10, 15), 5, WorkCalendar())
    assert r.due_at == datetime(2026, 2, 19, 10, 0)


def test_example_3_same_day_after_cutoff(cal: WorkCalendar) -> None:
    """Certification Fri 13/02/2026 15:20 -> next working day Mon 23/02/2026."""
    r = due_datetime(datetime(2026, 2, 13, 15, 20), 0, cal, unit=TimeUnit.SAME_DAY)
    assert r.due_at == datetime(2026, 2, 23, 17, 0)
    assert r.cutoff_applied
    assert r.counted_days == (date(2026, 2, 23),)
    assert len(r.skipped) == 9


def test_example_3_same_day_before_cutoff(cal: WorkCalendar) -> None:
    r = due_datetime(datetime(2026, 2, 13, 14, 50), 0, cal, unit=TimeUnit.SAME_DAY)
    assert r.due_at == datetime(2026, 2, 13, 17, 0)
    assert not r.cutoff_applied
    assert r.skipped == ()


def test_zero_working_days_is_same_day(cal: WorkCalendar) -> None:
    assert due_datetime(datetime(2026, 2, 13, 15, 20), 0, cal).due_at == datetime(
        2026, 2, 23, 17, 0
    )
    assert due_datetime(datetime(2026, 2, 13, 14, 59), 0, cal).due_at == datetime(
        2026, 2, 13, 17, 0
    )


def test_cutoff_is_inclusive_and_configurable(cal: WorkCalendar) -> None:
    at_cutoff = due_datetime(datetime(2026, 3, 2, 15, 0), 0, cal)
    assert at_cutoff.due_at == datetime(2026, 3, 3, 17, 0)
    assert at_cutoff.cutoff_applied
    later = due_datetime(datetime(2026, 3, 2, 15, 0), 0, cal, time(16, 0))
    assert later.due_at == datetime(2026, 3, 2, 17, 0)


def test_example_4_makeup_saturday(cal: WorkCalendar, cal_no_makeup: WorkCalendar) -> None:
    """Thu 20/08/2026 09:00, 3 days: Mon 24/08 with make-up counting, Tue 25/08 without."""
    r = due_datetime(datetime(2026, 8, 20, 9, 0), 3, cal)
    assert r.due_at == datetime(2026, 8, 24, 9, 0)
    assert r.counted_days == (date(2026, 8, 21), date(2026, 8, 22), date(2026, 8, 24))
    r2 = due_datetime(datetime(2026, 8, 20, 9, 0), 3, cal_no_makeup)
    assert r2.due_at == datetime(2026, 8, 25, 9, 0)
    assert (date(2026, 8, 22), "makeup_not_counted") in [(s.day, s.reason) for s in r2.skipped]


def test_example_5_national_day_2026(cal: WorkCalendar) -> None:
    """Fri 28/08/2026 10:00, 2 days -> Fri 04/09/2026."""
    r = due_datetime(datetime(2026, 8, 28, 10, 0), 2, cal)
    assert r.due_at == datetime(2026, 9, 4, 10, 0)
    assert r.counted_days == (date(2026, 9, 3), date(2026, 9, 4))
    assert [(s.day.day, s.reason) for s in r.skipped] == [
        (29, "weekend"),
        (30, "weekend"),
        (31, "substitute_day_off"),
        (1, "holiday"),
        (2, "holiday"),
    ]


def test_example_6_calendar_days_roll_forward(cal: WorkCalendar) -> None:
    """15 days from Mon 02/02/2026: day 15 = Tue 17/02 (Tết) -> Mon 23/02/2026."""
    r = due_datetime(datetime(2026, 2, 2, 8, 0), 15, cal, unit=TimeUnit.CALENDAR_DAYS)
    assert r.due_at.date() == date(2026, 2, 23)
    assert r.due_at.time() == time(8, 0)
    assert len(r.counted_days) == 15
    assert r.counted_days[-1] == date(2026, 2, 17)
    assert [s.day for s in r.skipped] == [date(2026, 2, d) for d in range(17, 23)]


def test_zero_calendar_days_is_same_day() -> None:
    r = due_datetime(datetime(2026, 3, 2, 9, 32), 0, WorkCalendar(), unit=TimeUnit.CALENDAR_DAYS)
    assert r.due_at == datetime(2026, 3, 2, 17, 0)


def test_calendar_days_no_roll_needed() -> None:
    r = due_datetime(datetime(2026, 3, 2, 8, 0), 3, WorkCalendar(), unit=TimeUnit.CALENDAR_DAYS)
    assert r.due_at == datetime(2026, 3, 5, 8, 0)
    assert r.skipped == ()


def test_hours_unit_adds_hours() -> None:
    r = due_datetime(datetime(2026, 3, 2, 9, 45), 8, WorkCalendar(), unit=TimeUnit.HOURS)
    assert r.due_at == datetime(2026, 3, 2, 17, 45)


def test_receipt_after_closing_shifts_start() -> None:
    """Online dossier Friday 18:00 -> t = Monday 07:30; 1 working day -> Tuesday 07:00."""
    r = due_datetime(datetime(2026, 3, 6, 18, 0), 1, WorkCalendar())
    assert r.start_shifted
    assert r.effective_start == datetime(2026, 3, 9, 7, 30)
    assert r.due_at == datetime(2026, 3, 10, 7, 0)
    assert [s.reason for s in r.skipped] == ["weekend", "weekend"]


def test_receipt_on_holiday_shifts_start(cal: WorkCalendar) -> None:
    r = due_datetime(datetime(2026, 4, 30, 10, 0), 1, cal)
    assert r.effective_start == datetime(2026, 5, 4, 7, 30)
    assert r.due_at == datetime(2026, 5, 5, 7, 0)
    assert r.skipped[0].day == date(2026, 4, 30)
    assert r.skipped[0].reason == "holiday"


def test_receipt_in_lunch_break_and_early_morning() -> None:
    lunch = due_datetime(datetime(2026, 3, 2, 12, 5), 2, WorkCalendar())
    assert lunch.effective_start == datetime(2026, 3, 2, 13, 30)
    assert lunch.due_at == datetime(2026, 3, 4, 13, 0)
    assert lunch.skipped == ()
    early = due_datetime(datetime(2026, 3, 2, 6, 0), 2, WorkCalendar())
    assert early.effective_start == datetime(2026, 3, 2, 7, 30)


def test_saturday_receipt_same_day_goes_to_monday() -> None:
    r = due_datetime(datetime(2026, 3, 7, 9, 0), 0, WorkCalendar(), unit=TimeUnit.SAME_DAY)
    assert r.due_at == datetime(2026, 3, 9, 17, 0)
    assert not r.cutoff_applied


def test_custom_office_hours() -> None:
    th = OfficeHours(morning_open=time(7, 0))
    r = due_datetime(datetime(2026, 3, 6, 18, 0), 0, WorkCalendar(), office_hours=th)
    assert r.effective_start == datetime(2026, 3, 9, 7, 0)
    assert r.due_at == datetime(2026, 3, 9, 17, 0)


def test_multiday_cutoff_off_by_default_and_optional() -> None:
    received = datetime(2026, 3, 2, 15, 30)
    default = due_datetime(received, 2, WorkCalendar())
    assert default.due_at == datetime(2026, 3, 4, 15, 0)
    assert not default.cutoff_applied
    shifted = due_datetime(received, 2, WorkCalendar(), cutoff_shifts_multiday=True)
    assert shifted.due_at == datetime(2026, 3, 5, 15, 0)
    assert shifted.cutoff_applied
    before = due_datetime(
        datetime(2026, 3, 2, 14, 0), 2, WorkCalendar(), cutoff_shifts_multiday=True
    )
    assert before.due_at == datetime(2026, 3, 4, 14, 0)


def test_timezone_is_kept() -> None:
    ict = timezone(timedelta(hours=7))
    r = due_datetime(datetime(2023, 10, 27, 9, 32, tzinfo=ict), 5, WorkCalendar())
    assert r.due_at == datetime(2023, 11, 3, 9, 0, tzinfo=ict)
    assert r.due_at.tzinfo is ict


def test_effective_receipt_on_working_hours_is_unchanged() -> None:
    t = datetime(2026, 3, 2, 9, 0)
    assert effective_receipt(t, WorkCalendar()) is t


@pytest.mark.parametrize(
    ("n", "rounding"),
    [(-1, "hour"), (1, "second"), (1, "")],
)
def test_bad_arguments(n: int, rounding: str) -> None:
    with pytest.raises(CalendarError):
        due_datetime(datetime(2026, 3, 2, 9, 0), n, WorkCalendar(), rounding=rounding)


def test_makeup_saturday_2025_counts(cal: WorkCalendar, cal_no_makeup: WorkCalendar) -> None:
    """Fri 25/04/2025: the make-up Saturday 26/04 is day 1."""
    r = due_datetime(datetime(2025, 4, 25, 9, 0), 1, cal)
    assert r.due_at == datetime(2025, 4, 26, 9, 0)
    r2 = due_datetime(datetime(2025, 4, 25, 9, 0), 1, cal_no_makeup)
    assert r2.due_at == datetime(2025, 4, 28, 9, 0)


def test_30_4_and_1_5_2025_with_swap(cal: WorkCalendar) -> None:
    """Tue 29/04/2025: 30/04, 01/05 holidays, Fri 02/05 swapped off, weekend -> Mon 05/05."""
    r = due_datetime(datetime(2025, 4, 29, 10, 0), 1, cal)
    assert r.due_at == datetime(2025, 5, 5, 10, 0)
    assert [s.reason for s in r.skipped] == [
        "holiday",
        "holiday",
        "substitute_day_off",
        "weekend",
        "weekend",
    ]


def test_tet_2025(cal: WorkCalendar) -> None:
    """Fri 24/01/2025, 1 working day: Tết off until Sun 02/02 -> Mon 03/02/2025."""
    r = due_datetime(datetime(2025, 1, 24, 8, 45), 1, cal)
    assert r.due_at == datetime(2025, 2, 3, 8, 0)
    assert len(r.skipped) == 9


def test_gio_to_2026_substitute_day(cal: WorkCalendar) -> None:
    """Fri 24/04/2026: Sun 26/04 Giỗ Tổ, Mon 27/04 substitute -> Tue 28/04."""
    r = due_datetime(datetime(2026, 4, 24, 14, 0), 1, cal)
    assert r.due_at == datetime(2026, 4, 28, 14, 0)


@settings(max_examples=120, deadline=None)
@given(
    received=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 11, 30)),
    n=st.integers(min_value=0, max_value=30),
    unit=st.sampled_from(list(TimeUnit)),
    makeup=st.booleans(),
    rounding=st.sampled_from(["hour", "minute"]),
)
def test_due_date_properties(
    received: datetime, n: int, unit: TimeUnit, makeup: bool, rounding: str
) -> None:
    c = WorkCalendar(schedule_days(), makeup_days_count=makeup)
    r = due_datetime(received, n, c, unit=unit, rounding=rounding)
    hours = OfficeHours()
    assert r.effective_start >= received
    assert c.is_working_day(r.effective_start.date())
    assert hours.is_open(r.effective_start.time())
    assert r.start_shifted is (r.effective_start != received)
    assert r.due_at >= r.effective_start
    if unit is not TimeUnit.HOURS:
        assert c.is_working_day(r.due_at.date())
        assert all(not c.is_working_day(s.day) for s in r.skipped)
    if unit is TimeUnit.WORKING_DAYS and n > 0:
        assert r.due_at.date() == c.add_working_days(r.effective_start.date(), n)
        assert c.working_days_between(r.effective_start.date(), r.due_at.date()) == n
        assert r.counted_days[-1] == r.due_at.date()
        assert r.due_at.minute == 0 or rounding == "minute"
    if unit is TimeUnit.SAME_DAY or (unit is not TimeUnit.HOURS and n == 0):
        assert r.due_at.time() == time(17, 0)
        assert r.cutoff_applied is (r.effective_start.time() >= time(15, 0))
