"""The status board: open dossiers, how urgent each is, and a pure filter over a snapshot.

A snapshot is immutable and loaded once per refresh; filtering and sorting never go back to the
database, so a filter change costs only a pass over positions (issue 5: 100,000 dossiers,
filter change within 50 ms). It keeps its data column by column (:mod:`.board_columns`): a
snapshot is a few dozen Python objects whatever the number of dossiers, so building one on the
db lane leaves the garbage collector nothing to walk on the GUI thread (issue 12 §5).
"""

from __future__ import annotations

import enum
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from itertools import chain, compress, count, repeat
from operator import contains, eq, itemgetter
from typing import Any, NamedTuple, overload

from .board_columns import NO_DUE, OpenColumns
from .dossier import Status
from .text import search_key
from .workcalendar import WorkCalendar

__all__ = [
    "NO_DUE",
    "OPEN_STATUSES",
    "BoardFilter",
    "BoardRow",
    "BoardRows",
    "BoardSnapshot",
    "OpenColumns",
    "OpenDossier",
    "SortKey",
    "Thresholds",
    "Urgency",
    "apply_filter",
    "classify_all",
    "haystack",
    "thresholds",
]

#: Statuses shown on the board: the dossier is at the unit and the citizen has no result yet.
OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT_DUE, Status.PROCESSED}
)


class Urgency(enum.IntEnum):
    """Most urgent first; the value is the default sort order."""

    OVERDUE = 0  # quá hạn
    DUE_TODAY = 1  # đến hạn hôm nay
    NEAR_DUE = 2  # sắp đến hạn (within Settings.near_due_days working days)
    SUPPLEMENT = 3  # chờ bổ sung: the clock is stopped
    READY = 4  # có kết quả, chờ trả
    ON_TRACK = 5  # còn hạn


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Cut points: due before ``today_start`` is overdue, before ``today_end`` due today,
    before ``near_end`` near due. The legal period runs to 24:00 of the due date (Bộ luật Dân sự 2015 Art. 147–148
    ), so a dossier due at 09:00 today is due today, not overdue, at 10:00. Kept as POSIX timestamps too: comparing floats is twenty times
    cheaper than comparing aware datetimes, and the board classifies 100,000 rows at a time."""

    today_start: datetime
    today_end: datetime
    near_end: datetime
    _today_start: float = field(init=False, repr=False, compare=False)
    _today_end: float = field(init=False, repr=False, compare=False)
    _near_end: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("today_start", "today_end", "near_end"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None:
                raise ValueError(f"{name} must be timezone-aware")
            object.__setattr__(self, f"_{name}", value.timestamp())

    def classify(self, status: Status, due_ts: float) -> Urgency:
        """Urgency of a dossier in ``status`` due at POSIX time ``due_ts`` (+inf: no date)."""
        if status is Status.SUPPLEMENT:
            return Urgency.SUPPLEMENT
        if status is Status.PROCESSED:
            return Urgency.READY
        if due_ts < self._today_start:
            return Urgency.OVERDUE
        if due_ts < self._today_end:
            return Urgency.DUE_TODAY
        if due_ts < self._near_end:
            return Urgency.NEAR_DUE
        return Urgency.ON_TRACK

    def urgency(self, status: Status, due_at: datetime | None) -> Urgency:
        return self.classify(status, NO_DUE if due_at is None else due_at.timestamp())


def thresholds(now: datetime, calendar: WorkCalendar, near_due_days: int) -> Thresholds:
    """Cut points for ``now`` (aware, in office time): near due = due by the end of the
    ``near_due_days``-th working day after today."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    today: date = now.date()
    tz = now.tzinfo
    today_start = datetime.combine(today, time(0), tzinfo=tz)
    today_end = datetime.combine(today + timedelta(days=1), time(0), tzinfo=tz)
    near_day = calendar.add_working_days(today, max(0, near_due_days)) if near_due_days else today
    near_end = datetime.combine(near_day + timedelta(days=1), time(0), tzinfo=tz)
    return Thresholds(today_start, today_end, max(near_end, today_end))


def _utc(ts: float) -> datetime | None:
    return None if ts == NO_DUE else datetime.fromtimestamp(ts, UTC)


class OpenDossier(NamedTuple):
    """What the board keeps of one dossier between refreshes.

    Times are kept only as POSIX timestamps (computed by SQLite): the board reads 100,000 of
    these at a time, and a datetime per cell would be parsed for rows nobody looks at. The
    ``received_at`` / ``due_at`` properties give aware UTC datetimes for the rows shown.
    """

    id: int
    code: str
    applicant_name: str
    procedure_code: str
    procedure_name: str
    status: Status
    due_ts: float  # POSIX time of the due date; +inf when there is none
    received_ts: float
    haystack: str  # casefolded, diacritic-free code, name, ID and phone for the text filter

    @property
    def received_at(self) -> datetime:
        return datetime.fromtimestamp(self.received_ts, UTC)

    @property
    def due_at(self) -> datetime | None:
        return _utc(self.due_ts)


class BoardRow(NamedTuple):
    """One row of a snapshot: an open dossier and its urgency at the snapshot's time.

    Named tuples rather than dataclasses: as immutable, and several times cheaper to build;
    ``rank`` (urgency, then due time, in one float) lets C's itemgetter drive the sort. Both
    matter at 100,000 rows per snapshot.
    """

    id: int
    code: str
    applicant_name: str
    procedure_code: str
    procedure_name: str
    status: Status
    due_ts: float
    received_ts: float
    haystack: str
    urgency: Urgency
    rank: float

    @property
    def received_at(self) -> datetime:
        return datetime.fromtimestamp(self.received_ts, UTC)

    @property
    def due_at(self) -> datetime | None:
        return _utc(self.due_ts)


_RANK_STEP = 1e12  # above any POSIX time of this millennium; an urgency step outranks any time
_TIME_CAP = 1e11
_ID, _URGENCY, _RANK = 0, 9, 10  # BoardRow fields


def haystack(code: str, name_key: str, id_number: str, phone: str) -> str:
    """The text-filter key of a row (storage builds the same string in SQL)."""
    return f"{code.casefold()}\x1f{name_key}\x1f{id_number}\x1f{phone}"


def classify_all(records: Iterable[OpenDossier], cuts: Thresholds) -> list[BoardRow]:
    """Each record with its urgency at ``cuts``, one row at a time (small tables and tests;
    the board itself classifies columns: :meth:`BoardSnapshot.classify`)."""
    today_start, today_end, near_end = cuts._today_start, cuts._today_end, cuts._near_end
    supplement, processed = Status.SUPPLEMENT, Status.PROCESSED
    u_supplement, u_ready, u_track = Urgency.SUPPLEMENT, Urgency.READY, Urgency.ON_TRACK
    u_over, u_today, u_near = Urgency.OVERDUE, Urgency.DUE_TODAY, Urgency.NEAR_DUE
    new = tuple.__new__
    cap = _TIME_CAP
    out: list[BoardRow] = []
    append = out.append
    for r in records:
        status, ts = r[5], r[6]  # status, due_ts
        if status is supplement:
            u = u_supplement
        elif status is processed:
            u = u_ready
        elif ts < today_start:
            u = u_over
        elif ts < today_end:
            u = u_today
        elif ts < near_end:
            u = u_near
        else:
            u = u_track
        append(new(BoardRow, (*r, u, u * _RANK_STEP + (ts if ts < cap else cap))))
    return out


class SortKey(enum.Enum):
    URGENCY = "urgency"  # most urgent first, then earliest due
    DUE = "due"
    RECEIVED = "received"
    CODE = "code"


@dataclass(frozen=True)
class BoardFilter:
    """Empty sets mean "any"; ``text`` matches code, name (with or without diacritics), ID, phone."""

    urgencies: frozenset[Urgency] = frozenset()
    statuses: frozenset[Status] = frozenset()
    procedure_code: str = ""
    text: str = ""
    sort: SortKey = SortKey.URGENCY
    descending: bool = False


_STATUS_OF: dict[int, Status] = {int(s): s for s in Status}
_URGENCY_OF: tuple[Urgency, ...] = tuple(Urgency)  # value -> member (values are 0..5)


@dataclass(frozen=True, eq=False)
class BoardSnapshot:
    """The board at ``taken_at``: the open dossiers (columns in id order), each one's urgency,
    and the default order (urgency, then due time, then id) as positions into the columns.

    Built on the db lane; the GUI thread only filters positions and reads the cells it shows.
    """

    columns: OpenColumns
    urgencies: bytes  # Urgency value per position
    order: tuple[int, ...]  # positions in the default order
    taken_at: datetime
    counts: dict[Urgency, int] = field(default_factory=dict)
    #: Procedure code -> name, for the procedure filter; gathered with the rows (db lane) so
    #: the GUI thread does not walk 100,000 rows to fill a combo box.
    procedures: dict[str, str] = field(default_factory=dict)
    _orders: dict[tuple[SortKey, bool], tuple[int, ...]] = field(default_factory=dict, repr=False)
    _pickers: dict[tuple[SortKey, bool], Callable[[Sequence[Any]], Any]] = field(
        default_factory=dict, repr=False
    )

    @property
    def rows(self) -> BoardRows:
        """Every row in the default order (built one by one as they are read)."""
        return BoardRows(self, self.order)

    def __len__(self) -> int:
        return len(self.order)

    def row(self, i: int) -> BoardRow:
        """The row at column position ``i``."""
        c = self.columns
        u, ts, p_code = self.urgencies[i], c.due[i], c.procedure_codes[i]
        return BoardRow(
            c.ids[i],
            c.codes[i],
            c.names[i],
            p_code,
            c.procedure_names.get(p_code, ""),
            _STATUS_OF[c.statuses[i]],
            ts,
            c.received[i],
            c.haystacks[i],
            _URGENCY_OF[u],
            u * _RANK_STEP + (ts if ts < _TIME_CAP else _TIME_CAP),
        )

    @classmethod
    def classify(cls, columns: OpenColumns, cuts: Thresholds, taken_at: datetime) -> BoardSnapshot:
        """Every open dossier with its urgency at ``cuts`` (:meth:`Thresholds.classify`
        inlined: this runs over every open dossier at every refresh)."""
        today_start, today_end, near_end = cuts._today_start, cuts._today_end, cuts._near_end
        supplement, processed = int(Status.SUPPLEMENT), int(Status.PROCESSED)
        step, cap = _RANK_STEP, _TIME_CAP
        urgencies = bytearray()
        ranks: array[float] = array("d")
        put_u, put_r = urgencies.append, ranks.append
        buckets: tuple[list[int], ...] = tuple([] for _ in Urgency)  # positions per urgency
        put_p = tuple(b.append for b in buckets)
        for i, status, ts in zip(count(), columns.statuses, columns.due):
            if status == supplement:
                u = 3  # Urgency.SUPPLEMENT (literals: this loop runs 100,000 times)
            elif status == processed:
                u = 4  # READY
            elif ts < today_start:
                u = 0  # OVERDUE
            elif ts < today_end:
                u = 1  # DUE_TODAY
            elif ts < near_end:
                u = 2  # NEAR_DUE
            else:
                u = 5  # ON_TRACK
            put_u(u)
            put_r(u * step + (ts if ts < cap else cap))
            put_p[u](i)
        return cls._of(columns, bytes(urgencies), ranks, taken_at, buckets)

    @classmethod
    def of(cls, rows: Iterable[BoardRow], taken_at: datetime) -> BoardSnapshot:
        """A snapshot of rows already classified (any order; ids unique)."""
        by_id = sorted(rows, key=itemgetter(_ID))
        ordered = sorted(by_id, key=itemgetter(_RANK))  # stable: (rank, id)
        names = dict(zip(map(itemgetter(3), ordered), map(itemgetter(4), ordered), strict=True))
        records = [(*r[:4], int(r[5]), *r[6:9]) for r in by_id]
        transposed = [list(c) for c in zip(*records, strict=True)] or [[] for _ in range(8)]
        columns = OpenColumns.from_lists(transposed, names)
        urgencies = bytes(int(r[_URGENCY]) for r in by_id)
        return cls._of(columns, urgencies, array("d", map(itemgetter(_RANK), by_id)), taken_at)

    @classmethod
    def _of(
        cls,
        columns: OpenColumns,
        urgencies: bytes,
        ranks: array[float],
        taken_at: datetime,
        buckets: Iterable[list[int]] | None = None,
    ) -> BoardSnapshot:
        # The columns are in id order, so a stable sort by rank orders by (rank, id). One
        # sort per urgency: each holds the interpreter a sixth as long, for the GUI thread.
        by_rank = ranks.__getitem__
        if buckets is None:
            order = tuple(sorted(range(len(ranks)), key=by_rank))
        else:
            order = tuple(chain.from_iterable(sorted(b, key=by_rank) for b in buckets))
        names = columns.procedure_names
        return cls(
            columns=columns,
            urgencies=urgencies,
            order=order,
            taken_at=taken_at,
            counts={u: urgencies.count(u.value) for u in Urgency},
            procedures={code: names.get(code, "") for code in set(columns.procedure_codes)},
        )

    def sorted_positions(self, key: SortKey, descending: bool) -> tuple[int, ...]:
        """Positions in the order of ``key`` (computed once per snapshot and key).

        Keys with the id as tie-break (urgency, due, received) are unique, so descending is
        the ascending order reversed; the code, as before, keeps the default order on ties.
        """
        cached = self._orders.get((key, descending))
        if cached is not None:
            return cached
        c = self.columns
        if key is SortKey.CODE:
            out = tuple(sorted(self.order, key=c.codes.__getitem__, reverse=descending))
        elif descending:
            out = self.sorted_positions(key, False)[::-1]
        elif key is SortKey.URGENCY:
            out = self.order
        else:  # stable over id order: (time, id)
            times = c.due if key is SortKey.DUE else c.received
            out = tuple(sorted(range(len(times)), key=times.__getitem__))
        self._orders[(key, descending)] = out
        return out

    def picker(self, key: SortKey, descending: bool) -> Callable[[Sequence[Any]], Sequence[Any]]:
        """A function taking a column to its values in the order of ``key``: one C call
        (``itemgetter``) where a Python-level pass over 100,000 positions took several."""
        pick = self._pickers.get((key, descending))
        if pick is None:
            positions = self.sorted_positions(key, descending)
            # itemgetter of one position returns the value itself, of none is an error
            big = len(positions) > 1
            pick = itemgetter(*positions) if big else partial(_values_at, positions)
            self._pickers[(key, descending)] = pick
        return pick


class BoardRows(Sequence[BoardRow]):
    """Rows of a snapshot at the given positions, read from its columns on demand: a table
    of 100,000 rows costs a tuple of positions, and a :class:`BoardRow` only when asked for."""

    __slots__ = ("positions", "snapshot")

    def __init__(self, snapshot: BoardSnapshot, positions: Sequence[int]) -> None:
        self.snapshot = snapshot
        self.positions = positions

    @classmethod
    def of(cls, rows: Sequence[BoardRow]) -> BoardRows:
        """Rows given one by one, in their given order (tests, small tables)."""
        if isinstance(rows, BoardRows):
            return rows
        snapshot = BoardSnapshot.of(rows, taken_at=datetime.fromtimestamp(0, UTC))
        at = {row_id: i for i, row_id in enumerate(snapshot.columns.ids)}
        return cls(snapshot, tuple(at[r.id] for r in rows))

    def __len__(self) -> int:
        return len(self.positions)

    @overload
    def __getitem__(self, k: int) -> BoardRow: ...

    @overload
    def __getitem__(self, k: slice) -> BoardRows: ...

    def __getitem__(self, k: int | slice) -> BoardRow | BoardRows:
        if isinstance(k, slice):
            return BoardRows(self.snapshot, self.positions[k])
        return self.snapshot.row(self.positions[k])

    def __iter__(self) -> Iterator[BoardRow]:
        return map(self.snapshot.row, self.positions)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"BoardRows({len(self)} rows)"


def apply_filter(snapshot: BoardSnapshot, flt: BoardFilter) -> BoardRows:
    """The rows of ``snapshot`` that match ``flt``, sorted; pure and cheap.

    Urgency and status give masks in one C call each (``bytes.translate``); the first of the
    other conditions is one pass in C over its column, and each further one is tested only on
    the rows still in. The rows left are picked in the wanted order (cached per snapshot).
    """
    c = snapshot.columns
    masks: list[bytes] = []
    if flt.urgencies:
        masks.append(snapshot.urgencies.translate(_members(u.value for u in flt.urgencies)))
    if flt.statuses:
        masks.append(c.statuses.translate(_members(int(s) for s in flt.statuses)))
    keep: bytes | bytearray | None = _all_of(masks) if masks else None
    tests: list[tuple[Sequence[str], Callable[[str, str], bool], str]] = []
    if flt.procedure_code:
        tests.append((c.procedure_codes, eq, flt.procedure_code))
    for term in search_key(flt.text).split():  # every word must match, in any field
        tests.append((c.haystacks, contains, term))
    rest: list[int] | None = None  # positions still in, ascending
    for column, test, arg in tests:
        if keep is None:
            keep = bytes(map(test, column, repeat(arg)))
            continue
        if rest is None:
            rest = list(compress(range(len(column)), keep))
        rest = list(compress(rest, map(test, map(column.__getitem__, rest), repeat(arg))))
    if rest is not None:
        keep = bytearray(len(snapshot))
        for i in rest:
            keep[i] = 1
    positions = snapshot.sorted_positions(flt.sort, flt.descending)
    if keep is not None:
        pick = snapshot.picker(flt.sort, flt.descending)
        positions = tuple(compress(positions, pick(keep)))
    return BoardRows(snapshot, positions)


def _values_at(positions: Sequence[int], values: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(map(values.__getitem__, positions))


def _members(values: Iterable[int]) -> bytes:
    """A ``bytes.translate`` table giving 1 for ``values`` and 0 for any other byte."""
    table = bytearray(256)
    for v in values:
        table[v] = 1
    return bytes(table)


def _all_of(masks: Sequence[bytes]) -> bytes:
    """Byte-wise AND of 0/1 masks of one length (as big integers, in C)."""
    if len(masks) == 1:
        return masks[0]
    size = len(masks[0])
    acc = int.from_bytes(masks[0], "big")
    for mask in masks[1:]:
        acc &= int.from_bytes(mask, "big")
    return acc.to_bytes(size, "big")
