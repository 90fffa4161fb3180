"""The one "what changed" value screens listen to (architecture §9); defined by the services."""

from __future__ import annotations

from motcua_desk.services.changes import (
    DAY,
    DOSSIER,
    NOTHING,
    POSTAL,
    PRINT,
    SETTINGS,
    SYNC,
    Changed,
    ChangeSet,
)

__all__ = [
    "DAY",
    "DOSSIER",
    "NOTHING",
    "POSTAL",
    "PRINT",
    "SETTINGS",
    "SYNC",
    "ChangeSet",
    "Changed",
]
