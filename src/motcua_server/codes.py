"""The unit's daily dossier-code sequence on the server: leases, ownership, adoption, gaps.

A dossier code belongs to one dossier, province-wide (NĐ 61 Art. 26: unique per agency and day).
The server is the only numbering authority of a unit: a counter issues a final code only from a
block it leased; anything else is provisional until the server confirms it. See
``docs/sync-protocol.md`` ("Dossier codes").
"""

from __future__ import annotations

from collections.abc import Set
from datetime import UTC, date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from motcua_desk.sync import protocol as p
from motcua_server.db import transaction
from motcua_server.models import CodeGapRow, Device, DossierRow, LeaseRow, SequenceRow, Unit

#: How far ahead of the day's sequence a final code nobody leased may be adopted.
MAX_ADOPT_GAP = 2000

#: Why a final code was not taken as the dossier's code (the server numbered it instead).
CODE_CONFLICT = "code_conflict"  # another dossier of the unit already has it
CODE_NOT_OWNED = "code_not_owned"  # the number was handed out to someone else
CODE_NOT_LEASED = "code_not_leased"  # far beyond anything the sequence handed out


def lock_sequence(session: Session, unit_id: int, day: date) -> SequenceRow:
    """The day's sequence row, created if missing, locked until the transaction ends.

    ``SELECT … FOR UPDATE`` on PostgreSQL; SQLite transactions already hold the write lock
    (``BEGIN IMMEDIATE``). Every writer of ``next_seq`` goes through here.
    """
    query = (
        select(SequenceRow)
        .where(SequenceRow.unit_id == unit_id, SequenceRow.day == day)
        .with_for_update()
    )
    row = session.scalars(query).one_or_none()
    if row is None:
        try:
            with session.begin_nested():
                session.add(SequenceRow(unit_id=unit_id, day=day, next_seq=1))
        except IntegrityError:
            pass  # a concurrent transaction created it; lock theirs below
        row = session.scalars(query.execution_options(populate_existing=True)).one()
    return row


def allocate(session: Session, unit_id: int, day: date, count: int) -> int:
    """Take ``count`` numbers of the unit's daily sequence under its lock; return the first."""
    row = lock_sequence(session, unit_id, day)
    first = row.next_seq
    row.next_seq = first + count
    return first


def lease(engine: Engine, device: Device, req: p.LeaseRequest) -> p.LeaseResponse:
    with transaction(engine) as s:
        first = allocate(s, device.unit_id, req.day, req.count)
        last = first + req.count - 1
        s.add(
            LeaseRow(
                unit_id=device.unit_id,
                device_id=device.id,
                day=req.day,
                first=first,
                last=last,
                created_at=datetime.now(UTC),
            )
        )
    return p.LeaseResponse(req.day, first, last)


class DayCodes:
    """Code decisions of one push batch for one device of one unit.

    Sequence rows are locked on first use and kept (the lock lasts until the batch commits), so
    no lease or other batch can interleave; the device's leases are read once per day.
    """

    def __init__(self, s: Session, unit: Unit, device_id: str) -> None:
        self.s = s
        self.unit_id = unit.id
        self.agency_id = unit.agency_id
        self.device_id = device_id
        self._rows: dict[date, SequenceRow] = {}
        self._leases: dict[date, list[tuple[int, int]]] = {}

    def row(self, day: date) -> SequenceRow:
        row = self._rows.get(day)
        if row is None:
            row = self._rows[day] = lock_sequence(self.s, self.unit_id, day)
        return row

    def leases(self, day: date) -> list[tuple[int, int]]:
        """This device's leased blocks ``(first, last)`` for ``day``."""
        if day not in self._leases:
            self._leases[day] = [
                (first, last)
                for first, last in self.s.execute(
                    select(LeaseRow.first, LeaseRow.last).where(
                        LeaseRow.unit_id == self.unit_id,
                        LeaseRow.device_id == self.device_id,
                        LeaseRow.day == day,
                    )
                )
            ]
        return self._leases[day]

    def owns(self, day: date, seq: int) -> bool:
        return any(first <= seq <= last for first, last in self.leases(day))

    def take(self, day: date) -> int:
        """The next number of the day's sequence (for a code the server assigns)."""
        row = self.row(day)
        seq = row.next_seq
        row.next_seq = seq + 1
        return seq

    def settle_final(self, day: date, seq: int) -> str | None:
        """Whether a final code with number ``seq`` may stand; ``None`` = yes, else why not.

        It stands when it lies in one of this device's leases, or when nobody was handed it
        yet and it is at most ``MAX_ADOPT_GAP`` ahead of the sequence (a counter of an older
        release numbered it before it was enrolled): then it is adopted and the sequence moves
        past it, never backwards, under the row lock. A number already handed out to a lease or
        to an assigned code belongs to someone else.
        """
        if self.owns(day, seq):
            return None
        row = self.row(day)
        if seq < row.next_seq:
            return CODE_NOT_OWNED
        if seq - row.next_seq > MAX_ADOPT_GAP:
            return CODE_NOT_LEASED
        row.next_seq = max(row.next_seq, seq + 1)
        return None

    def release(
        self, day: date, ranges: tuple[tuple[int, int], ...], pending: Set[str] = frozenset()
    ) -> str | None:
        """Record leased numbers the device reports unused; ``None`` = recorded, else why not.

        ``pending``: codes the batch has given to dossiers it has not written yet."""
        if not all(self.owns_range(day, first, last) for first, last in ranges):
            return "range_not_leased"
        wanted = [p.format_code(self.agency_id, day, n) for a, b in ranges for n in range(a, b + 1)]
        used = self.s.scalar(
            select(DossierRow.code)
            .where(DossierRow.unit_id == self.unit_id, DossierRow.code.in_(wanted))
            .limit(1)
        )
        if used is not None or not pending.isdisjoint(wanted):
            return "range_used"
        now = datetime.now(UTC)
        for first, last in ranges:
            exists = self.s.scalar(
                select(CodeGapRow.id).where(
                    CodeGapRow.unit_id == self.unit_id,
                    CodeGapRow.day == day,
                    CodeGapRow.first == first,
                )
            )
            if exists is None:
                self.s.add(
                    CodeGapRow(
                        unit_id=self.unit_id,
                        device_id=self.device_id,
                        day=day,
                        first=first,
                        last=last,
                        reported_at=now,
                    )
                )
        return None

    def owns_range(self, day: date, first: int, last: int) -> bool:
        return any(a <= first and last <= b for a, b in self.leases(day))


def code_gaps(engine: Engine, agency_id: str, day: date) -> list[tuple[int, int, str]]:
    """Numbers of ``day`` the unit's counters reported unused: ``(first, last, device_id)``."""
    with transaction(engine) as s:
        rows = s.execute(
            select(CodeGapRow.first, CodeGapRow.last, CodeGapRow.device_id)
            .join(Unit, Unit.id == CodeGapRow.unit_id)
            .where(Unit.agency_id == agency_id, CodeGapRow.day == day)
            .order_by(CodeGapRow.first)
        ).all()
    return [(int(a), int(b), str(d)) for a, b, d in rows]
