"""Daily and monthly reports of the counter (issue 5), by field (lĩnh vực) and procedure.

A report covers office dates ``[date_from, date_to]`` and counts, per procedure:

* received: dossiers received in the period (a dossier refused at intake, Mẫu 03, is not);
* returned on time / late: results returned in the period, compared with the due date. The
  legal period runs to 24:00 of the due date (Bộ luật Dân sự 2015 Art. 147–148), so office dates are compared: a
  return on the due date is on time whatever the printed hour. A dossier with more than one
  supplement request counts as late (the on-time index, the national public-service portal's status codes); one without a due
  date is on time;
* in progress: dossiers received before the report's end that were neither returned nor closed
  (refused, withdrawn, stopped) by then, split into on time and overdue as of that moment
  (overdue: the due date is before that moment's office date).
  The moment is the end of the period, or now when the period has not ended yet (the other
  figures also stop at that moment);
* refused / withdrawn / stopped: dossiers entering that status in the period (a refusal at
  intake included).

Timeliness compares with the stored due date, which an apology extension (Mẫu 04) moves.

Every figure comes from a grouped Core query (one per kind of figure); no ORM rows are loaded.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from motcua_desk.domain.dossier import TERMINAL, Status
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.domain.text import normalize, search_key
from motcua_desk.services.clock import OFFICE_TZ, office_midnight, to_local
from motcua_desk.services.ledger import check_range, fmt_date, utc_bounds
from motcua_desk.storage.orm import DossierEventRow, DossierRow, ProcedureRow
from motcua_desk.storage.uow import UnitOfWork, reading


def _office_date(column: Any) -> ColumnElement[Any]:
    """SQLite's date of a stored UTC timestamp in office time (the desk database is SQLite)."""
    offset = OFFICE_TZ.utcoffset(None)
    assert offset is not None
    return func.date(column, f"{int(offset.total_seconds() // 3600):+d} hours")


DAY = "day"
MONTH = "month"
#: Statuses that close a dossier without a returned result, and the Counts field of each.
CLOSING = {Status.REFUSED: "refused", Status.WITHDRAWN: "withdrawn", Status.STOPPED: "stopped"}
OPEN_STATUSES = tuple(int(s) for s in Status if s not in TERMINAL)


@dataclass(frozen=True)
class Counts:
    received: int = 0
    returned_on_time: int = 0
    returned_late: int = 0
    in_progress_on_time: int = 0
    in_progress_overdue: int = 0
    refused: int = 0
    withdrawn: int = 0
    stopped: int = 0

    @property
    def returned(self) -> int:
        return self.returned_on_time + self.returned_late

    @property
    def in_progress(self) -> int:
        return self.in_progress_on_time + self.in_progress_overdue

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(Counts)}
        )


def total(items: Iterable[Counts]) -> Counts:
    out = Counts()
    for c in items:
        out = out + c
    return out


@dataclass(frozen=True)
class ProcedureLine:
    field: str
    procedure_code: str
    procedure_name: str
    counts: Counts


@dataclass(frozen=True)
class FieldLine:
    field: str
    counts: Counts
    procedures: tuple[ProcedureLine, ...]


@dataclass(frozen=True)
class Report:
    kind: str  # "day" | "month"
    date_from: date
    date_to: date
    as_of: datetime  # aware office time the in-progress split refers to
    fields: tuple[FieldLine, ...]
    total: Counts

    @property
    def period_label(self) -> str:
        if self.kind == MONTH:
            return f"Tháng {self.date_from.month:02d}/{self.date_from.year:04d}"
        return f"Ngày {fmt_date(self.date_from)}"

    def procedures(self) -> tuple[ProcedureLine, ...]:
        return tuple(p for f in self.fields for p in f.procedures)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise ValidationFailedError({"month": "invalid_value"})
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


class ReportService:
    """Counts for a day or a month; runs on the db lane."""

    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], datetime]
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def day_report(self, day: date) -> Report:
        return self._report(DAY, day, day)

    def month_report(self, year: int, month: int) -> Report:
        first, last = month_bounds(year, month)
        return self._report(MONTH, first, last)

    def report(self, kind: str, day: date) -> Report:
        """``kind`` "day": that office date; "month": the month containing ``day``."""
        if kind == DAY:
            return self.day_report(day)
        if kind == MONTH:
            return self.month_report(day.year, day.month)
        raise ValidationFailedError({"kind": "invalid_value"})

    # -- queries ------------------------------------------------------------------------

    def _report(self, kind: str, date_from: date, date_to: date) -> Report:
        check_range(date_from, date_to)
        start, end = utc_bounds(date_from, date_to)
        now = self._clock().astimezone(UTC)
        as_of = max(start, min(end, now))  # a future period: as of its start
        acc: dict[str, dict[str, int]] = {}

        def add(code: str, **values: Any) -> None:
            slot = acc.setdefault(code, {})
            for key, value in values.items():
                slot[key] = slot.get(key, 0) + int(value or 0)

        with reading(self._uow_factory) as uow:
            s = uow.session
            d = DossierRow
            e = DossierEventRow
            closing = [int(x) for x in CLOSING]
            # A dossier refused at the counter (Mẫu 03) was never received.
            refused_at_intake = (
                select(e.id)
                .where(
                    e.dossier_id == d.id,
                    e.status_from.is_(None),
                    e.status_to == int(Status.REFUSED),
                )
                .exists()
            )
            received = (
                select(d.procedure_code, func.count())
                .where(d.received_at >= start, d.received_at < as_of, ~refused_at_intake)
                .group_by(d.procedure_code)
            )
            for code, n in s.execute(received):
                add(code, received=n)

            late = or_(
                d.supplement_requests > 1,
                and_(d.due_at.is_not(None), _office_date(d.returned_at) > _office_date(d.due_at)),
            )
            returned = (
                select(
                    d.procedure_code,
                    func.count(),
                    func.sum(case((late, 1), else_=0)),
                )
                .where(d.returned_at >= start, d.returned_at < as_of)
                .group_by(d.procedure_code)
            )
            for code, n, n_late in s.execute(returned):
                add(code, returned_on_time=n - (n_late or 0), returned_late=n_late)

            # Any timeline row entering a closing status: a change, or the refusal at intake.
            closed = (
                select(d.procedure_code, e.status_to, func.count())
                .join(d, d.id == e.dossier_id)
                .where(
                    e.status_to.in_(closing),
                    e.at >= start,
                    e.at < as_of,
                )
                .group_by(d.procedure_code, e.status_to)
            )
            for code, status, n in s.execute(closed):
                assert status is not None  # filtered by the IN above
                add(code, **{CLOSING[Status(status)]: n})

            # Open at ``as_of``: received before it, and either still open now, or returned or
            # closed only at/after it (each branch can use an index).
            closed_later = (
                select(e.id)
                .where(
                    e.dossier_id == d.id,
                    e.status_to.in_(closing),
                    e.at >= as_of,
                )
                .exists()
            )
            closed_before = (
                select(e.id)
                .where(
                    e.dossier_id == d.id,
                    e.status_to.in_(closing),
                    e.at < as_of,
                )
                .exists()
            )
            as_of_day = office_midnight(to_local(as_of).date())
            overdue = and_(d.due_at.is_not(None), d.due_at < as_of_day)
            in_progress = (
                select(d.procedure_code, func.count(), func.sum(case((overdue, 1), else_=0)))
                .where(
                    d.received_at < as_of,
                    or_(d.status.in_(OPEN_STATUSES), d.returned_at >= as_of, closed_later),
                    or_(d.returned_at.is_(None), d.returned_at >= as_of),
                    ~closed_before,
                )
                .group_by(d.procedure_code)
            )
            for code, n, n_overdue in s.execute(in_progress):
                add(code, in_progress_on_time=n - (n_overdue or 0), in_progress_overdue=n_overdue)

            names: dict[str, tuple[str, str]] = {}
            if acc:
                codes = list(acc)
                for code, field, name in s.execute(
                    select(ProcedureRow.code, ProcedureRow.field, ProcedureRow.name).where(
                        ProcedureRow.code.in_(codes)
                    )
                ):
                    names[code] = (normalize(field), normalize(name))
                missing = [c for c in codes if c not in names]
                if missing:  # not (or no longer) in the catalogue: the name kept on the dossier
                    for code, name in s.execute(
                        select(d.procedure_code, func.max(d.procedure_name))
                        .where(d.procedure_code.in_(missing))
                        .group_by(d.procedure_code)
                    ):
                        names[code] = ("", normalize(name))
        return self._assemble(kind, date_from, date_to, to_local(as_of), acc, names)

    @staticmethod
    def _assemble(
        kind: str,
        date_from: date,
        date_to: date,
        as_of: datetime,
        acc: dict[str, dict[str, int]],
        names: dict[str, tuple[str, str]],
    ) -> Report:
        by_field: dict[str, list[ProcedureLine]] = {}
        for code, values in acc.items():
            field, name = names.get(code, ("", code))
            line = ProcedureLine(field, code, name, replace(Counts(), **values))
            by_field.setdefault(field, []).append(line)
        lines = []
        for field in sorted(by_field, key=lambda f: (f == "", search_key(f))):
            procedures = tuple(
                sorted(
                    by_field[field], key=lambda p: (search_key(p.procedure_name), p.procedure_code)
                )
            )
            lines.append(FieldLine(field, total(p.counts for p in procedures), procedures))
        return Report(
            kind=kind,
            date_from=date_from,
            date_to=date_to,
            as_of=as_of,
            fields=tuple(lines),
            total=total(f.counts for f in lines),
        )
