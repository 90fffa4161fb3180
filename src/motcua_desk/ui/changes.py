"""The one "what changed" value screens listen to (architecture §9)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """``kinds`` such as {"dossier", "print"}; ``dossier_codes`` touched, when known."""

    kinds: frozenset[str]
    dossier_codes: frozenset[str] = frozenset()

    @classmethod
    def of(cls, *kinds: str, codes: tuple[str, ...] = ()) -> ChangeSet:
        return cls(frozenset(kinds), frozenset(codes))
