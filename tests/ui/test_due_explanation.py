"""The due date the intake screen shows, and why (skipped days), from the real domain rules."""

from __future__ import annotations

from datetime import date, datetime

from motcua_desk.config import Settings
from motcua_desk.domain.calendar import due_datetime
from motcua_desk.services.calendar_seed import build_calendar, seed_days
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.ui.screens.intake import form


def _calendar():  # type: ignore[no-untyped-def]
    return build_calendar(seed_days([2026]), Settings())


def test_across_tet_lists_the_days_not_counted() -> None:
    due = due_datetime(datetime(2026, 2, 12, 10, 15, tzinfo=OFFICE_TZ), 5, _calendar())
    assert form.format_due(due) == "Vào lúc 10 giờ 00 phút, ngày 26/02/2026"
    text = form.explain_due(due)
    assert text.startswith(
        "Không tính: 14/02 (nghỉ cuối tuần); 15/02 (nghỉ cuối tuần); 16/02 (nghỉ lễ"
    )
    assert "22/02 (nghỉ cuối tuần)" in text
    assert "Nhận sau 15 giờ" not in text


def test_cutoff_and_out_of_hours_are_explained() -> None:
    late = due_datetime(datetime(2026, 2, 13, 15, 20, tzinfo=OFFICE_TZ), 0, _calendar())
    assert form.format_due(late) == "Vào lúc 17 giờ 00 phút, ngày 23/02/2026"
    assert "Nhận sau 15 giờ: hẹn trả vào ngày làm việc tiếp theo." in form.explain_due(late)
    evening = due_datetime(datetime(2026, 3, 2, 19, 0, tzinfo=OFFICE_TZ), 1, _calendar())
    assert form.explain_due(evening).startswith(
        "Nhận ngoài giờ làm việc: tính từ 07 giờ 30 phút ngày 03/03/2026."
    )


def test_utc_times_are_shown_in_office_time() -> None:
    from datetime import UTC

    assert form.format_due(datetime(2026, 2, 26, 3, 0, tzinfo=UTC)) == (
        "Vào lúc 10 giờ 00 phút, ngày 26/02/2026"
    )
    assert form.explain_due(datetime(2026, 2, 26, 3, 0, tzinfo=UTC)) == ""
    assert form.format_due(date(2026, 2, 26)) == "26/02/2026"
