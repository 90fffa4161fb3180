"""Strict validation helpers shared by the wire messages (standard library only).

Every helper raises :class:`ProtocolError` with ``data['path']`` (a JSONPath-like field path such
as ``$.events[3].payload.code``) and ``data['reason']`` (a stable reason code).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from motcua_desk.domain.errors import DomainError

MAX_PAYLOAD_KEYS = 200
#: Datetimes outside these years are refused: nothing at a counter happens there, and the
#: extremes (year 1, 9999) overflow when moved to another UTC offset.
MIN_YEAR, MAX_YEAR = 1970, 2199


class ProtocolError(DomainError):
    """A message does not follow the protocol; ``data['path']`` names the field."""

    code = "protocol_error"


class VersionError(ProtocolError):
    """Client and server speak incompatible protocol versions (client too old or too new)."""

    code = "protocol_version"


def fail(path: str, reason: str) -> ProtocolError:
    """Build (not raise) the error for ``path``."""
    return ProtocolError(path=path, reason=reason)


def as_obj(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise fail(path, "not_object")
    return value


def exact_keys(
    d: Mapping[str, Any], path: str, required: set[str], optional: frozenset[str] = frozenset()
) -> None:
    """Require every key of ``required`` and refuse keys outside ``required | optional``."""
    missing = required - d.keys()
    if missing:
        raise fail(f"{path}.{sorted(missing)[0]}", "missing")
    extra = d.keys() - required - optional
    if extra:
        raise fail(f"{path}.{sorted(extra)[0]}", "unknown_field")


def as_str(value: object, path: str, *, max_len: int = 200, min_len: int = 1) -> str:
    if not isinstance(value, str):
        raise fail(path, "not_string")
    if not min_len <= len(value) <= max_len:
        raise fail(path, "bad_length")
    return value


def as_opt_str(value: object, path: str, *, max_len: int = 200) -> str | None:
    return None if value is None else as_str(value, path, max_len=max_len, min_len=0)


def as_int(value: object, path: str, *, lo: int = 0, hi: int = 2**53) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise fail(path, "not_integer")
    if not lo <= value <= hi:
        raise fail(path, "out_of_range")
    return value


def as_bool(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise fail(path, "not_boolean")
    return value


def as_uuid(value: object, path: str) -> str:
    """A canonical lowercase hyphenated UUID string."""
    text = as_str(value, path, max_len=36)
    try:
        parsed = uuid.UUID(text)
    except ValueError as exc:
        raise fail(path, "not_uuid") from exc
    if str(parsed) != text:
        raise fail(path, "not_uuid")
    return text


def as_datetime(value: object, path: str) -> datetime:
    """An ISO 8601 datetime with a UTC offset (naive datetimes are refused)."""
    text = as_str(value, path, max_len=40)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise fail(path, "not_datetime") from exc
    if parsed.tzinfo is None:
        raise fail(path, "naive_datetime")
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise fail(path, "out_of_range")
    return parsed


def as_opt_datetime(value: object, path: str) -> datetime | None:
    return None if value is None else as_datetime(value, path)


def as_date(value: object, path: str) -> date:
    text = as_str(value, path, max_len=10)
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise fail(path, "not_date") from exc


def as_list(value: object, path: str, max_items: int) -> list[Any]:
    if not isinstance(value, list):
        raise fail(path, "not_list")
    if len(value) > max_items:
        raise fail(path, "too_many")
    return value


def as_json_object(value: object, path: str) -> dict[str, Any]:
    d = as_obj(value, path)
    if len(d) > MAX_PAYLOAD_KEYS:
        raise fail(path, "too_many")
    return dict(d)
