"""Import of the procedure catalogue from JSON (the format of ``resources/seed/procedures.json``).

The file is a JSON array of objects (or an object with a ``procedures`` array). Validation is
strict: the first problem raises :class:`CatalogueImportError` with the entry ``index`` and the
``field``. An entry whose ``code`` is explicitly ``null`` (a local procedure with no national
code yet) is skipped and reported, because the code is the catalogue's key; a missing ``code``
key is an error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from motcua_desk.domain.dossier import PaperForm
from motcua_desk.domain.nesting import NestingTooDeepError, check_nesting
from motcua_desk.domain.procedure import Procedure, RequiredDocument, TimeUnit
from motcua_desk.domain.text import normalize

from .errors import StorageError

if TYPE_CHECKING:
    from .uow import UnitOfWork

_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-_]{0,63}$")
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


class CatalogueImportError(StorageError):
    """``data``: ``index`` (entry, or None for the whole file), ``field`` and ``reason``."""

    code = "catalogue_import"

    def __init__(self, reason: str, index: int | None = None, field: str | None = None) -> None:
        super().__init__(reason=reason, index=index, field=field)
        self.reason = reason
        self.index = index
        self.field = field


@dataclass(frozen=True, slots=True)
class ParsedCatalogue:
    procedures: tuple[Procedure, ...]
    skipped: tuple[int, ...]  # indexes of entries without a national code


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    updated: int
    total: int
    skipped: int = 0


def _str(entry: dict[str, Any], key: str, i: int, *, default: str | None = None) -> str:
    if key not in entry:
        if default is None:
            raise CatalogueImportError("missing", i, key)
        return default
    value = entry[key]
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise CatalogueImportError("not_a_string", i, key)
    return normalize(value)


#: Upper bounds of catalogue numbers (issue 14 §6: processing_days 10^6 gave a due date in
#: year 5860, a fee of 2^63 overflowed SQLite's 64-bit integer). Far above any real procedure.
INT_LIMITS: dict[str, int] = {
    "processing_days": 3650,
    "fee_vnd": 1_000_000_000_000,
    "copies": 100,
}


def _int(entry: dict[str, Any], key: str, i: int) -> int | None:
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise CatalogueImportError("not_an_integer", i, key)
    if value < 0:
        raise CatalogueImportError("negative", i, key)
    if value > INT_LIMITS.get(key, 1_000_000):
        raise CatalogueImportError("too_large", i, key)
    return value


def _bool(entry: dict[str, Any], key: str, i: int, default: bool) -> bool:
    value = entry.get(key, default)
    if not isinstance(value, bool):
        raise CatalogueImportError("not_a_boolean", i, key)
    return value


def _date(entry: dict[str, Any], key: str, i: int) -> date | None:
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise CatalogueImportError("not_a_date", i, key)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CatalogueImportError("not_a_date", i, key) from None


def _document(item: object, i: int, j: int) -> RequiredDocument:
    field = f"required_documents[{j}]"
    if isinstance(item, str):
        name = normalize(item)
        if not name:
            raise CatalogueImportError("empty", i, field)
        return RequiredDocument(name=name)
    if not isinstance(item, dict):
        raise CatalogueImportError("not_a_document", i, field)
    unknown = set(item) - {"name", "form", "copies", "required"}
    if unknown:
        raise CatalogueImportError("unknown_field", i, f"{field}.{sorted(unknown)[0]}")
    name = _str(item, "name", i)
    if not name:
        raise CatalogueImportError("empty", i, f"{field}.name")
    form_value = item.get("form", PaperForm.ORIGINAL.value)
    try:
        form = PaperForm(form_value)
    except ValueError:
        raise CatalogueImportError("bad_value", i, f"{field}.form") from None
    copies = _int(item, "copies", i)
    if copies == 0:
        raise CatalogueImportError("bad_value", i, f"{field}.copies")
    required = _bool(item, "required", i, True)
    return RequiredDocument(name=name, form=form, copies=copies or 1, required=required)


def _procedure(entry: object, i: int) -> Procedure | None:
    if not isinstance(entry, dict):
        raise CatalogueImportError("not_an_object", i, None)
    unknown = set(entry) - _KNOWN
    if unknown:
        raise CatalogueImportError("unknown_field", i, sorted(unknown)[0])
    if "code" not in entry:
        raise CatalogueImportError("missing", i, "code")
    if entry["code"] is None:
        return None
    code = _str(entry, "code", i)
    if not _CODE.match(code):
        raise CatalogueImportError("bad_code", i, "code")
    name = _str(entry, "name", i)
    if not name:
        raise CatalogueImportError("empty", i, "name")
    unit_value = entry.get("time_unit", TimeUnit.WORKING_DAYS.value)
    try:
        unit = TimeUnit(unit_value)
    except ValueError:
        raise CatalogueImportError("bad_value", i, "time_unit") from None
    docs = entry.get("required_documents", [])
    if docs is None:
        docs = []
    if not isinstance(docs, list):
        raise CatalogueImportError("not_a_list", i, "required_documents")
    valid_from = _date(entry, "valid_from", i)
    valid_to = _date(entry, "valid_to", i)
    if valid_from and valid_to and valid_to < valid_from:
        raise CatalogueImportError("bad_range", i, "valid_to")
    return Procedure(
        code=code,
        name=name,
        field=_str(entry, "field", i, default=""),
        level=_str(entry, "level", i, default=""),
        processing_days=_int(entry, "processing_days", i),
        time_unit=unit,
        fee_vnd=_int(entry, "fee_vnd", i),
        required_documents=tuple(_document(d, i, j) for j, d in enumerate(docs)),
        verified=_bool(entry, "verified", i, False),
        same_day_cutoff=_bool(entry, "same_day_cutoff", i, True),
        valid_from=valid_from,
        valid_to=valid_to,
        active=_bool(entry, "active", i, True),
    )


def parse_catalogue(data: bytes | str) -> ParsedCatalogue:
    """Validate the whole file; nothing is returned unless every entry is valid."""
    try:
        check_nesting(data)  # before the parser: deep nesting is a RecursionError there
        doc = json.loads(data)
    except NestingTooDeepError:
        raise CatalogueImportError("nesting_too_deep") from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise CatalogueImportError("bad_json") from None
    if isinstance(doc, dict) and "procedures" in doc:
        doc = doc["procedures"]
    if not isinstance(doc, list):
        raise CatalogueImportError("not_a_list")
    procs: list[Procedure] = []
    skipped: list[int] = []
    seen: set[str] = set()
    for i, entry in enumerate(doc):
        proc = _procedure(entry, i)
        if proc is None:
            skipped.append(i)
            continue
        if proc.code in seen:
            raise CatalogueImportError("duplicate", i, "code")
        seen.add(proc.code)
        procs.append(proc)
    return ParsedCatalogue(tuple(procs), tuple(skipped))


def parse_catalogue_json(data: bytes | str) -> list[Procedure]:
    """The procedures of a catalogue file (entries with a null code are left out)."""
    return list(parse_catalogue(data).procedures)


def import_catalogue(uow: UnitOfWork, data: bytes | str) -> ImportReport:
    """Parse and upsert into ``uow`` (the caller commits)."""
    parsed = parse_catalogue(data)
    existing = uow.procedures.codes()
    added = sum(1 for p in parsed.procedures if p.code not in existing)
    total = uow.procedures.upsert_many(parsed.procedures)
    return ImportReport(
        added=added, updated=total - added, total=total, skipped=len(parsed.skipped)
    )
