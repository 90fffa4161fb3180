"""Typed errors of the sync client.

``AuthError`` asks for a login or re-enrolment, ``NetworkError`` retries quietly with backoff,
``ConflictError`` is shown to the clerk, ``ProtocolError`` is a bug (or a version refusal).
"""

from __future__ import annotations

from motcua_desk.domain.errors import DomainError
from motcua_desk.sync.validation import ProtocolError, VersionError


class SyncError(DomainError):
    code = "sync_error"


class AuthError(SyncError):
    """The server refused our token or enrolment code (HTTP 401/403)."""

    code = "sync_auth"


class NetworkError(SyncError):
    """No answer, a dropped connection, a timeout, 429 or a 5xx: try again later."""

    code = "sync_network"


class ConflictError(SyncError):
    """The server refused a request as conflicting (HTTP 409), e.g. an event id reused."""

    code = "sync_conflict"


__all__ = [
    "AuthError",
    "ConflictError",
    "NetworkError",
    "ProtocolError",
    "SyncError",
    "VersionError",
]
