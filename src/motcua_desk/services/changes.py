"""What a service call changed (after Anki's ``OpChanges``).

A mutating service method returns :class:`Changed` (its value plus a :class:`ChangeSet`); the
UI's operations layer unwraps the value for the screen and broadcasts the change set, so every
page (lookup, home, board, …) hears of a dossier that another page changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: Kinds of change a page may listen for.
DOSSIER = "dossier"
PRINT = "print"
POSTAL = "postal"
DAY = "day"
SETTINGS = "settings"
SYNC = "sync"


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """``kinds`` such as {"dossier", "print"}; ``dossier_codes`` touched, when known."""

    kinds: frozenset[str]
    dossier_codes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *kinds: str, codes: Iterable[str | None] = ()) -> ChangeSet:
        return cls(frozenset(kinds), frozenset(c for c in codes if c))

    def __or__(self, other: ChangeSet) -> ChangeSet:
        return ChangeSet(self.kinds | other.kinds, self.dossier_codes | other.dossier_codes)

    def __bool__(self) -> bool:
        return bool(self.kinds)


NOTHING = ChangeSet(frozenset())


@dataclass(frozen=True, slots=True)
class Changed(Generic[T]):
    """A service result together with what producing it changed."""

    value: T
    changes: ChangeSet
