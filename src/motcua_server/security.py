"""Tokens, enrolment codes and the enrolment rate limit."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

from motcua_desk.domain.errors import DomainError

# Without 0/O/1/I/L: the code is read aloud or typed from a printout.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class AuthFailedError(DomainError):
    """Missing, unknown or revoked token, or a bad enrolment code."""

    code = "unauthorized"


class RateLimitedError(DomainError):
    code = "rate_limited"


def digest(secret: str) -> str:
    """SHA-256 of a high-entropy secret (tokens, codes): indexable, and useless if leaked."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_enrolment_code() -> str:
    """A 12-character one-time code, grouped for reading: ``ABCD-EFGH-JKMN``."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_enrolment_code(code: str) -> str:
    raw = code.replace("-", "").replace(" ", "").upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class RateLimiter:
    """At most ``limit`` hits per ``window`` seconds per key (sliding window, in memory)."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Record one attempt; raise :class:`RateLimitedError` if over the limit."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self._window:
                hits.popleft()
            if len(hits) >= self._limit:
                retry = max(1, int(hits[0] + self._window - now) + 1)
                raise RateLimitedError(retry_after=retry)
            hits.append(now)
