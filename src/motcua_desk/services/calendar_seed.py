"""Seed the working-day calendar: the ``holidays`` package plus bundled overrides (Bộ luật Lao động 2019 Art. 111–112).

The ``holidays`` package ("VN") knows the lunar dates and the announced swaps, but not the
make-up Saturdays, and it adds days whose status is uncertain (24/11 from 2026). The
bundled ``resources/seed/calendar_overrides.json`` holds the approved public-sector schedule;
for the years it lists it is authoritative, and the package only fills in other years.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from motcua_desk.config import Settings
from motcua_desk.domain.calendar import (
    CalendarDay,
    DayKind,
    DueDate,
    OfficeHours,
    TimeUnit,
    WorkCalendar,
    due_datetime,
)
from motcua_desk.domain.errors import DomainError
from motcua_desk.domain.nesting import NestingTooDeepError, check_nesting
from motcua_desk.domain.text import normalize
from motcua_desk.resources import seed_dir

OVERRIDES_FILE = "calendar_overrides.json"
SCHEMA_VERSION = 1
_TOP_KEYS = {"schema", "version", "source", "notes", "years", "days"}
_REQUIRED_TOP = {"schema", "version", "years", "days"}
_DAY_KEYS = {"date", "kind", "name"}
_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KINDS = {k.value: k for k in DayKind}


class CalendarSeedError(DomainError):
    """The overrides file is missing or malformed; ``data['reason']`` and ``path`` say where."""

    code = "calendar_seed_error"


@dataclass(frozen=True)
class OverrideTable:
    """The approved schedule: ``years`` are complete, ``days`` their entries."""

    version: str
    years: frozenset[int]
    days: tuple[CalendarDay, ...]


def _fail(reason: str, **data: Any) -> CalendarSeedError:
    return CalendarSeedError(reason=reason, **data)


def _parse_day(raw: Any, index: int) -> CalendarDay:
    where = f"days[{index}]"
    if not isinstance(raw, dict):
        raise _fail("day_not_object", path=where)
    keys = set(raw)
    if keys != _DAY_KEYS:
        raise _fail("day_keys", path=where, keys=sorted(str(k) for k in keys ^ _DAY_KEYS))
    text = raw["date"]
    if not isinstance(text, str) or not _ISO_DATE_RE.match(text):
        raise _fail("bad_date", path=where, value=repr(text))
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise _fail("bad_date", path=where, value=text) from exc
    kind = raw["kind"]
    if not isinstance(kind, str) or kind not in _KINDS:
        raise _fail("bad_kind", path=where, value=repr(kind))
    name = raw["name"]
    if not isinstance(name, str) or not normalize(name):
        raise _fail("bad_name", path=where, value=repr(name))
    entry = CalendarDay(day, _KINDS[kind], normalize(name))
    if entry.kind is DayKind.MAKEUP_WORKDAY and day.weekday() < 5:
        raise _fail("makeup_on_weekday", path=where, value=text)
    return entry


def parse_overrides(raw: Any) -> OverrideTable:
    """Validate a parsed overrides document strictly (unknown keys are errors)."""
    if not isinstance(raw, dict):
        raise _fail("not_object", path="$")
    keys = set(raw)
    if not keys >= _REQUIRED_TOP or not keys <= _TOP_KEYS:
        raise _fail(
            "top_keys",
            path="$",
            missing=sorted(_REQUIRED_TOP - keys),
            unknown=sorted(str(k) for k in keys - _TOP_KEYS),
        )
    if raw["schema"] != SCHEMA_VERSION or isinstance(raw["schema"], bool):
        raise _fail("schema", path="schema", value=repr(raw["schema"]))
    version = raw["version"]
    if not isinstance(version, str) or not version.strip():
        raise _fail("bad_version", path="version")
    for key in ("source", "notes"):
        if key in raw and not isinstance(raw[key], str):
            raise _fail("bad_text", path=key)
    years_raw = raw["years"]
    if not isinstance(years_raw, list) or not all(
        isinstance(y, int) and not isinstance(y, bool) and 1900 <= y <= 2200 for y in years_raw
    ):
        raise _fail("bad_years", path="years")
    years = frozenset(years_raw)
    days_raw = raw["days"]
    if not isinstance(days_raw, list):
        raise _fail("days_not_list", path="days")
    days = [_parse_day(item, i) for i, item in enumerate(days_raw)]
    seen: set[date] = set()
    for i, entry in enumerate(days):
        if entry.day in seen:
            raise _fail("duplicate_day", path=f"days[{i}]", value=entry.day.isoformat())
        seen.add(entry.day)
        if entry.day.year not in years:
            raise _fail("year_not_listed", path=f"days[{i}]", value=entry.day.isoformat())
    return OverrideTable(version.strip(), years, tuple(sorted(days, key=lambda e: e.day)))


def load_overrides(path: Path | None = None) -> OverrideTable:
    """Read and validate the overrides file (default: the bundled seed)."""
    file = path if path is not None else seed_dir() / OVERRIDES_FILE
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise _fail("missing", path=str(file)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail("unreadable", path=str(file), error=type(exc).__name__) from exc
    try:
        check_nesting(text)  # before the parser (issue 14 §6)
        raw = json.loads(text)
    except NestingTooDeepError as exc:
        raise _fail("nesting_too_deep", path=str(file)) from exc
    except json.JSONDecodeError as exc:
        raise _fail("json", path=str(file), line=exc.lineno, column=exc.colno) from exc
    return parse_overrides(raw)


def package_days(years: Iterable[int]) -> list[CalendarDay]:
    """Entries of the ``holidays`` package's Vietnamese calendar, all as HOLIDAY."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    import holidays  # loaded only when a year is seeded, not at every start

    table = holidays.country_holidays("VN", years=wanted, language="vi")
    return [
        CalendarDay(d, DayKind.HOLIDAY, normalize(str(name)))
        for d, name in sorted(table.items())
        if d.year in wanted
    ]


def seed_days(years: Iterable[int], overrides: OverrideTable | None = None) -> list[CalendarDay]:
    """Holiday table for ``years``: the package's entries merged with the overrides.

    Overrides win on every date; for years the overrides list as complete, package-only
    entries are dropped (e.g. 24/11/2026, whose status is uncertain).
    """
    wanted = set(years)
    table = overrides if overrides is not None else load_overrides()
    merged: dict[date, CalendarDay] = {
        e.day: e for e in package_days(wanted) if e.day.year not in table.years
    }
    merged.update({e.day: e for e in table.days if e.day.year in wanted})
    return [merged[d] for d in sorted(merged)]


def build_calendar(
    days: Iterable[CalendarDay], settings: Settings, *, version: str = ""
) -> WorkCalendar:
    """A :class:`WorkCalendar` with the unit's Saturday and make-up settings."""
    return WorkCalendar(
        days,
        saturdays_count=settings.saturdays_count,
        makeup_days_count=settings.makeup_days_count,
        version=version,
    )


def office_hours_from(settings: Settings) -> OfficeHours:
    """The unit's office hours (docs/operations.md)."""
    return OfficeHours(
        morning_open=settings.morning_open,
        morning_close=settings.morning_close,
        afternoon_open=settings.afternoon_open,
        afternoon_close=settings.afternoon_close,
    )


def due_with_settings(
    received_at: datetime,
    working_days: int,
    calendar: WorkCalendar,
    settings: Settings,
    *,
    unit: TimeUnit = TimeUnit.WORKING_DAYS,
) -> DueDate:
    """:func:`due_datetime` with cut-off, office hours and rounding taken from ``settings``."""
    return due_datetime(
        received_at,
        working_days,
        calendar,
        settings.cutoff,
        unit=unit,
        office_hours=office_hours_from(settings),
        cutoff_shifts_multiday=settings.cutoff_shifts_multiday,
        rounding=settings.due_time_rounding,
    )
