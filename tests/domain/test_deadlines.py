"""Supplement, apology and extension rules (docs/domain.md §2.5, §2.7; §4 examples 7 and 8)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from motcua_desk.domain.calendar import (
    WorkCalendar,
    apology_latest_date,
    check_extension,
    pause_after_supplement,
    restart_after_supplement,
    supplement_request_deadline,
)
from motcua_desk.domain.errors import CalendarError, RuleViolationError


def test_example_7_supplement_request_deadline(cal: WorkCalendar) -> None:
    """Received Wed 29/04/2026: Mẫu 02 by Wed 06/05/2026 (30/04, 01/05 holidays)."""
    assert supplement_request_deadline(datetime(2026, 4, 29, 9, 0), cal) == date(2026, 5, 6)
    assert supplement_request_deadline(datetime(2026, 4, 29, 9, 0), cal, 1) == date(2026, 5, 4)


def test_example_7_restart_after_supplement(cal: WorkCalendar) -> None:
    """Complete Mon 11/05/2026 09:10, 5 working days: due Mon 18/05/2026 after 09:00."""
    r = restart_after_supplement(datetime(2026, 5, 11, 9, 10), 5, cal)
    assert r.due_at == datetime(2026, 5, 18, 9, 0)
    assert r.counted_days[0] == date(2026, 5, 12)


def test_pause_after_supplement(cal: WorkCalendar) -> None:
    """TH variant: old due + working days waited (request Mon 04/05, complete Mon 11/05)."""
    old_due = datetime(2026, 5, 8, 9, 0)
    new_due = pause_after_supplement(
        old_due, datetime(2026, 5, 4, 10, 0), datetime(2026, 5, 11, 9, 10), cal
    )
    # Waited 05,06,07,08,11/05 = 5 working days; 5 working days after Fri 08/05 = Fri 15/05.
    assert new_due == datetime(2026, 5, 15, 9, 0)


def test_pause_same_day_completion_keeps_due(cal: WorkCalendar) -> None:
    old_due = datetime(2026, 5, 8, 9, 0)
    assert (
        pause_after_supplement(
            old_due, datetime(2026, 5, 4, 9, 0), datetime(2026, 5, 4, 16, 0), cal
        )
        == old_due
    )


def test_pause_rejects_completion_before_request(cal: WorkCalendar) -> None:
    with pytest.raises(CalendarError):
        pause_after_supplement(
            datetime(2026, 5, 8, 9, 0), datetime(2026, 5, 5, 9, 0), datetime(2026, 5, 4, 9, 0), cal
        )


def test_example_8_apology_latest_date(cal: WorkCalendar) -> None:
    """Due Thu 26/02/2026: Mẫu 04 by Wed 25/02/2026."""
    assert apology_latest_date(datetime(2026, 2, 26, 10, 0), cal) == date(2026, 2, 25)
    # Due right after Tết: the last working day before it is Fri 13/02.
    assert apology_latest_date(datetime(2026, 2, 23, 10, 0), cal) == date(2026, 2, 13)


def test_first_extension_in_time_is_allowed(cal: WorkCalendar) -> None:
    check_extension(0, datetime(2026, 2, 26, 10), date(2026, 2, 25), datetime(2026, 3, 5, 10), cal)


@pytest.mark.parametrize(
    ("so_far", "today", "new_due", "code"),
    [
        (1, date(2026, 2, 20), datetime(2026, 3, 5, 10), "second_extension"),
        (2, date(2026, 2, 20), datetime(2026, 3, 5, 10), "second_extension"),
        (0, date(2026, 2, 26), datetime(2026, 3, 5, 10), "apology_too_late"),
        (0, date(2026, 3, 1), datetime(2026, 3, 5, 10), "apology_too_late"),
        (0, date(2026, 2, 24), datetime(2026, 2, 26, 10), "new_due_not_later"),
        (0, date(2026, 2, 24), datetime(2026, 2, 25, 10), "new_due_not_later"),
    ],
)
def test_extension_violations(
    cal: WorkCalendar, so_far: int, today: date, new_due: datetime, code: str
) -> None:
    with pytest.raises(RuleViolationError) as exc:
        check_extension(so_far, datetime(2026, 2, 26, 10), today, new_due, cal)
    assert exc.value.code == code
    assert exc.value.data["rule"] == code
    assert isinstance(exc.value, RuleViolationError)
