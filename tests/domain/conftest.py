"""Fixtures for domain tests: the 2025-2026 public-sector schedule of docs/domain.md §4, by hand.

The table is typed here independently of ``resources/seed/calendar_overrides.json`` so that a
mistake in the seed file shows up as a disagreement (see ``test_calendar_seed.py``).
"""

from __future__ import annotations

from datetime import date

import pytest

from motcua_desk.domain.calendar import CalendarDay, DayKind, WorkCalendar

H = DayKind.HOLIDAY
S = DayKind.SUBSTITUTE_DAY_OFF
M = DayKind.MAKEUP_WORKDAY

SCHEDULE: tuple[tuple[date, DayKind], ...] = (
    # 2025
    (date(2025, 1, 1), H),
    *((date(2025, 1, d), H) for d in range(27, 32)),
    (date(2025, 4, 7), H),
    (date(2025, 4, 26), M),
    (date(2025, 4, 30), H),
    (date(2025, 5, 1), H),
    (date(2025, 5, 2), S),
    (date(2025, 9, 1), H),
    (date(2025, 9, 2), H),
    # 2026
    (date(2026, 1, 1), H),
    *((date(2026, 2, d), H) for d in range(16, 21)),
    (date(2026, 4, 26), H),
    (date(2026, 4, 27), S),
    (date(2026, 4, 30), H),
    (date(2026, 5, 1), H),
    (date(2026, 8, 22), M),
    (date(2026, 8, 31), S),
    (date(2026, 9, 1), H),
    (date(2026, 9, 2), H),
)


def schedule_days() -> list[CalendarDay]:
    return [CalendarDay(d, k, f"entry {d.isoformat()}") for d, k in SCHEDULE]


@pytest.fixture
def cal() -> WorkCalendar:
    """The official 2025-2026 calendar, make-up days counted."""
    return WorkCalendar(schedule_days())


@pytest.fixture
def cal_no_makeup() -> WorkCalendar:
    """The same calendar with make-up Saturdays not counted."""
    return WorkCalendar(schedule_days(), makeup_days_count=False)
