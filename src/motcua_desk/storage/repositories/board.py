"""The status board's reads: open dossiers in full, then only what changed since, as columns."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from motcua_desk.domain.board import OPEN_STATUSES, OpenColumns

from ..orm import DossierRow

#: Records per fetch: each chunk is transposed into the columns and dropped, so no tuple per
#: dossier outlives its chunk and other threads run between chunks.
CHUNK = 2048
_OPEN = frozenset(int(s) for s in OPEN_STATUSES)
_SEP = "\x1f"


def _posix(column: Any) -> Any:
    # Stored as naive UTC text; SQLite turns it into whole POSIX seconds in C, where parsing
    # 200,000 datetimes in Python was a tenth of the board's first read. NULL stays NULL.
    # (strftime rather than unixepoch(): Ubuntu 22.04's SQLite 3.37 lacks the latter.)
    return cast(func.strftime("%s", column), Integer)


class BoardRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def open_dossiers(
        self, agency_id: str, changed_since: datetime | None = None
    ) -> tuple[OpenColumns, list[int], datetime | None]:
        """Open dossiers of ``agency_id`` (all, or only those changed at or after
        ``changed_since``) as columns in id order, the ids of changed dossiers that are no
        longer open, and the newest ``updated_at`` read (the next call's ``changed_since``).

        The full read uses ``ix_dossiers_board`` (status, due_at); the incremental one uses
        ``ix_dossiers_updated_at``. Dossiers of another agency are left out when
        ``agency_id`` is set.
        """
        d = DossierRow.__table__.c
        stmt = select(
            d.id,
            d.code,
            d.applicant_name,
            d.procedure_code,
            d.status,
            _posix(d.due_at),
            _posix(d.received_at),
            func.lower(d.code)
            + _SEP
            + d.applicant_search_key
            + _SEP
            + d.applicant_id_number
            + _SEP
            + d.applicant_phone,
            # Read with each row and kept once per code: a GROUP BY over the same rows for
            # the names cost a third as much again as the whole read.
            d.procedure_name,
        )
        where = [
            d.status.in_(sorted(_OPEN)) if changed_since is None else d.updated_at >= changed_since
        ]
        if agency_id:
            where.append(d.agency_id == agency_id)
        stmt = stmt.where(*where).order_by(d.id)
        newest = self._s.scalar(select(func.max(d.updated_at)))
        # SQLAlchemy binds the parameters; the rows come straight from the driver's cursor as
        # plain tuples (a Row per dossier cost a fifth of the full read on top of sqlite3).
        result = self._s.connection().execute(stmt)
        try:
            cursor = result.cursor
            chunks: Iterable[Sequence[Any]] = iter(partial(cursor.fetchmany, CHUNK), [])
            gone: list[int] = []
            if changed_since is not None:  # few rows: split the closed ones off, row by row
                chunks = _open_only(chunks, gone)
            columns = OpenColumns.from_chunks(chunks)
        finally:
            result.close()
        return columns, gone, newest


def _open_only(chunks: Iterable[Sequence[Any]], gone: list[int]) -> Iterator[list[Any]]:
    for chunk in chunks:
        still: list[Any] = []
        for row in chunk:
            if row[4] in _OPEN:
                still.append(row)
            else:
                gone.append(row[0])
        yield still
