"""The one "what changed" value screens listen to; defined by the services."""

from __future__ import annotations

from motcua_desk.services.changes import (
    ACCOUNTS,
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
    "ACCOUNTS",
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
