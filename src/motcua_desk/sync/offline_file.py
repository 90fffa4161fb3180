"""Unsent events carried to the server on a USB stick when a counter is offline for long.

The file is JSON: ``{"body": "<canonical JSON text>", "signature": "<base64>"}``. The body
holds the format name and version, the device, the unit, the export time and the events exactly
as a push would send them. The signature is Ed25519 over the body's UTF-8 bytes, made with a
private key that never leaves the counter; the server holds only the public key (registered by
the counter over its authenticated connection). Nothing in the server database can sign a file,
so a stolen or leaked server database cannot forge one, and any change to the body breaks it.
(Version 1 keyed an HMAC with the SHA-256 of the device token — exactly what the server stores —
and is refused.) Importing applies the events through the normal push path: event ids make a
second import of the same file a no-op (every event answers "duplicate").
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

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
VERSION = 2
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


def new_private_key() -> str:
    """A fresh Ed25519 signing key of the counter, base64 (kept in the desk database)."""
    return base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode("ascii")


def _private(private_key: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_key))


def public_key_of(private_key: str) -> str:
    """The base64 public key the server verifies this counter's files with."""
    raw = _private(private_key).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _verify(body: str, signature: str, public_key: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), body.encode("utf-8"))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def dump_bundle(bundle: OfflineBundle, private_key: str) -> bytes:
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
    signature = base64.b64encode(_private(private_key).sign(body.encode("utf-8")))
    doc = {"body": body, "signature": signature.decode("ascii")}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def load_bundle(data: bytes, public_key_of: Callable[[str], str | None]) -> OfflineBundle:
    """Parse and verify a file; ``public_key_of(device_id)`` gives the device's registered
    public key (None for an unknown or revoked device, or one that registered none). Every
    problem raises :class:`OfflineFileError` with ``path`` and ``reason``."""
    try:
        return _load(data, public_key_of)
    except OfflineFileError:
        raise
    except ProtocolError as exc:
        raise OfflineFileError(**exc.data) from exc


def _load(data: bytes, public_key_of: Callable[[str], str | None]) -> OfflineBundle:
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
    signature = as_str(outer["signature"], "$.signature", max_len=100)
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
    public_key = public_key_of(device_id)
    if public_key is None:
        raise OfflineFileError(path="$.body.device_id", reason="unknown_device")
    if not _verify(body, signature, public_key):
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
