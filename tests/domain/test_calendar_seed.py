"""Calendar seeding from the holidays package and the bundled overrides (docs/domain.md §4)."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from motcua_desk.config import Settings
from motcua_desk.domain.calendar import CalendarDay, DayKind, OfficeHours, TimeUnit, due_datetime
from motcua_desk.services.calendar_seed import (
    CalendarSeedError,
    OverrideTable,
    build_calendar,
    due_with_settings,
    load_overrides,
    office_hours_from,
    package_days,
    parse_overrides,
    seed_days,
)

from .conftest import SCHEDULE

GOOD: dict[str, Any] = {
    "schema": 1,
    "version": "test",
    "years": [2026],
    "days": [
        {"date": "2026-08-22", "kind": "makeup_workday", "name": "Làm bù"},
        {"date": "2026-08-31", "kind": "substitute_day_off", "name": "Nghỉ bù"},
    ],
}


def test_bundled_overrides_match_domain_table() -> None:
    table = load_overrides()
    assert table.years == frozenset({2025, 2026})
    assert [(e.day, e.kind) for e in table.days] == sorted(SCHEDULE)
    assert all(e.name for e in table.days)


def test_seed_2025_2026_is_the_official_schedule() -> None:
    days = seed_days([2025, 2026])
    assert [(e.day, e.kind) for e in days] == sorted(SCHEDULE)
    names = {e.day: e.name for e in days}
    assert names[date(2026, 8, 22)].startswith("Làm bù")


def test_package_differs_as_documented() -> None:
    """What the holidays package gets wrong or leaves out for 2025-2026 (pinned version)."""
    pkg = {e.day for e in package_days([2025, 2026])}
    official = {d for d, _ in SCHEDULE}
    assert pkg - official == {date(2025, 2, 1), date(2026, 11, 24)}
    assert official - pkg == {date(2025, 4, 26), date(2026, 8, 22)}  # make-up Saturdays


def test_unapproved_year_falls_back_to_package() -> None:
    days = seed_days([2026, 2027])
    y2027 = [e for e in days if e.day.year == 2027]
    assert date(2027, 2, 6) in {e.day for e in y2027}  # mùng 1 Tết 2027 (computed)
    assert all(e.kind is DayKind.HOLIDAY for e in y2027)
    assert date(2026, 11, 24) not in {e.day for e in days}


def test_overrides_win_over_package() -> None:
    table = OverrideTable(
        "t", frozenset(), (CalendarDay(date(2027, 1, 1), DayKind.SUBSTITUTE_DAY_OFF, "x"),)
    )
    days = {e.day: e for e in seed_days([2027], table)}
    assert days[date(2027, 1, 1)].kind is DayKind.SUBSTITUTE_DAY_OFF
    assert date(2027, 4, 16) in days


def test_build_calendar_uses_settings() -> None:
    days = seed_days([2026])
    on = build_calendar(days, Settings())
    off = build_calendar(days, Settings(makeup_days_count=False, saturdays_count=True))
    received = datetime(2026, 8, 20, 9, 0)
    assert due_datetime(received, 3, on).due_at == datetime(2026, 8, 24, 9, 0)
    assert not off.makeup_days_count
    assert off.saturdays_count
    assert on.years_covered == frozenset({2026})
    assert build_calendar(days, Settings(), version="v7").version == "v7"


def test_parse_good_document() -> None:
    table = parse_overrides(GOOD)
    assert table.version == "test"
    assert table.days[0] == CalendarDay(date(2026, 8, 22), DayKind.MAKEUP_WORKDAY, "Làm bù")


def _mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(GOOD)
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ([], "not_object"),
        ("text", "not_object"),
        (_mutate(("extra",), 1), "top_keys"),
        (_mutate(("years",), _DELETE), "top_keys"),
        (_mutate(("schema",), 2), "schema"),
        (_mutate(("schema",), True), "schema"),
        (_mutate(("version",), ""), "bad_version"),
        (_mutate(("source",), 5), "bad_text"),
        (_mutate(("years",), ["2026"]), "bad_years"),
        (_mutate(("years",), [True]), "bad_years"),
        (_mutate(("days",), {}), "days_not_list"),
        (_mutate(("days", 0), "2026-08-22"), "day_not_object"),
        (_mutate(("days", 0, "extra"), 1), "day_keys"),
        (_mutate(("days", 0, "name"), _DELETE), "day_keys"),
        (_mutate(("days", 0, "date"), "22/08/2026"), "bad_date"),
        (_mutate(("days", 0, "date"), "20260822"), "bad_date"),
        (_mutate(("days", 0, "date"), "2026-02-30"), "bad_date"),
        (_mutate(("days", 0, "date"), 20260822), "bad_date"),
        (_mutate(("days", 0, "kind"), "HOLIDAY"), "bad_kind"),
        (_mutate(("days", 0, "name"), "  "), "bad_name"),
        (_mutate(("days", 0, "name"), None), "bad_name"),
        (_mutate(("days", 0, "date"), "2026-08-20"), "makeup_on_weekday"),
        (_mutate(("days", 1, "date"), "2026-08-22"), "duplicate_day"),
        (_mutate(("days", 1, "date"), "2025-08-29"), "year_not_listed"),
    ],
)
def test_malformed_documents(doc: Any, reason: str) -> None:
    with pytest.raises(CalendarSeedError) as exc:
        parse_overrides(doc)
    assert exc.value.data["reason"] == reason
    assert exc.value.code == "calendar_seed_error"


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(CalendarSeedError) as exc:
        load_overrides(tmp_path / "absent.json")
    assert exc.value.data["reason"] == "missing"
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": 1,', encoding="utf-8")
    with pytest.raises(CalendarSeedError) as exc:
        load_overrides(broken)
    assert exc.value.data["reason"] == "json"
    latin = tmp_path / "latin.json"
    latin.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(CalendarSeedError) as exc:
        load_overrides(latin)
    assert exc.value.data["reason"] in {"unreadable", "json"}
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
    assert load_overrides(good).years == frozenset({2026})


def test_due_with_settings() -> None:
    cal = build_calendar(seed_days([2026]), Settings())
    th = Settings(
        morning_open=time(7, 0),
        cutoff=time(16, 0),
        due_time_rounding="minute",
        cutoff_shifts_multiday=True,
    )
    assert office_hours_from(th) == OfficeHours(morning_open=time(7, 0))
    # 15:30 is before the 16:00 cut-off: same day, and no multi-day shift.
    same = due_with_settings(datetime(2026, 3, 2, 15, 30), 0, cal, th, unit=TimeUnit.SAME_DAY)
    assert same.due_at == datetime(2026, 3, 2, 17, 0)
    multi = due_with_settings(datetime(2026, 3, 2, 16, 10), 2, cal, th)
    assert multi.due_at == datetime(2026, 3, 5, 16, 10)
    default = due_with_settings(datetime(2026, 3, 2, 16, 10), 2, cal, Settings())
    assert default.due_at == datetime(2026, 3, 4, 16, 0)
    early = due_with_settings(datetime(2026, 3, 2, 7, 10), 1, cal, th)
    assert early.effective_start == datetime(2026, 3, 2, 7, 10)
