"""Status board: urgency at a moment, and the pure filter over a snapshot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from motcua_desk.domain.board import (
    NO_DUE,
    BoardFilter,
    BoardSnapshot,
    OpenDossier,
    SortKey,
    Urgency,
    apply_filter,
    classify_all,
    haystack,
    thresholds,
)
from motcua_desk.domain.calendar import WorkCalendar
from motcua_desk.domain.dossier import Status
from motcua_desk.domain.text import search_key

ICT = timezone(timedelta(hours=7))
CAL = WorkCalendar()
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ICT)  # Wednesday


def record(
    id_: int,
    due: datetime | None,
    status: Status = Status.PROCESSING,
    name: str = "Lê Thị Hoa",
    code: str | None = None,
    received: datetime | None = None,
) -> OpenDossier:
    code = code or f"H56-261125-{id_:04d}"
    rec = received or datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    return OpenDossier(
        id_,
        code,
        name,
        "1.001193",
        "Đăng ký khai sinh",
        status,
        NO_DUE if due is None else due.timestamp(),
        rec.timestamp(),
        haystack(code, search_key(name), f"0381950{id_:05d}", f"09120000{id_:02d}"),
    )


def test_thresholds_count_working_days_after_today() -> None:
    cuts = thresholds(NOW, CAL, near_due_days=2)
    assert cuts.today_end == datetime(2026, 11, 26, 0, 0, tzinfo=ICT)
    assert cuts.near_end == datetime(2026, 11, 28, 0, 0, tzinfo=ICT)  # Thu, Fri count
    friday = thresholds(datetime(2026, 11, 27, 9, 0, tzinfo=ICT), CAL, near_due_days=1)
    assert friday.near_end == datetime(2026, 12, 1, 0, 0, tzinfo=ICT)  # the weekend skipped
    with pytest.raises(ValueError):
        thresholds(NOW.replace(tzinfo=None), CAL, 2)


@pytest.mark.parametrize(
    ("due", "status", "expected"),
    [
        (datetime(2026, 11, 24, 23, 59, tzinfo=ICT), Status.PROCESSING, Urgency.OVERDUE),
        (NOW - timedelta(hours=2), Status.PROCESSING, Urgency.DUE_TODAY),  # runs to 24:00
        (NOW + timedelta(minutes=1), Status.RECEIVED, Urgency.DUE_TODAY),
        (datetime(2026, 11, 25, 23, 59, tzinfo=ICT), Status.PROCESSING, Urgency.DUE_TODAY),
        (datetime(2026, 11, 26, 0, 0, tzinfo=ICT), Status.PROCESSING, Urgency.NEAR_DUE),
        (datetime(2026, 11, 27, 17, 0, tzinfo=ICT), Status.PAYMENT_DUE, Urgency.NEAR_DUE),
        (datetime(2026, 11, 30, 8, 0, tzinfo=ICT), Status.PROCESSING, Urgency.ON_TRACK),
        (NOW - timedelta(days=3), Status.SUPPLEMENT, Urgency.SUPPLEMENT),  # clock stopped
        (NOW - timedelta(days=3), Status.PROCESSED, Urgency.READY),  # result waiting
        (None, Status.RECEIVED, Urgency.ON_TRACK),
    ],
)
def test_urgency(due: datetime | None, status: Status, expected: Urgency) -> None:
    cuts = thresholds(NOW, CAL, near_due_days=2)
    assert cuts.urgency(status, due) is expected
    (row,) = classify_all([record(1, due, status)], cuts)
    assert row.urgency is expected


def snapshot() -> BoardSnapshot:
    recs = [
        record(1, NOW + timedelta(days=10), name="Nguyễn Văn An"),
        record(2, NOW - timedelta(days=1), name="Trần Thị Thu Hằng"),
        record(3, NOW + timedelta(hours=2), name="Phạm Minh Đức"),
        record(4, NOW - timedelta(days=2), status=Status.SUPPLEMENT, name="Lê Thu Hà"),
        record(5, None, name="Đặng Quốc Bảo"),
        record(6, NOW - timedelta(days=5), name="Võ Thị Thu"),
    ]
    return BoardSnapshot.of(classify_all(recs, thresholds(NOW, CAL, 2)), taken_at=NOW)


def ids(rows: tuple) -> list[int]:  # type: ignore[type-arg]
    return [r.id for r in rows]


def test_snapshot_is_in_urgency_order_with_counts() -> None:
    snap = snapshot()
    assert ids(snap.rows) == [6, 2, 3, 4, 1, 5]  # overdue (oldest due first), today, ...
    assert snap.counts[Urgency.OVERDUE] == 2
    assert snap.counts[Urgency.ON_TRACK] == 2
    assert sum(snap.counts.values()) == 6
    assert apply_filter(snap, BoardFilter()) == snap.rows


def test_filters_combine_and_text_ignores_diacritics_and_case() -> None:
    snap = snapshot()
    over = apply_filter(snap, BoardFilter(urgencies=frozenset({Urgency.OVERDUE})))
    assert ids(over) == [6, 2]
    assert ids(apply_filter(snap, BoardFilter(text="thu"))) == [6, 2, 4]
    assert ids(apply_filter(snap, BoardFilter(text="THU hằng"))) == [2]
    assert ids(apply_filter(snap, BoardFilter(text="dang quoc"))) == [5]
    assert ids(apply_filter(snap, BoardFilter(text="h56-261125-0003"))) == [3]  # code
    assert ids(apply_filter(snap, BoardFilter(text="038195000004"))) == [4]  # ID number
    both = BoardFilter(text="thu", statuses=frozenset({Status.SUPPLEMENT}))
    assert ids(apply_filter(snap, both)) == [4]
    assert apply_filter(snap, BoardFilter(text="không có ai")) == ()
    assert apply_filter(snap, BoardFilter(procedure_code="9.999")) == ()


def test_sort_orders() -> None:
    snap = snapshot()
    due = apply_filter(snap, BoardFilter(sort=SortKey.DUE))
    assert ids(due) == [6, 4, 2, 3, 1, 5]  # no due date last
    assert ids(apply_filter(snap, BoardFilter(sort=SortKey.DUE, descending=True)))[0] == 5
    assert ids(apply_filter(snap, BoardFilter(sort=SortKey.CODE))) == [1, 2, 3, 4, 5, 6]
    assert ids(apply_filter(snap, BoardFilter(sort=SortKey.URGENCY, descending=True)))[0] == 5


def test_snapshot_rows_are_immutable() -> None:
    row = snapshot().rows[0]
    with pytest.raises(AttributeError):
        row.urgency = Urgency.ON_TRACK  # type: ignore[misc]
    assert row.received_at.date() == date(2026, 11, 20)
