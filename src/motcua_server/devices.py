"""Device tokens: authentication, rotation, and the key that verifies offline event files."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, or_, select, update

from motcua_desk.sync import protocol as p
from motcua_server.db import reading, transaction
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
    token stops working from then on. Every request passes here, so it reads without taking a
    write lock (SQLite); the rare writes (a rotation confirmed, an enrolment code spent) are
    conditional UPDATEs, right whichever worker process runs a concurrent request.
    """
    if not token or len(token) > 200:
        raise AuthFailedError(reason="missing_token")
    used = digest(token)
    with reading(engine) as s:
        found = s.execute(
            select(Device, Unit)
            .join(Unit, Unit.id == Device.unit_id)
            .where(or_(Device.token_hash == used, Device.prev_token_hash == used))
        ).one_or_none()
    if found is None or found[0].revoked:
        raise AuthFailedError(reason="bad_token")
    device, unit = found
    confirm = device.token_hash == used and device.prev_token_hash is not None
    spend = device.enrol_code_hash is not None
    if confirm or spend:
        with transaction(engine) as s:
            if confirm:  # the new token arrived: rotation confirmed
                s.execute(
                    update(Device)
                    .where(Device.id == device.id, Device.token_hash == used)
                    .values(prev_token_hash=None)
                )
                device.prev_token_hash = None
            if spend:
                # The token arrived, so the enrolment reply did: the enrolment code is spent.
                s.execute(
                    update(Device)
                    .where(
                        Device.id == device.id,
                        or_(Device.token_hash == used, Device.prev_token_hash == used),
                    )
                    .values(enrol_code_hash=None, enrol_expires_at=None)
                )
                device.enrol_code_hash = None
                device.enrol_expires_at = None
    issued = _aware(device.token_issued_at or device.enrolled_at)
    old = issued is not None and issued + max_age < datetime.now(UTC)
    due = device.rotate_requested or device.prev_token_hash is not None or old
    return Authenticated(device, unit, used, due)


def rotate(engine: Engine, device_id: str, used_hash: str) -> p.TokenResponse:
    """Issue a new token; the one used to ask stays valid until the new one is first used.

    One conditional UPDATE: of two concurrent rotations (two worker processes), each applies
    only if the token it was asked with is still the device's current or previous one.
    """
    token = new_token()
    with transaction(engine) as s:
        done = s.execute(
            update(Device)
            .where(
                Device.id == device_id,
                Device.revoked.is_(False),
                or_(Device.token_hash == used_hash, Device.prev_token_hash == used_hash),
            )
            .values(
                prev_token_hash=used_hash,
                token_hash=digest(token),
                token_issued_at=datetime.now(UTC),
                rotate_requested=False,
            )
        )
        if getattr(done, "rowcount", 0) != 1:
            raise AuthFailedError(reason="bad_token")
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
