"""Working-day calendar and due dates: the public face of the deadline rules.

Implementation lives in :mod:`.workcalendar` (the calendar itself) and :mod:`.deadlines`
(due dates, supplement, apology and extension rules); import from here.
See ``docs/domain-api.md`` and NĐ 61/2018 Art. 15–22, Bộ luật Dân sự 2015 Art. 147–148, Bộ luật Lao động 2019 Art. 111–112.
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
