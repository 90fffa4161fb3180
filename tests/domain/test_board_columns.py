"""The column-by-column board snapshot against the row-by-row computation it replaced: same
rows, order, counts, procedures, and the same result for every filter and sort (hypothesis),
and the incremental merge against a merge by id in a dict."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, timezone
from operator import itemgetter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua_desk.domain.board import (
    NO_DUE,
    OPEN_STATUSES,
    BoardFilter,
    BoardRow,
    BoardRows,
    BoardSnapshot,
    OpenColumns,
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
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ICT)
NOW_TS = int(NOW.timestamp())
PROCEDURES = {"1.001193": "Đăng ký khai sinh", "2.000908": "Chứng thực bản sao", "9.1": ""}
WORDS = ("Nguyễn", "Thị", "Thu", "Hằng", "Lê", "Văn", "Đức", "Trần", "Bảo", "An", "hoa")

# -- the row-by-row computation the board used before the columns (kept as the reference) ----

_OLD_SORT: dict[SortKey, Callable[[BoardRow], Any]] = {
    SortKey.URGENCY: itemgetter(10, 0),  # rank, id
    SortKey.DUE: itemgetter(6, 0),
    SortKey.RECEIVED: itemgetter(7, 0),
    SortKey.CODE: itemgetter(1),
}


def reference_rows(records: Sequence[OpenDossier], near_due_days: int) -> tuple[BoardRow, ...]:
    cuts = thresholds(NOW, WorkCalendar(), near_due_days)
    return tuple(sorted(classify_all(records, cuts), key=itemgetter(10, 0)))


def reference_filter(rows: tuple[BoardRow, ...], flt: BoardFilter) -> tuple[BoardRow, ...]:
    out = list(rows)
    if flt.urgencies:
        out = [r for r in out if r.urgency in flt.urgencies]
    if flt.statuses:
        out = [r for r in out if r.status in flt.statuses]
    if flt.procedure_code:
        out = [r for r in out if r.procedure_code == flt.procedure_code]
    for term in search_key(flt.text).split():
        out = [r for r in out if term in r.haystack]
    if flt.sort is SortKey.URGENCY and not flt.descending:
        return tuple(out)
    return tuple(sorted(out, key=_OLD_SORT[flt.sort], reverse=flt.descending))


# -- strategies -----------------------------------------------------------------------------

names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
codes = st.text(alphabet="AĐ0123-", min_size=1, max_size=4)  # duplicates are likely
due_times = st.one_of(
    st.just(NO_DUE),
    st.integers(NOW_TS - 20 * 86400, NOW_TS + 20 * 86400),  # whole seconds, as storage reads
    st.floats(NOW_TS - 5 * 86400, NOW_TS + 5 * 86400),  # fractions, as tests build them
    st.sampled_from([NOW_TS, NOW_TS - 36000, NOW_TS + 50400]),  # ties, cut points
)


@st.composite
def records(draw: st.DrawFn, min_size: int = 0, max_size: int = 40) -> list[OpenDossier]:
    ids = draw(st.sets(st.integers(1, 10**6), min_size=min_size, max_size=max_size))
    out = []
    for id_ in ids:
        code, name = draw(codes), draw(names)
        p_code = draw(st.sampled_from(sorted(PROCEDURES)))
        id_number = draw(st.text(alphabet="0123456789", max_size=12))
        out.append(
            OpenDossier(
                id_,
                code,
                name,
                p_code,
                PROCEDURES[p_code],
                draw(st.sampled_from(sorted(OPEN_STATUSES))),
                draw(due_times),
                draw(st.integers(NOW_TS - 60 * 86400, NOW_TS)),
                haystack(code, search_key(name), id_number, ""),
            )
        )
    return out


filters = st.builds(
    BoardFilter,
    urgencies=st.frozensets(st.sampled_from(list(Urgency))),
    statuses=st.frozensets(st.sampled_from(sorted(OPEN_STATUSES))),
    procedure_code=st.sampled_from(["", *sorted(PROCEDURES), "0.000"]),
    text=st.one_of(
        st.just(""),
        st.lists(st.sampled_from([*WORDS, "thu hang", "a", "0", "-", "đ"]), max_size=2).map(
            " ".join
        ),
        st.text(max_size=6),
    ),
    sort=st.sampled_from(list(SortKey)),
    descending=st.booleans(),
)


def columns_of(recs: Sequence[OpenDossier], chunk: int = 7) -> OpenColumns:
    """As storage hands them over: records (status as int, procedure name last) in chunks,
    in any order."""
    raw = [
        (*r[:4], int(r.status), None if r.due_ts == NO_DUE else r.due_ts, *r[7:], r[4])
        for r in recs
    ]
    random.Random(len(recs)).shuffle(raw)
    return OpenColumns.from_chunks([raw[i : i + chunk] for i in range(0, len(raw), chunk)])


# -- the tests ------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(recs=records(), near_due_days=st.integers(0, 4), flts=st.lists(filters, max_size=6))
def test_columnar_snapshot_equals_the_row_by_row_board(
    recs: list[OpenDossier], near_due_days: int, flts: list[BoardFilter]
) -> None:
    expected = reference_rows(recs, near_due_days)
    cuts = thresholds(NOW, WorkCalendar(), near_due_days)
    snap = BoardSnapshot.classify(columns_of(recs), cuts, NOW)
    assert tuple(snap.rows) == expected
    assert snap.rows == expected and len(snap) == len(expected)
    assert snap.counts == {u: sum(r.urgency is u for r in expected) for u in Urgency}
    assert snap.procedures == {r.procedure_code: r.procedure_name for r in expected}
    from_rows = BoardSnapshot.of(classify_all(recs, cuts), NOW)  # the same from rows
    assert tuple(from_rows.rows) == expected
    for flt in flts:  # twice each: the second time from the cached order
        for _ in range(2):
            assert tuple(apply_filter(snap, flt)) == reference_filter(expected, flt), flt
        assert tuple(apply_filter(from_rows, flt)) == reference_filter(expected, flt), flt


@settings(max_examples=150, deadline=None)
@given(
    before=records(),
    changed=records(max_size=12),
    data=st.data(),
)
def test_merge_equals_a_merge_by_id(
    before: list[OpenDossier], changed: list[OpenDossier], data: st.DataObject
) -> None:
    known = [r.id for r in before]
    # Some changes are to known dossiers (same id, new content), some gone, some new.
    if known:
        reuse = data.draw(st.lists(st.sampled_from(known), max_size=len(changed), unique=True))
        changed = [r._replace(id=i) for r, i in zip(changed, reuse, strict=False)] + changed[
            len(reuse) :
        ]
        unique = {}
        for r in changed:
            unique.setdefault(r.id, r)
        changed = list(unique.values())
    gone = data.draw(st.lists(st.sampled_from(known or [0]), max_size=5)) + [10**7]
    by_id = {r.id: r for r in before}
    for g in gone:
        by_id.pop(g, None)
    by_id.update((r.id, r) for r in changed if r.id not in gone)
    expected = [by_id[i] for i in sorted(by_id)]

    merged = columns_of(before).merged(columns_of([r for r in changed if r.id not in gone]), gone)
    assert list(merged.ids) == sorted(by_id)
    got = [merged.record(i) for i in range(len(merged))]
    want = [(*r[:4], int(r[5]), *r[6:], r[4]) for r in expected]
    assert got == want
    for code in set(merged.procedure_codes):
        assert merged.procedure_names[code] == PROCEDURES[code]


def test_no_due_date_reads_as_never_due_and_sorts_last() -> None:
    base = NOW_TS - 86400
    raw = [
        (3, "C", "Lê Thu", "9.1", int(Status.RECEIVED), None, base, "c", "Thủ tục"),
        (1, "A", "Lê Hoa", "9.1", int(Status.RECEIVED), base, base, "a", "Thủ tục cũ"),
        (2, "B", "Võ An", "9.1", int(Status.PROCESSED), base + 60, base, "b", "Thủ tục"),
    ]
    cols = OpenColumns.from_chunks([raw[:1], [], raw[1:]])  # the last name read is kept
    assert list(cols.ids) == [1, 2, 3] and cols.due[2] == NO_DUE
    snap = BoardSnapshot.classify(cols, thresholds(NOW, WorkCalendar(), 2), NOW)
    assert [(r.id, r.urgency) for r in snap.rows] == [
        (1, Urgency.OVERDUE),
        (2, Urgency.READY),
        (3, Urgency.ON_TRACK),
    ]
    row = snap.rows[2]
    assert row.due_at is None and row.status is Status.RECEIVED
    assert row.received_at == datetime.fromtimestamp(base, UTC)
    assert row.procedure_name == "Thủ tục"
    due = apply_filter(snap, BoardFilter(sort=SortKey.DUE))
    assert [r.id for r in due] == [1, 2, 3]
    assert [r.id for r in apply_filter(snap, BoardFilter(sort=SortKey.DUE, descending=True))] == [
        3,
        2,
        1,
    ]


def test_rows_are_positions_not_copies() -> None:
    """A filtered view holds positions into the snapshot's columns; rows are made on demand
    and compare equal to any sequence of the same rows."""
    raw = [(i, f"M{i}", "Lê Hoa", "9.1", 2, NOW_TS + i, NOW_TS, f"m{i}", "") for i in range(1, 6)]
    snap = BoardSnapshot.classify(
        OpenColumns.from_chunks([raw]), thresholds(NOW, WorkCalendar(), 0), NOW
    )
    rows = apply_filter(snap, BoardFilter(text="m3"))
    assert isinstance(rows, BoardRows) and rows.snapshot is snap and list(rows.positions) == [2]
    assert rows == [snap.row(2)] and rows != [] and rows[0].code == "M3"
    assert rows[0:1] == rows and BoardRows.of(rows) is rows
    assert apply_filter(snap, BoardFilter(text="không có")) == ()
    assert BoardRows.of(tuple(snap.rows)[::-1]) == tuple(snap.rows)[::-1]
