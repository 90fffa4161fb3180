"""What admins load is checked before any desk sees it (issue 14: one bad fee jammed every pull).

The desk's catalogue reader lives in its storage layer, which the server may not import; these
checks mirror its format (``resources/seed/procedures.json``) and add the bounds a database
column and every desk can hold.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from motcua_desk.domain.dossier import PaperForm
from motcua_desk.domain.errors import DomainError
from motcua_desk.domain.procedure import TimeUnit
from motcua_desk.domain.text import normalize

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,59}$")
_BAD_TEXT = re.compile(r"[\x00\ud800-\udfff]")
_KNOWN = frozenset(
    {
        "code",
        "name",
        "field",
        "level",
        "processing_days",
        "time_unit",
        "fee_vnd",
        "required_documents",
        "verified",
        "same_day_cutoff",
        "valid_from",
        "valid_to",
        "active",
    }
)
MAX_FEE_VND = 10**12
MAX_PROCESSING = 3650
MAX_COPIES = 100
MAX_DOCUMENTS = 200


class AdminError(DomainError):
    """An admin command got bad input; ``data`` says which."""

    code = "admin_error"


def _bad(index: int, field: str | None, reason: str) -> AdminError:
    return AdminError(reason=reason, index=index, field=field)


def check_text(value: object, index: int, field: str, *, max_len: int, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise _bad(index, field, "not_a_string")
    if _BAD_TEXT.search(value):
        raise _bad(index, field, "bad_character")
    text = normalize(value)
    if len(text) > max_len or (not empty and not text):
        raise _bad(index, field, "bad_length")
    return text


def _int(value: object, index: int, field: str, hi: int, lo: int = 0) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(index, field, "not_an_integer")
    if not lo <= value <= hi:
        raise _bad(index, field, "out_of_range")
    return value


def _document(item: object, i: int, j: int) -> Any:
    field = f"required_documents[{j}]"
    if isinstance(item, str):
        return check_text(item, i, field, max_len=1000, empty=False)
    if not isinstance(item, dict):
        raise _bad(i, field, "not_a_document")
    unknown = set(item) - {"name", "form", "copies", "required"}
    if unknown:
        raise _bad(i, f"{field}.{sorted(unknown)[0]}"[:100], "unknown_field")
    out = dict(item)
    out["name"] = check_text(item.get("name"), i, f"{field}.name", max_len=1000, empty=False)
    if item.get("form", PaperForm.ORIGINAL.value) not in {f.value for f in PaperForm}:
        raise _bad(i, f"{field}.form", "bad_value")
    _int(item.get("copies"), i, f"{field}.copies", MAX_COPIES, lo=1)
    if not isinstance(item.get("required", True), bool):
        raise _bad(i, f"{field}.required", "not_a_boolean")
    return out


def check_procedure(item: object, i: int) -> dict[str, Any]:
    """One catalogue entry, normalised; raises :class:`AdminError` (``index``, ``field``)."""
    if not isinstance(item, dict):
        raise _bad(i, None, "bad_item")
    unknown = set(item) - _KNOWN
    if unknown:
        raise _bad(i, str(sorted(unknown)[0])[:100], "unknown_field")
    out = dict(item)
    code = item.get("code")
    if code is not None and not (isinstance(code, str) and _CODE.match(code)):
        raise _bad(i, "code", "bad_code")
    out["name"] = check_text(item.get("name"), i, "name", max_len=1000, empty=False)
    for key in ("field", "level"):
        if item.get(key) is not None:
            out[key] = check_text(item[key], i, key, max_len=300)
    _int(item.get("processing_days"), i, "processing_days", MAX_PROCESSING)
    _int(item.get("fee_vnd"), i, "fee_vnd", MAX_FEE_VND)
    if item.get("time_unit", TimeUnit.WORKING_DAYS.value) not in {u.value for u in TimeUnit}:
        raise _bad(i, "time_unit", "bad_value")
    for key in ("verified", "same_day_cutoff", "active"):
        if key in item and not isinstance(item[key], bool):
            raise _bad(i, key, "not_a_boolean")
    days: list[date] = []
    for key in ("valid_from", "valid_to"):
        value = item.get(key)
        if value is None:
            continue
        try:
            days.append(date.fromisoformat(value))
        except (TypeError, ValueError):
            raise _bad(i, key, "not_a_date") from None
    if len(days) == 2 and days[1] < days[0]:
        raise _bad(i, "valid_to", "bad_range")
    docs = item.get("required_documents") or []
    if not isinstance(docs, list) or len(docs) > MAX_DOCUMENTS:
        raise _bad(i, "required_documents", "not_a_list")
    out["required_documents"] = [_document(d, i, j) for j, d in enumerate(docs)]
    return out
