"""Event defects the schema lets through but the database or the reply cannot carry.

A push is parsed strictly (``protocol.PushRequest``), yet some values still parse and then break
the write or the JSON reply: a lone surrogate (``"\\ud800"``), a NUL character (PostgreSQL text
refuses it), a ``seq`` over the 32-bit column, an enormous key. Each such event gets its own
rejection with a reason; the rest of the batch goes on (issue 14). Reasons themselves are made
safe to store and to send back (:func:`safe_reason`), since a path may quote a hostile key.
"""

from __future__ import annotations

import json
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


def _scalar_clean(value: Any) -> bool:
    kind = type(value)
    if kind is int:
        return bool(-MAX_INT <= value <= MAX_INT)
    return kind is str or value is None or kind is bool or kind is float


def _shape_clean(value: Any, depth: int) -> bool:
    """Depth, key lengths, integer range and value types: what :func:`_walk` checks except
    the characters of the texts, without building paths."""
    if depth > MAX_DEPTH:
        return False
    kind = type(value)
    if kind is dict:
        items: Any = value.items()
    elif kind is list:
        items = enumerate(value)
    else:
        return _scalar_clean(value)
    if value and depth + 1 > MAX_DEPTH:
        return False
    for key, item in items:
        if kind is dict and (type(key) is not str or len(key) > MAX_KEY_LEN):
            return False
        t = type(item)
        if t is dict or t is list:
            if not _shape_clean(item, depth + 1):
                return False
        elif not _scalar_clean(item):
            return False
    return True


def _texts_clean(canonical: str) -> bool:
    """No NUL and no lone surrogate in any key or text of a value whose JSON is ``canonical``
    (``json.dumps(..., ensure_ascii=False)``: NUL written ``\\u0000``, surrogates as they are).

    A text holding a backslash followed by ``u0000`` reads as a NUL here: a false alarm only
    sends the payload to :func:`_walk`, which tells."""
    if "\\u0000" in canonical:
        return False
    try:
        canonical.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def payload_clean(payload: Any, canonical: str) -> bool:
    """``True``: :func:`_walk` finds no defect in ``payload`` (its canonical JSON text is
    ``canonical``). Every event passes here: the texts are checked in one go on the JSON text
    the push builds anyway, and paths are built only once a defect may exist."""
    return _texts_clean(canonical) and _shape_clean(payload, 0)


def event_defect(event: p.OutboxEvent, canonical: str | None = None) -> str | None:
    """The rejection reason of an event the server cannot store or answer, else ``None``.

    ``canonical``: the payload's JSON text (``json.dumps(..., ensure_ascii=False)``), when the
    caller has it."""
    if event.seq > MAX_SEQ:
        return "invalid_event:$.seq:out_of_range"
    if canonical is None:
        canonical = json.dumps(event.payload, ensure_ascii=False)
    if payload_clean(event.payload, canonical):
        return None
    found = _walk(event.payload, "$.payload", 0)
    return None if found is None else safe_reason(f"invalid_event:{found}")
