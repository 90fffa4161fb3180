"""Tokens, enrolment codes and the enrolment rate limit."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select

from motcua_desk.domain.errors import DomainError
from motcua_server.db import reading, transaction
from motcua_server.models import RateLimitHit

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
    """At most ``limit`` failed attempts per ``window`` seconds per key (sliding window).

    Only failures count (:meth:`fail`); :meth:`check` refuses a key that is over the limit. The
    attempts live in the server database (``rate_limit_hits``), so every worker process of the
    server shares them.
    """

    def __init__(
        self,
        engine: Engine,
        limit: int,
        window: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._engine = engine
        self._limit = limit
        self._window = timedelta(seconds=window)
        self._clock = clock

    def check(self, key: str) -> None:
        """Raise :class:`RateLimitedError` if ``key`` has used up its failures in the window."""
        now = self._clock()
        with reading(self._engine) as s:
            hits = list(
                s.scalars(
                    select(RateLimitHit.at)
                    .where(RateLimitHit.key == key[:100], RateLimitHit.at > now - self._window)
                    .order_by(RateLimitHit.at)
                    .limit(self._limit)
                )
            )
        if len(hits) >= self._limit:
            oldest = hits[0] if hits[0].tzinfo else hits[0].replace(tzinfo=UTC)
            retry = max(1, int((oldest + self._window - now).total_seconds()) + 1)
            raise RateLimitedError(retry_after=retry)

    def fail(self, key: str) -> None:
        """Count one failed attempt (and forget attempts older than the window)."""
        now = self._clock()
        with transaction(self._engine) as s:
            s.execute(delete(RateLimitHit).where(RateLimitHit.at <= now - self._window))
            s.add(RateLimitHit(key=key[:100], at=now))


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: Sequence[IPNetwork]
) -> str:
    """The address a rate limit counts: the TCP peer, unless the peer is a trusted proxy.

    Behind trusted proxies the real client is the right-most ``X-Forwarded-For`` entry that is
    not itself a trusted proxy; a header sent by anyone else is ignored (it is free to forge).
    """
    if peer is None:
        return "?"
    if not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer  # garbage in the chain: count the proxy itself
        if not _is_trusted(hop, trusted):
            return hop
    return peer


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Sequence[str]) -> tuple[IPNetwork, ...]:
    """``["10.0.0.5", "192.168.1.0/24"]`` → networks; a bad entry raises ``ValueError``."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def _is_trusted(address: str, trusted: Sequence[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in trusted)
