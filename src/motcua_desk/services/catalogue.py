"""Procedure catalogue lookups for the intake picker.

The catalogue is small (a province publishes a few thousand procedures) and is searched on every
keystroke, so the service keeps an in-memory index rebuilt whenever the catalogue changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from motcua_desk.domain.procedure import Procedure
from motcua_desk.domain.text import search_key
from motcua_desk.storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class _Entry:
    procedure: Procedure
    name_key: str
    code_key: str
    field_key: str


class CatalogueService:
    """Search and fetch procedures; ``reload()`` after an import."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory
        self._lock = threading.Lock()
        self._entries: tuple[_Entry, ...] | None = None
        self._by_code: dict[str, Procedure] = {}

    def reload(self) -> int:
        with self._uow_factory() as uow:
            procedures = uow.procedures.all()
        entries = tuple(
            _Entry(p, search_key(p.name), p.code.casefold(), search_key(p.field))
            for p in sorted(procedures, key=lambda p: search_key(p.name))
            if p.active
        )
        with self._lock:
            self._entries = entries
            self._by_code = {p.code: p for p in procedures}
        return len(entries)

    def _index(self) -> tuple[_Entry, ...]:
        entries = self._entries
        if entries is None:
            self.reload()
            entries = self._entries
        assert entries is not None
        return entries

    def search(self, query: str, limit: int = 50) -> list[Procedure]:
        """Procedures whose code starts with ``query`` or whose name holds every word of it.

        Matching ignores case and diacritics ("cap ban sao" finds "Cấp bản sao"); code
        prefix matches rank first, then names starting with the query, then the rest.
        """
        entries = self._index()
        key = search_key(query)
        if not key:
            return [e.procedure for e in entries[:limit]]
        words = key.split()
        code_hits: list[Procedure] = []
        prefix_hits: list[Procedure] = []
        other_hits: list[Procedure] = []
        for e in entries:
            if e.code_key.startswith(key):
                code_hits.append(e.procedure)
            elif all(w in e.name_key for w in words):
                (prefix_hits if e.name_key.startswith(key) else other_hits).append(e.procedure)
            elif all(w in e.name_key or w in e.field_key for w in words):
                other_hits.append(e.procedure)
        code_hits.sort(key=lambda p: p.code)
        return (code_hits + prefix_hits + other_hits)[:limit]

    def get(self, code: str) -> Procedure | None:
        self._index()
        return self._by_code.get(code.strip())

    def count(self) -> int:
        return len(self._index())
