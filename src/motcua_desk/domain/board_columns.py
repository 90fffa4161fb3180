"""The status board's open dossiers kept column by column.

The board holds about 100,000 open dossiers. Kept as one tuple per dossier, every refresh made
100,000 container objects that Python's cyclic garbage collector then walked on the GUI thread
(ui/gc_guard.py collects there), stalling the window for up to a fifth of a second. Kept as
columns, the same data is a handful of objects: strings in tuples (which the collector stops
tracking after one look), numbers in ``array`` buffers and statuses in ``bytes`` (never
tracked).

The columns are sorted by dossier id. Every other order is then a stable sort of positions by
one key, and ties fall back to the id as the row-based board ordered them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any

NO_DUE = float("inf")  # due_ts of a dossier without a due date: never overdue, sorts last

#: One record as storage reads it: id, code, applicant name, procedure code, status (int),
#: due (POSIX seconds or None), received (POSIX seconds), text-filter haystack, procedure name.
#: The procedure name is kept once per procedure code, not per record.
RECORD_FIELDS = 9


def _permute(values: Sequence[Any], order: Sequence[int]) -> list[Any]:
    return list(map(values.__getitem__, order))


@dataclass(frozen=True, slots=True)
class OpenColumns:
    """Open dossiers, one sequence per field, all in ascending id order (immutable)."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    codes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    procedure_codes: tuple[str, ...] = ()
    statuses: bytes = b""  # Status values (all below 256)
    due: array[float] = field(default_factory=lambda: array("d"))  # NO_DUE when none
    received: array[float] = field(default_factory=lambda: array("d"))
    haystacks: tuple[str, ...] = ()
    #: Procedure code -> name, for every code in ``procedure_codes`` (possibly more).
    procedure_names: Mapping[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_chunks(cls, chunks: Iterable[Sequence[Sequence[Any]]]) -> OpenColumns:
        """Columns from records (see :data:`RECORD_FIELDS`) read in chunks, in any order.

        Each chunk is transposed at once (in C), so no Python object per record outlives its
        chunk; a chunk at a time also lets the GUI thread run between chunks. Where records
        of one procedure code carry different names, the one read last is kept (storage
        reads in id order: the newest dossier's).
        """
        cols: tuple[list[Any], ...] = tuple([] for _ in range(RECORD_FIELDS - 1))
        names: dict[str, str] = {}
        for chunk in chunks:
            if chunk:
                *values, p_names = zip(*chunk, strict=True)
                for col, v in zip(cols, values, strict=True):
                    col.extend(v)
                names.update(zip(values[3], p_names, strict=True))
        return cls.from_lists(cols, names)

    @classmethod
    def from_lists(
        cls, cols: Sequence[list[Any]], procedure_names: Mapping[str, str]
    ) -> OpenColumns:
        """Columns from one list per field (the first eight of :data:`RECORD_FIELDS`)."""
        ids, codes, names, p_codes, statuses, due, received, hay = cols
        if None in due:
            due = [NO_DUE if d is None else d for d in due]
        if ids != sorted(ids):  # storage reads in id order; anything else is sorted here
            order = sorted(range(len(ids)), key=ids.__getitem__)
            ids, codes, names, p_codes, statuses, due, received, hay = (
                _permute(c, order)
                for c in (ids, codes, names, p_codes, statuses, due, received, hay)
            )
        return cls(
            ids=array("q", ids),
            codes=tuple(codes),
            names=tuple(names),
            procedure_codes=tuple(p_codes),
            statuses=bytes(statuses),
            due=array("d", due),
            received=array("d", received),
            haystacks=tuple(hay),
            procedure_names=dict(procedure_names),
        )

    def record(self, i: int) -> tuple[Any, ...]:
        """The record at position ``i`` (as :meth:`from_chunks` takes it; due +inf, not None)."""
        p_code = self.procedure_codes[i]
        return (
            self.ids[i],
            self.codes[i],
            self.names[i],
            self.procedure_codes[i],
            self.statuses[i],
            self.due[i],
            self.received[i],
            self.haystacks[i],
            self.procedure_names.get(p_code, ""),
        )

    def merged(self, changed: OpenColumns, gone: Iterable[int]) -> OpenColumns:
        """These columns with the records of ``changed`` added or replacing those of the same
        id, and the ids in ``gone`` left out. Procedure names of ``changed`` win."""
        drop = set(gone)
        drop.update(changed.ids)
        names = {**self.procedure_names, **changed.procedure_names}
        base: OpenColumns = self
        if drop and not drop.isdisjoint(self.ids):
            keep = bytes(map(drop.__contains__, self.ids)).translate(_NOT)
            base = OpenColumns(
                ids=array("q", compress(self.ids, keep)),
                codes=tuple(compress(self.codes, keep)),
                names=tuple(compress(self.names, keep)),
                procedure_codes=tuple(compress(self.procedure_codes, keep)),
                statuses=bytes(compress(self.statuses, keep)),
                due=array("d", compress(self.due, keep)),
                received=array("d", compress(self.received, keep)),
                haystacks=tuple(compress(self.haystacks, keep)),
            )
        if not len(changed):
            return OpenColumns(**{**_fields(base), "procedure_names": names})
        if not len(base) or changed.ids[0] > base.ids[-1]:  # new dossiers: ids only grow
            return OpenColumns(
                ids=base.ids + changed.ids,
                codes=base.codes + changed.codes,
                names=base.names + changed.names,
                procedure_codes=base.procedure_codes + changed.procedure_codes,
                statuses=base.statuses + changed.statuses,
                due=base.due + changed.due,
                received=base.received + changed.received,
                haystacks=base.haystacks + changed.haystacks,
                procedure_names=names,
            )
        cols = [list(a) + list(b) for a, b in zip(_values(base), _values(changed), strict=True)]
        return OpenColumns.from_lists(cols, names)


_NOT = bytes([1, 0]) + bytes(254)  # translate table: keep a row where "dropped" is 0


def _values(c: OpenColumns) -> tuple[Sequence[Any], ...]:
    return (c.ids, c.codes, c.names, c.procedure_codes, c.statuses, c.due, c.received, c.haystacks)


def _fields(c: OpenColumns) -> dict[str, Any]:
    return {
        "ids": c.ids,
        "codes": c.codes,
        "names": c.names,
        "procedure_codes": c.procedure_codes,
        "statuses": c.statuses,
        "due": c.due,
        "received": c.received,
        "haystacks": c.haystacks,
    }
