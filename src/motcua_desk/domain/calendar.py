"""Working-day calendar and due dates: the public face of the deadline rules.

Implementation lives in :mod:`.workcalendar` (the calendar itself) and :mod:`.deadlines`
(due dates, supplement, apology and extension rules); import from here.
See ``docs/domain-api.md`` and docs/domain.md §2-§4.
"""

from __future__ import annotations

from .deadlines import (
    DEFAULT_CUTOFF,
    DueDate,
    apology_latest_date,
    check_extension,
    due_datetime,
    effective_receipt,
    pause_after_supplement,
    restart_after_supplement,
    supplement_request_deadline,
)
from .procedure import TimeUnit
from .workcalendar import (
    CalendarDay,
    DayKind,
    OfficeHours,
    SkippedDay,
    SkipReason,
    WorkCalendar,
)

__all__ = [
    "DEFAULT_CUTOFF",
    "CalendarDay",
    "DayKind",
    "DueDate",
    "OfficeHours",
    "SkipReason",
    "SkippedDay",
    "TimeUnit",
    "WorkCalendar",
    "apology_latest_date",
    "check_extension",
    "due_datetime",
    "effective_receipt",
    "pause_after_supplement",
    "restart_after_supplement",
    "supplement_request_deadline",
]
