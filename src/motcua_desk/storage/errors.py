"""Typed storage errors and the translation of driver errors into them.

Follows qutebrowser's ``misc/sql.py``: a :class:`KnownStorageError` is a condition the clerk can
act on (database locked by another program, disk full, read-only folder, damaged file); anything
else coming out of the driver is a bug and is re-raised unchanged so it becomes a crash report.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Literal

from sqlalchemy import exc as sa_exc

from motcua_desk.domain.errors import DomainError

KnownReason = Literal["locked", "disk_full", "read_only", "corrupt", "not_a_database"]


class StorageError(DomainError):
    """Base class of every error raised by the storage package."""

    code = "storage_error"


class KnownStorageError(StorageError):
    """An environmental database failure the clerk can act on; ``reason`` says which."""

    code = "storage_known_error"

    def __init__(self, reason: KnownReason, **data: Any) -> None:
        super().__init__(reason=reason, **data)
        self.reason: KnownReason = reason


class NotFoundError(StorageError):
    """The requested row does not exist; ``data`` names the entity and key."""

    code = "not_found"


class DuplicateError(StorageError):
    """A row with the same unique key already exists; ``data`` names the entity and key."""

    code = "duplicate"


# sqlite3 error messages are stable across versions; SQLITE_* codes (sqlite_errorname) exist
# only on Python >= 3.11 and only on some exceptions, so both are checked.
_BY_ERRNAME: dict[str, KnownReason] = {
    "SQLITE_BUSY": "locked",
    "SQLITE_LOCKED": "locked",
    "SQLITE_FULL": "disk_full",
    "SQLITE_READONLY": "read_only",
    "SQLITE_CANTOPEN": "read_only",
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_NOTADB": "not_a_database",
}
_BY_MESSAGE: tuple[tuple[str, KnownReason], ...] = (
    ("database is locked", "locked"),
    ("database table is locked", "locked"),
    ("database or disk is full", "disk_full"),
    ("attempt to write a readonly database", "read_only"),
    ("unable to open database file", "read_only"),
    ("database disk image is malformed", "corrupt"),
    ("file is not a database", "not_a_database"),
    ("file is encrypted or is not a database", "not_a_database"),
)


def known_reason(exc: BaseException) -> KnownReason | None:
    """The :data:`KnownReason` of a driver error, or None when it is not a known condition."""
    orig: BaseException | None = exc
    if isinstance(exc, sa_exc.DBAPIError):
        orig = exc.orig
    if not isinstance(orig, sqlite3.Error):
        return None
    errname = getattr(orig, "sqlite_errorname", None)
    if isinstance(errname, str):
        # Extended names such as SQLITE_BUSY_SNAPSHOT map to their primary code.
        for prefix, reason in _BY_ERRNAME.items():
            if errname == prefix or errname.startswith(prefix + "_"):
                return reason
    message = str(orig).lower()
    for needle, reason in _BY_MESSAGE:
        if needle in message:
            return reason
    return None


def translate_error(exc: BaseException) -> BaseException:
    """Return a :class:`KnownStorageError` for a known condition, else ``exc`` itself (a bug)."""
    if isinstance(exc, StorageError):
        return exc
    reason = known_reason(exc)
    if reason is None:
        return exc
    err = KnownStorageError(reason, detail=type(exc).__name__)
    err.__cause__ = exc
    return err
