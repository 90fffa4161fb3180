"""Unsent events carried to the server on a USB stick when a counter is offline for long.

The file is JSON: ``{"body": "<canonical JSON text>", "signature": "<hex>"}``. The body holds
the format name and version, the device, the unit, the export time and the events exactly as
a push would send them. The signature is HMAC-SHA256 of the body's UTF-8 bytes, keyed with the
SHA-256 digest of the device token — the value the server already stores for the device — so
only that counter can produce a file the server accepts, and any change to the body breaks it.
Importing applies the events through the normal push path: event ids make a second import of
the same file a no-op (every event answers "duplicate"). Standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua_desk.domain.nesting import NestingTooDeepError, check_nesting

from .protocol import OutboxEvent  # the wire event: one definition for push and file
from .validation import (
    ProtocolError,
    as_datetime,
    as_int,
    as_list,
    as_obj,
    as_str,
    as_uuid,
    exact_keys,
    fail,
)

FORMAT = "motcua-offline-events"
VERSION = 1
MAX_EVENTS = 200_000
MAX_FILE_BYTES = 512 * 1024 * 1024


class OfflineFileError(ProtocolError):
    """The file is malformed, of another format, unsigned or signed by someone else."""

    code = "offline_file_invalid"


@dataclass(frozen=True, slots=True)
class OfflineBundle:
    device_id: str
    agency_id: str
    created_at: datetime
    events: tuple[Any, ...]  # protocol.OutboxEvent


def token_digest(token: str) -> str:
    """The key material both sides know: sha256 of the device token, hex (as the server stores)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _sign(body: str, digest: str) -> str:
    return hmac.new(digest.encode("ascii"), body.encode("utf-8"), hashlib.sha256).hexdigest()


def dump_bundle(bundle: OfflineBundle, token: str) -> bytes:
    body = json.dumps(
        {
            "format": FORMAT,
            "version": VERSION,
            "device_id": bundle.device_id,
            "agency_id": bundle.agency_id,
            "created_at": bundle.created_at.isoformat(),
            "events": [e.to_dict() for e in bundle.events],
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    doc = {"body": body, "signature": _sign(body, token_digest(token))}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def load_bundle(data: bytes, token_digest_of: Callable[[str], str | None]) -> OfflineBundle:
    """Parse and verify a file; ``token_digest_of(device_id)`` gives the stored token digest
    (None for an unknown or revoked device). Every problem raises :class:`OfflineFileError`
    with ``path`` and ``reason``."""
    try:
        return _load(data, token_digest_of)
    except OfflineFileError:
        raise
    except ProtocolError as exc:
        raise OfflineFileError(**exc.data) from exc


def _load(data: bytes, token_digest_of: Callable[[str], str | None]) -> OfflineBundle:
    if len(data) > MAX_FILE_BYTES:
        raise OfflineFileError(path="$", reason="too_large")
    try:
        text = data.decode("utf-8")
        check_nesting(text)  # before the parser: no RecursionError (issue 14 §6)
        doc = json.loads(text)
    except NestingTooDeepError as exc:
        raise OfflineFileError(path="$", reason="nesting_too_deep") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OfflineFileError(path="$", reason="not_json") from exc
    outer = as_obj(doc, "$")
    exact_keys(outer, "$", {"body", "signature"})
    body = as_str(outer["body"], "$.body", max_len=MAX_FILE_BYTES)
    signature = as_str(outer["signature"], "$.signature", max_len=64)
    try:
        check_nesting(body)
        inner = as_obj(json.loads(body), "$.body")
    except NestingTooDeepError as exc:
        raise OfflineFileError(path="$.body", reason="nesting_too_deep") from exc
    except json.JSONDecodeError as exc:
        raise OfflineFileError(path="$.body", reason="not_json") from exc
    exact_keys(
        inner, "$.body", {"format", "version", "device_id", "agency_id", "created_at", "events"}
    )
    if inner["format"] != FORMAT:
        raise OfflineFileError(path="$.body.format", reason="unknown_format")
    if as_int(inner["version"], "$.body.version") != VERSION:
        raise OfflineFileError(path="$.body.version", reason="unsupported_version")
    device_id = as_uuid(inner["device_id"], "$.body.device_id")
    digest = token_digest_of(device_id)
    if digest is None:
        raise OfflineFileError(path="$.body.device_id", reason="unknown_device")
    if not hmac.compare_digest(_sign(body, digest), signature):
        raise OfflineFileError(path="$.signature", reason="bad_signature")
    raw = as_list(inner["events"], "$.body.events", MAX_EVENTS)
    events = tuple(OutboxEvent.from_dict(e, f"$.body.events[{i}]") for i, e in enumerate(raw))
    ids = [e.event_id for e in events]
    if len(set(ids)) != len(ids):
        raise fail("$.body.events", "duplicate_event_id")
    return OfflineBundle(
        device_id=device_id,
        agency_id=as_str(inner["agency_id"], "$.body.agency_id", max_len=35),
        created_at=as_datetime(inner["created_at"], "$.body.created_at"),
        events=events,
    )
