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
from motcua_desk.storage.uow import UnitOfWork, reading


@dataclass(frozen=True, slots=True)
class _Entry:
    procedure: Procedure
    name_key: str
    code_key: str
    field_key: str


_GENERIC_PREFIX = "thu tuc "


def _name_rank(name_key: str, key: str, words: list[str]) -> tuple[int, int, int, int]:
    """Sort key of a name that contains every word of the query (smaller is better)."""
    name = name_key.removeprefix(_GENERIC_PREFIX)
    phrase_at = name.find(key)
    if phrase_at >= 0:
        at_word_start = phrase_at == 0 or name[phrase_at - 1] == " "
        return (0, 0 if at_word_start else 1, phrase_at, len(name))
    return (1, 0, min(name.find(w) for w in words), len(name))


class CatalogueService:
    """Search and fetch procedures; ``reload()`` after an import."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow_factory = uow_factory
        self._lock = threading.Lock()
        self._entries: tuple[_Entry, ...] | None = None
        self._by_code: dict[str, Procedure] = {}

    def reload(self) -> int:
        with reading(self._uow_factory) as uow:
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

        Matching ignores case and diacritics ("cap ban sao" finds "Cấp bản sao"). Code prefix
        matches come first; names then rank by how well they match: the words as one phrase
        before scattered words, earlier in the name before later (a leading "Thủ tục" is not
        counted), shorter names before longer ones.
        """
        entries = self._index()
        key = search_key(query)
        if not key:
            return [e.procedure for e in entries[:limit]]
        words = key.split()
        code_hits: list[Procedure] = []
        ranked: list[tuple[tuple[int, int, int, int], Procedure]] = []
        for e in entries:
            if e.code_key.startswith(key):
                code_hits.append(e.procedure)
            elif all(w in e.name_key for w in words):
                ranked.append((_name_rank(e.name_key, key, words), e.procedure))
            elif all(w in e.name_key or w in e.field_key for w in words):
                ranked.append(((2, 0, 0, len(e.name_key)), e.procedure))
        code_hits.sort(key=lambda p: p.code)
        ranked.sort(key=lambda pair: pair[0])
        return (code_hits + [p for _, p in ranked])[:limit]

    def get(self, code: str) -> Procedure | None:
        self._index()
        return self._by_code.get(code.strip())

    def count(self) -> int:
        return len(self._index())
