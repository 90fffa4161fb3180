"""Device tokens: authentication, rotation, and the key that verifies offline event files."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, or_, select

from motcua_desk.sync import protocol as p
from motcua_server.db import transaction
from motcua_server.models import Device, Unit
from motcua_server.security import AuthFailedError, digest, new_token

ROTATE_HEADER = p.ROTATE_HEADER


@dataclass(frozen=True, slots=True)
class Authenticated:
    device: Device
    unit: Unit
    token_hash: str  # the hash of the token this request used (current or previous)
    rotation_due: bool


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def authenticate(engine: Engine, token: str | None, max_age: timedelta) -> Authenticated:
    """The device of ``token``: its current token, or the one before an unconfirmed rotation.

    The first request made with a newly rotated token confirms the rotation: the previous
    token stops working from then on.
    """
    if not token or len(token) > 200:
        raise AuthFailedError(reason="missing_token")
    used = digest(token)
    with transaction(engine) as s:
        device = s.scalars(
            select(Device).where(or_(Device.token_hash == used, Device.prev_token_hash == used))
        ).one_or_none()
        if device is None or device.revoked:
            raise AuthFailedError(reason="bad_token")
        if device.token_hash == used and device.prev_token_hash is not None:
            device.prev_token_hash = None  # the new token arrived: rotation confirmed
        if device.enrol_code_hash is not None:
            # The token arrived, so the enrolment reply did: the enrolment code is spent now.
            device.enrol_code_hash = None
            device.enrol_expires_at = None
        unit = s.get(Unit, device.unit_id)
        assert unit is not None
        issued = _aware(device.token_issued_at or device.enrolled_at)
        old = issued is not None and issued + max_age < datetime.now(UTC)
        due = device.rotate_requested or device.prev_token_hash is not None or old
        return Authenticated(device, unit, used, due)


def rotate(engine: Engine, device_id: str, used_hash: str) -> p.TokenResponse:
    """Issue a new token; the one used to ask stays valid until the new one is first used."""
    token = new_token()
    with transaction(engine) as s:
        device = s.get(Device, device_id)
        if (
            device is None
            or device.revoked
            or used_hash
            not in (
                device.token_hash,
                device.prev_token_hash,
            )
        ):
            raise AuthFailedError(reason="bad_token")
        device.prev_token_hash = used_hash
        device.token_hash = digest(token)
        device.token_issued_at = datetime.now(UTC)
        device.rotate_requested = False
    return p.TokenResponse(token)


def public_key(text: str) -> Ed25519PublicKey:
    """Parse a base64 Ed25519 public key; raise ``ValueError`` if it is not one."""
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise ValueError("not_base64") from exc
    if len(raw) != 32:
        raise ValueError("bad_key_length")
    return Ed25519PublicKey.from_public_bytes(raw)


def register_offline_key(engine: Engine, device_id: str, req: p.OfflineKeyRequest) -> None:
    """Store the public half of the key the device signs its offline files with."""
    try:
        public_key(req.public_key)
    except ValueError as exc:
        raise p.ProtocolError(path="$.public_key", reason=str(exc)) from exc
    with transaction(engine) as s:
        device = s.get(Device, device_id)
        assert device is not None
        device.offline_public_key = req.public_key
