"""OpenAPI schemas derived from the protocol dataclasses, so the docs cannot drift.

The limits each ``from_dict`` enforces (lengths, ranges, UUID and date formats, enumerations)
are stated here per field; ``tests/server/test_schema_fuzz.py`` runs a schema-based fuzzer
against a live server to check that replies and the schema agree.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from typing import Any

from motcua_desk.sync import protocol as p
from motcua_desk.sync.blob_protocol import MAX_BLOB
from motcua_desk.sync.held import MAX_HELD
from motcua_desk.sync.validation import MAX_PAYLOAD_KEYS

#: Dataclass field name -> wire key, where they differ.
WIRE_NAMES = {"day": "date"}

UUID = {
    "type": "string",
    "format": "uuid",
    "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    "minLength": 36,
    "maxLength": 36,
}
JSON_OBJECT = {"type": "object", "maxProperties": MAX_PAYLOAD_KEYS}
MAX_INT = 2**53  # validation.as_int's default upper bound


def _text(lo: int, hi: int) -> dict[str, Any]:
    return {"type": "string", "minLength": lo, "maxLength": hi}


def _int(lo: int, hi: int = MAX_INT) -> dict[str, Any]:
    return {"type": "integer", "minimum": lo, "maximum": hi}


#: (class name, wire field) -> schema: the limits of the matching ``from_dict``.
LIMITS: dict[tuple[str, str], dict[str, Any]] = {
    ("EnrolRequest", "enrolment_code"): _text(6, 64),
    ("EnrolRequest", "device_name"): {**_text(1, 100), "pattern": "^[^\\x00-\\x1f\\x7f]+$"},
    ("EnrolResponse", "device_id"): UUID,
    ("EnrolResponse", "token"): _text(20, 200),
    ("EnrolResponse", "agency_id"): _text(1, 35),
    ("EnrolResponse", "unit_name"): _text(1, 300),
    ("TokenResponse", "token"): _text(20, 200),
    ("OfflineKeyRequest", "public_key"): {
        **_text(44, 44),
        "pattern": "^[A-Za-z0-9+/]{43}=$",
        "description": "Ed25519 public key, 32 bytes, base64",
    },
    ("OutboxEvent", "event_id"): UUID,
    # beyond the 32-bit column, an event is rejected on its own (the rest of the batch goes on)
    ("OutboxEvent", "seq"): _int(1),
    ("OutboxEvent", "kind"): {"type": "string", "enum": sorted(p.EVENT_KINDS)},
    ("OutboxEvent", "aggregate_id"): UUID,
    ("OutboxEvent", "payload"): JSON_OBJECT,
    ("PushRequest", "device_id"): UUID,
    ("PushRequest", "events"): {"maxItems": p.MAX_BATCH},
    ("EventOutcome", "event_id"): UUID,
    ("EventOutcome", "status"): {"type": "string", "enum": sorted(p.OUTCOME_STATUSES)},
    ("EventOutcome", "reason"): _text(0, p.MAX_TEXT),
    ("EventOutcome", "assigned_code"): _text(0, 60),
    ("PushResponse", "outcomes"): {"maxItems": p.MAX_BATCH},
    ("Change", "cursor"): _int(1),
    ("Change", "entity"): {"type": "string", "enum": sorted(p.CHANGE_ENTITIES)},
    ("Change", "key"): _text(1, 100),
    ("Change", "data"): JSON_OBJECT,
    ("PullResponse", "changes"): {"maxItems": p.MAX_PULL},
    ("PullResponse", "next_cursor"): _int(0),
    ("HeldRequest", "event_ids"): {"maxItems": MAX_HELD, "items": UUID},
    ("HeldResponse", "held"): {"maxItems": MAX_HELD, "items": UUID},
    ("HeldResponse", "change_head"): _int(0),
    ("LeaseRequest", "count"): _int(1, p.MAX_LEASE),
    ("LeaseResponse", "first"): _int(1),
    ("LeaseResponse", "last"): _int(1),
    ("UploadState", "received"): _int(0, MAX_BLOB),
}


def _type_schema(tp: Any, limits: dict[str, Any] | None = None) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return {"anyOf": [_type_schema(args[0], limits), {"type": "null"}]}
    extra = limits or {}
    if origin is tuple:
        items = _type_schema(typing.get_args(tp)[0])
        return {"type": "array", "items": items, **extra}
    if origin is dict or tp is dict:
        return {"type": "object", **extra}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer", **extra}
    if tp is datetime:
        return {"type": "string", "format": "date-time", "maxLength": 40}
    if tp is date:
        return {"type": "string", "format": "date", "maxLength": 10}
    if tp is str:
        return {"type": "string", **extra}
    if dataclasses.is_dataclass(tp):
        return dataclass_schema(tp)
    raise TypeError(tp)  # pragma: no cover - a new field type needs a mapping here


def dataclass_schema(cls: Any) -> dict[str, Any]:
    """JSON schema of a wire dataclass (all fields required, no extra fields)."""
    hints = typing.get_type_hints(cls)
    props = {}
    for f in dataclasses.fields(cls):
        wire = WIRE_NAMES.get(f.name, f.name)
        props[wire] = _type_schema(hints[f.name], LIMITS.get((cls.__name__, wire)))
    return {
        "type": "object",
        "title": cls.__name__,
        "properties": props,
        "required": list(props),
        "additionalProperties": False,
    }


def body(cls: Any) -> dict[str, Any]:
    """``openapi_extra`` declaring ``cls`` as the JSON request body."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": dataclass_schema(cls)}},
        }
    }


VERSION_HEADER = {
    "name": p.HEADER,
    "in": "header",
    "required": True,
    "description": "Protocol version of the client; others are refused with 426",
    "schema": {
        "type": "string",
        "enum": [str(v) for v in range(p.MIN_SUPPORTED, p.PROTOCOL_VERSION + 1)],
    },
}
BEARER = {"deviceToken": {"type": "http", "scheme": "bearer"}}

ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "maxLength": 100},
                "detail": {"type": "object"},
            },
            "required": ["code", "detail"],
            "additionalProperties": False,
        }
    },
    "required": ["error"],
    "additionalProperties": False,
}
ERROR_TEXT = {
    401: "Missing, unknown or revoked token, or a bad enrolment code (`unauthorized`)",
    403: "The body's device_id is not the token's device (`device_mismatch`)",
    409: "An event_id came back with a different content (`event_id_reused`)",
    413: "Body over the server's limit (`payload_too_large`)",
    422: "Malformed request; `detail.path` names the field (`invalid_request`)",
    426: "Protocol version refused (`protocol_version`)",
    429: "Too many failed attempts from this address (`rate_limited`), see Retry-After",
    503: "Transient database conflict, nothing applied (`retry_later`), see Retry-After",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "string", "pattern": "^[0-9]+$"}}}
ROTATE = {
    p.ROTATE_HEADER: {
        "description": "Present when the device should rotate its token",
        "schema": {"type": "string", "enum": ["due"]},
    }
}


# Attachment files (issue 15): raw bytes up, raw bytes down, errors in the same envelope.
BLOB_MEDIA_TYPE = "application/pdf"  # digitised papers are stored as PDF (img2pdf / ocrmypdf)
BINARY = {"type": "string", "format": "binary"}
RAW_BODY = {
    "requestBody": {
        "required": False,  # an empty chunk at offset=total claims a file held already
        "description": "The chunk's bytes, at most the server's body limit (1 MiB chunks)",
        "content": {"application/octet-stream": {"schema": BINARY}},
    }
}
BLOB_CONTENT = {BLOB_MEDIA_TYPE: {"schema": BINARY}}
PAPERS_CONTENT = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {
                "attachments": {
                    "type": "array",
                    "description": "`attachment.put` payloads (docs/sync-protocol.md)",
                    "items": {**JSON_OBJECT, "required": ["sync_id", "sha256"]},
                }
            },
            "required": ["attachments"],
            "additionalProperties": False,
        }
    }
}
BLOB_TEXT = {
    404: "No such path, or a file no unit of this device holds (`not_found`)",
    409: "The chunk's offset is not what the server holds (`offset_mismatch`, "
    "`detail.received` says where to resume)",
    422: "Malformed request, `detail.path` names the field (`invalid_request`), or the bytes "
    "do not have the SHA-256 they were sent under (`hash_mismatch`, nothing kept)",
}


def operation(*, auth: bool, request: Any = None, raw_body: bool = False) -> dict[str, Any]:
    """``openapi_extra``: the version header, the token, and the body of an operation."""
    extra: dict[str, Any] = {"parameters": [VERSION_HEADER]}
    extra["security"] = [{"deviceToken": []}] if auth else []
    if request is not None:
        extra.update(body(request))
    if raw_body:
        extra.update(RAW_BODY)
    return extra


def reply(
    cls: Any, *codes: int, rotate: bool = False, texts: dict[int, str] | None = None
) -> dict[int | str, dict[str, Any]]:
    """``responses``: ``cls`` as the 200 body (a wire dataclass, or a ready ``content`` map),
    the error envelope for each status in ``codes`` (``texts`` overrides their descriptions)."""
    content = (
        cls if isinstance(cls, dict) else {"application/json": {"schema": dataclass_schema(cls)}}
    )
    ok: dict[str, Any] = {"description": "OK", "content": content}
    if rotate:
        ok["headers"] = ROTATE
    out: dict[int | str, dict[str, Any]] = {200: ok}
    for code in sorted({*codes, 426, 503}):
        out[code] = {
            "description": (texts or {}).get(code, ERROR_TEXT.get(code, "")),
            "content": {"application/json": {"schema": ERROR}},
        }
        if code in (429, 503):
            out[code]["headers"] = RETRY_AFTER
    return out
