"""Office time.

Vietnam keeps UTC+7 all year, so the office zone is a fixed offset (no tz database needed on
Windows). Dossier times are aware datetimes; storage keeps UTC. Day arithmetic (deadlines, the
date part of dossier codes) always works on the office-local date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

OFFICE_TZ = timezone(timedelta(hours=7), "ICT")


def local_now() -> datetime:
    """Current office time, aware, to the second."""
    return datetime.now(OFFICE_TZ).replace(microsecond=0)


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_local(value: datetime) -> datetime:
    """``value`` as aware office time (naive values are taken as office time already)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=OFFICE_TZ)
    return value.astimezone(OFFICE_TZ)


def local_naive(value: datetime) -> datetime:
    """Office wall-clock time without tzinfo, for the pure calendar rules."""
    return to_local(value).replace(tzinfo=None)


def local_date(value: datetime) -> date:
    return to_local(value).date()


def office_midnight(day: date) -> datetime:
    """00:00 office time of ``day`` (aware)."""
    return datetime.combine(day, time(0), tzinfo=OFFICE_TZ)


def office_days_utc(first: date, last: date) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of the office dates ``first`` .. ``last`` inclusive."""
    return (
        office_midnight(first).astimezone(UTC),
        office_midnight(last + timedelta(days=1)).astimezone(UTC),
    )
