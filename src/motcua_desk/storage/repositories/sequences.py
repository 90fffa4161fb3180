"""Daily dossier-code sequences: a local counter and blocks leased from the provincial server.

``LocalSequenceSource.next_seq`` increments inside the caller's transaction, so a number is
used only if the dossier that takes it is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from motcua_desk.domain.codes import SequenceExhaustedError as SequenceExhaustedError

from ..errors import StorageError
from ..orm import CodeBlockRow


class InvalidBlockError(StorageError):
    """A leased block with ``first`` > ``last``, a number below 1, or overlapping another."""

    code = "invalid_block"


@dataclass(frozen=True, slots=True)
class CodeGap:
    """Leased numbers ``first..last`` of ``day`` that no dossier took.

    ``released`` once reported to the server as never to be used (the day is over); until then
    they may still be taken today.
    """

    day: date
    first: int
    last: int
    released: bool

    @property
    def count(self) -> int:
        return self.last - self.first + 1


class LocalSequenceSource:
    """Satisfies the domain ``SequenceSource`` protocol: ``next_seq(agency_id, day) -> int``."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def next_seq(self, agency_id: str, day: date) -> int:
        value = self._s.execute(
            text(
                "INSERT INTO code_sequences (agency_id, day, last_seq) VALUES (:a, :d, 1) "
                "ON CONFLICT (agency_id, day) DO UPDATE SET last_seq = last_seq + 1 "
                "RETURNING last_seq"
            ),
            {"a": agency_id, "d": day.isoformat()},
        ).scalar_one()
        return int(value)

    def last_seq(self, agency_id: str, day: date) -> int:
        value = self._s.execute(
            text("SELECT last_seq FROM code_sequences WHERE agency_id = :a AND day = :d"),
            {"a": agency_id, "d": day.isoformat()},
        ).scalar_one_or_none()
        return 0 if value is None else int(value)


class LeasedSequenceSource:
    """``SequenceSource`` over server-leased blocks: raises ``SequenceExhaustedError`` when dry."""

    def __init__(self, repo: SequenceRepository) -> None:
        self._repo = repo

    def next_seq(self, agency_id: str, day: date) -> int:
        return self._repo.take_from_blocks(agency_id, day)


class SequenceRepository(LocalSequenceSource):
    """The local counter plus server-leased blocks (``code_blocks``)."""

    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        super().__init__(session)
        self._clock = clock

    @property
    def leased(self) -> LeasedSequenceSource:
        """The leased-blocks view, for services that must not number dossiers alone."""
        return LeasedSequenceSource(self)

    def add_block(self, agency_id: str, day: date, first: int, last: int) -> None:
        if first < 1 or last < first:
            raise InvalidBlockError(first=first, last=last)
        overlap = self._s.scalar(
            select(func.count())
            .select_from(CodeBlockRow)
            .where(
                CodeBlockRow.agency_id == agency_id,
                CodeBlockRow.day == day,
                CodeBlockRow.first <= last,
                CodeBlockRow.last >= first,
            )
        )
        if overlap:
            raise InvalidBlockError(first=first, last=last, overlap=True)
        self._s.add(
            CodeBlockRow(
                agency_id=agency_id,
                day=day,
                first=first,
                last=last,
                next_seq=first,
                leased_at=self._clock(),
            )
        )
        self._s.flush()

    def take_from_blocks(self, agency_id: str, day: date) -> int:
        """The lowest unused leased number for the day; raises SequenceExhaustedError."""
        row = self._s.scalars(
            select(CodeBlockRow)
            .where(
                CodeBlockRow.agency_id == agency_id,
                CodeBlockRow.day == day,
                CodeBlockRow.next_seq <= CodeBlockRow.last,
                CodeBlockRow.released_at.is_(None),
            )
            .order_by(CodeBlockRow.first)
            .limit(1)
        ).one_or_none()
        if row is None:
            raise SequenceExhaustedError(agency_id=agency_id, day=day.isoformat())
        seq = row.next_seq
        row.next_seq = seq + 1
        self._s.flush()
        return seq

    def remaining(self, agency_id: str, day: date) -> int:
        value = self._s.scalar(
            select(func.sum(CodeBlockRow.last - CodeBlockRow.next_seq + 1)).where(
                CodeBlockRow.agency_id == agency_id,
                CodeBlockRow.day == day,
                CodeBlockRow.next_seq <= CodeBlockRow.last,
                CodeBlockRow.released_at.is_(None),
            )
        )
        return int(value or 0)

    def unused_ranges(self, agency_id: str, day: date) -> list[tuple[int, int]]:
        """Leased but unused ``(first, last)`` ranges not yet released."""
        rows = self._s.scalars(
            select(CodeBlockRow)
            .where(
                CodeBlockRow.agency_id == agency_id,
                CodeBlockRow.day == day,
                CodeBlockRow.next_seq <= CodeBlockRow.last,
                CodeBlockRow.released_at.is_(None),
            )
            .order_by(CodeBlockRow.first)
        )
        return [(r.next_seq, r.last) for r in rows]

    def release_before(self, agency_id: str, today: date) -> dict[date, list[tuple[int, int]]]:
        """Mark the unused rest of every block of a day before ``today`` as released.

        A code carries its reception date, so once the day is over nobody can take these
        numbers; they are reported to the server (the caller appends the event in the same
        transaction) and never handed out again. Returns the ranges per day.
        """
        rows = self._s.scalars(
            select(CodeBlockRow)
            .where(
                CodeBlockRow.agency_id == agency_id,
                CodeBlockRow.day < today,
                CodeBlockRow.released_at.is_(None),
            )
            .order_by(CodeBlockRow.day, CodeBlockRow.first)
        ).all()
        now = self._clock()
        out: dict[date, list[tuple[int, int]]] = {}
        for row in rows:
            row.released_at = now
            if row.next_seq <= row.last:
                out.setdefault(row.day, []).append((row.next_seq, row.last))
        self._s.flush()
        return out

    def gaps(self, agency_id: str, first_day: date, last_day: date) -> list[CodeGap]:
        """Leased numbers no dossier took, per day in ``[first_day, last_day]`` (the ledger)."""
        rows = self._s.execute(
            select(
                CodeBlockRow.day, CodeBlockRow.next_seq, CodeBlockRow.last, CodeBlockRow.released_at
            )
            .where(
                CodeBlockRow.agency_id == agency_id,
                CodeBlockRow.day >= first_day,
                CodeBlockRow.day <= last_day,
                CodeBlockRow.next_seq <= CodeBlockRow.last,
            )
            .order_by(CodeBlockRow.day, CodeBlockRow.first)
        ).all()
        return [CodeGap(d, int(a), int(b), released is not None) for d, a, b, released in rows]
