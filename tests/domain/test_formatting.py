"""One formatter for dates, times and money (issue 12 §4)."""

from __future__ import annotations

from datetime import date, datetime, time

from hypothesis import given
from hypothesis import strategies as st

from motcua_desk.domain import formatting as fmt


def test_vietnamese_forms() -> None:
    assert fmt.format_date(date(2026, 2, 3)) == "03/02/2026"
    assert fmt.format_time(time(7, 5)) == "07:05"
    assert fmt.format_datetime(datetime(2026, 2, 3, 14, 30)) == "03/02/2026 14:30"
    assert fmt.format_moment(datetime(2026, 2, 3, 14, 30)) == "14:30 ngày 03/02/2026"
    assert fmt.format_money(75000) == "75.000 đồng"
    assert fmt.format_number(1234567) == "1.234.567"
    assert fmt.format_date(None) == fmt.format_datetime(None) == "—"


@given(st.dates(min_value=date(1, 1, 1)))
def test_iso_day_round_trips(day: date) -> None:
    text = fmt.format_iso_day(day.isoformat())
    assert datetime.strptime(text, "%d/%m/%Y").date() == day


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x1EF9), max_size=200))
def test_iso_day_leaves_other_text_alone(text: str) -> None:
    out = fmt.format_iso_day(text)
    assert out == text or out.count("/") == 2
