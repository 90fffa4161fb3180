"""How dates, times and money are written for the clerk and on the forms (one place).

Vietnamese usage: ``15/06/1995``, ``14:30``, ``75.000 đồng``. Values are formatted as given:
callers holding a stored (UTC) time convert it to office time first
(``services.clock.to_local``; the UI's ``strings.format_datetime`` does both).
"""

from __future__ import annotations

from datetime import date, datetime, time

DASH = "—"


def format_date(value: date | datetime | None) -> str:
    """``dd/mm/yyyy``; "—" when absent."""
    if value is None:
        return DASH
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_time(value: time | datetime | None) -> str:
    """``HH:MM``; "—" when absent."""
    return DASH if value is None else f"{value.hour:02d}:{value.minute:02d}"


def format_datetime(value: datetime | None) -> str:
    """``dd/mm/yyyy HH:MM``; "—" when absent."""
    return DASH if value is None else f"{format_date(value)} {format_time(value)}"


def format_moment(value: datetime | None) -> str:
    """``HH:MM ngày dd/mm/yyyy``, as a sentence says it."""
    return DASH if value is None else f"{format_time(value)} ngày {format_date(value)}"


def format_iso_day(value: object) -> str:
    """An ISO day (``2026-02-12``, as error data carry it) as ``12/02/2026``; else unchanged."""
    text = str(value)
    try:
        return format_date(date.fromisoformat(text[:10])) if len(text) >= 10 else text
    except ValueError:
        return text


def format_number(value: int) -> str:
    """Thousands grouped with dots: ``1.234.567``."""
    return f"{value:,}".replace(",", ".")


def format_money(amount_vnd: int) -> str:
    """``75.000 đồng``."""
    return f"{format_number(amount_vnd)} đồng"
