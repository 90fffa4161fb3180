"""Event defects the schema lets through but the database or the reply cannot carry.

A push is parsed strictly (``protocol.PushRequest``), yet some values still parse and then break
the write or the JSON reply: a lone surrogate (``"\\ud800"``), a NUL character (PostgreSQL text
refuses it), a ``seq`` over the 32-bit column, an enormous key. Each such event gets its own
rejection with a reason; the rest of the batch goes on (issue 14). Reasons themselves are made
safe to store and to send back (:func:`safe_reason`), since a path may quote a hostile key.
"""

from __future__ import annotations

import re
from typing import Any

from motcua_desk.sync import protocol as p

MAX_SEQ = 2**31 - 1  # events.seq is a 32-bit INTEGER on PostgreSQL
MAX_KEY_LEN = 200
MAX_DEPTH = 32
MAX_INT = 2**63 - 1  # beyond a 64-bit integer, databases and other readers overflow
MAX_REASON = 300

_UNSAFE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def safe_reason(reason: str) -> str:
    """``reason`` with control characters and lone surrogates replaced, at most 300 chars."""
    text = _UNSAFE.sub("?", reason)
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


def _text_defect(text: str) -> str | None:
    if "\x00" in text:
        return "nul_character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "lone_surrogate"
    return None


def _walk(value: Any, path: str, depth: int) -> str | None:
    if depth > MAX_DEPTH:
        return f"{path}:too_deep"
    if isinstance(value, str):
        defect = _text_defect(value)
        return None if defect is None else f"{path}:{defect}"
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return None
    if isinstance(value, int):
        return None if -MAX_INT <= value <= MAX_INT else f"{path}:out_of_range"
    if isinstance(value, list):
        for i, item in enumerate(value):
            found = _walk(item, f"{path}[{i}]", depth + 1)
            if found:
                return found
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if len(key) > MAX_KEY_LEN:
                return f"{path}:key_too_long"
            defect = _text_defect(key)
            if defect is not None:
                return f"{path}:key_{defect}"
            found = _walk(item, f"{path}.{key}", depth + 1)
            if found:
                return found
        return None
    return f"{path}:not_json"


def _clean(value: Any, depth: int) -> bool:
    """Whether :func:`_walk` finds nothing, without building paths (every event passes here:
    the paths are built only to describe a defect once one is known to exist)."""
    if depth > MAX_DEPTH:
        return False
    kind = type(value)
    if kind is str:
        return "\x00" not in value and value.isascii() or _text_defect(value) is None
    if kind is dict:
        for key, item in value.items():
            if len(key) > MAX_KEY_LEN or _text_defect(key) is not None:
                return False
            if not _clean(item, depth + 1):
                return False
        return True
    if kind is list:
        return all(_clean(item, depth + 1) for item in value)
    if value is None or kind is bool or kind is float:
        return True
    if kind is int:
        return bool(-MAX_INT <= value <= MAX_INT)
    return False  # a subclass or another type: let _walk describe it


def event_defect(event: p.OutboxEvent) -> str | None:
    """The rejection reason of an event the server cannot store or answer, else ``None``."""
    if event.seq > MAX_SEQ:
        return "invalid_event:$.seq:out_of_range"
    if _clean(event.payload, 0):
        return None
    found = _walk(event.payload, "$.payload", 0)
    return None if found is None else safe_reason(f"invalid_event:{found}")
