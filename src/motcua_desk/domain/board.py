"""The status board: open dossiers, how urgent each is, and a pure filter over a snapshot.

A snapshot is an immutable tuple of :class:`BoardRow` loaded once; filtering and sorting never go
back to the database, so a filter change costs only a pass over the tuple (issue 5: 100,000
dossiers, filter change within 50 ms).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from typing import Any, NamedTuple

from .dossier import Status
from .text import search_key
from .workcalendar import WorkCalendar

#: Statuses shown on the board: the dossier is at the unit and the citizen has no result yet.
OPEN_STATUSES: frozenset[Status] = frozenset(
    {Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT_DUE, Status.PROCESSED}
)


NO_DUE = float("inf")  # due_ts of a dossier without a due date: never overdue, sorts last


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
    before ``near_end`` near due. The legal period runs to 24:00 of the due date (docs/domain.md
    §3), so a dossier due at 09:00 today is due today, not overdue, at 10:00. Kept as POSIX timestamps too: comparing floats is twenty times
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
_ID, _CODE, _STATUS, _DUE_TS, _RECEIVED_TS, _URGENCY, _RANK = 0, 1, 5, 6, 7, 9, 10


def haystack(code: str, name_key: str, id_number: str, phone: str) -> str:
    """The text-filter key of a row (storage builds the same string in SQL)."""
    return f"{code.casefold()}\x1f{name_key}\x1f{id_number}\x1f{phone}"


def classify_all(records: Iterable[OpenDossier], cuts: Thresholds) -> list[BoardRow]:
    """Each record with its urgency at ``cuts``; :meth:`Thresholds.classify` inlined, since
    this runs over every open dossier at every refresh."""
    today_start, today_end, near_end = cuts._today_start, cuts._today_end, cuts._near_end
    supplement, processed = Status.SUPPLEMENT, Status.PROCESSED
    u_supplement, u_ready, u_track = Urgency.SUPPLEMENT, Urgency.READY, Urgency.ON_TRACK
    u_over, u_today, u_near = Urgency.OVERDUE, Urgency.DUE_TODAY, Urgency.NEAR_DUE
    new = tuple.__new__
    cap = _TIME_CAP
    out: list[BoardRow] = []
    append = out.append
    for r in records:
        status, ts = r[5], r[6]  # _STATUS, _DUE_TS (literals: this loop runs 100,000 times)
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


@dataclass(frozen=True)
class BoardSnapshot:
    rows: tuple[BoardRow, ...]
    taken_at: datetime
    counts: dict[Urgency, int] = field(default_factory=dict)
    #: Procedure code -> name, for the procedure filter; gathered with the rows (db lane) so
    #: the GUI thread does not walk 100,000 rows to fill a combo box.
    procedures: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[BoardRow], taken_at: datetime) -> BoardSnapshot:
        ordered = tuple(sorted(rows, key=itemgetter(_RANK, _ID)))  # the default order, once
        counts = dict.fromkeys(Urgency, 0)
        for u in map(itemgetter(_URGENCY), ordered):
            counts[u] += 1
        procedures = dict(
            zip(map(itemgetter(3), ordered), map(itemgetter(4), ordered), strict=True)
        )
        return cls(rows=ordered, taken_at=taken_at, counts=counts, procedures=procedures)


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


def _containing(rows: Iterable[BoardRow], term: str) -> Iterable[BoardRow]:
    return (r for r in rows if term in r.haystack)


_SORT_KEYS: dict[SortKey, Callable[[BoardRow], Any]] = {
    SortKey.URGENCY: itemgetter(_RANK, _ID),
    SortKey.DUE: itemgetter(_DUE_TS, _ID),
    SortKey.RECEIVED: itemgetter(_RECEIVED_TS, _ID),
    SortKey.CODE: itemgetter(_CODE),
}


def apply_filter(snapshot: BoardSnapshot, flt: BoardFilter) -> tuple[BoardRow, ...]:
    """The rows of ``snapshot`` that match ``flt``, sorted; pure and cheap."""
    rows: Iterable[BoardRow] = snapshot.rows
    if flt.urgencies:
        wanted_u = flt.urgencies
        rows = (r for r in rows if r.urgency in wanted_u)
    if flt.statuses:
        wanted_s = flt.statuses
        rows = (r for r in rows if r.status in wanted_s)
    if flt.procedure_code:
        code = flt.procedure_code
        rows = (r for r in rows if r.procedure_code == code)
    for term in search_key(flt.text).split():  # every word must match, in any field
        rows = _containing(rows, term)
    if flt.sort is SortKey.URGENCY and not flt.descending:
        return tuple(rows)  # the snapshot is already in this order
    return tuple(sorted(rows, key=_SORT_KEYS[flt.sort], reverse=flt.descending))
