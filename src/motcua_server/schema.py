"""OpenAPI schemas derived from the protocol dataclasses, so the docs cannot drift."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from typing import Any

#: Dataclass field name -> wire key, where they differ.
WIRE_NAMES = {"day": "date"}


def _type_schema(tp: Any) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _type_schema(args[0])
        return {**inner, "nullable": True}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(typing.get_args(tp)[0])}
    if origin is dict or tp is dict:
        return {"type": "object"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is datetime:
        return {"type": "string", "format": "date-time"}
    if tp is date:
        return {"type": "string", "format": "date"}
    if tp is str:
        return {"type": "string"}
    if dataclasses.is_dataclass(tp):
        return dataclass_schema(tp)
    raise TypeError(tp)  # pragma: no cover - a new field type needs a mapping here


def dataclass_schema(cls: Any) -> dict[str, Any]:
    """JSON schema of a wire dataclass (all fields required, no extra fields)."""
    hints = typing.get_type_hints(cls)
    props = {
        WIRE_NAMES.get(f.name, f.name): _type_schema(hints[f.name]) for f in dataclasses.fields(cls)
    }
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


def reply(cls: Any) -> dict[int | str, dict[str, Any]]:
    """``responses`` declaring ``cls`` as the 200 body and the error envelope otherwise."""
    error = {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "detail": {"type": "object"}},
                "required": ["code", "detail"],
            }
        },
        "required": ["error"],
    }
    content = {"application/json": {"schema": error}}
    out: dict[int | str, dict[str, Any]] = {
        200: {
            "description": "OK",
            "content": {"application/json": {"schema": dataclass_schema(cls)}},
        }
    }
    for code, text in (
        (401, "Bad or missing token"),
        (413, "Body too large"),
        (422, "Malformed request"),
        (426, "Protocol version refused"),
    ):
        out[code] = {"description": text, "content": content}
    return out
