"""The PKCS#11 adapter: a clerk's USB token (VNPT-CA, Viettel-CA, Ban Cơ yếu...) or SoftHSM2.

python-pkcs11 loads the module (the CA's driver library) and talks to the token; pyHanko's
``PKCS11Signer`` signs through the open session. The PIN goes to ``C_Login`` once and is never
kept. Each PKCS#11 failure becomes one typed :class:`SigningError`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pkcs11
from asn1crypto import x509
from pkcs11 import Attribute, ObjectClass, TokenFlag
from pkcs11 import exceptions as p11
from pyhanko.sign.pkcs11 import PKCS11Signer

from . import pades
from .certs import CertificateInfo, check_validity, describe
from .errors import (
    CertificateNotFoundError,
    PinIncorrectError,
    PinLockedError,
    PinRequiredError,
    SigningError,
    SigningFailedError,
    TokenAbsentError,
    TokenModuleError,
    TokenRemovedError,
)
from .port import TokenInfo

log = logging.getLogger(__name__)

#: PKCS#11 return values that mean the token is gone (pulled out, or its session died with it).
_REMOVED: tuple[type[BaseException], ...] = (
    p11.DeviceRemoved,
    p11.TokenNotPresent,
    p11.SessionHandleInvalid,
    p11.SessionClosed,
    p11.DeviceError,
    p11.TokenNotRecognised,
    p11.SlotIDInvalid,
)


def tries_left(flags: int) -> str:
    """What the token says about the remaining PIN tries (PKCS#11 gives flags, not a count)."""
    if flags & TokenFlag.USER_PIN_LOCKED:
        return "locked"
    if flags & TokenFlag.USER_PIN_FINAL_TRY:
        return "final"
    if flags & TokenFlag.USER_PIN_COUNT_LOW:
        return "low"
    return "unknown"


def translate(exc: BaseException) -> SigningError:
    """The typed error for a PKCS#11 (or wrapped) failure; walks the exception chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SigningError):
            return seen
        if isinstance(seen, _REMOVED):
            return TokenRemovedError(detail=type(seen).__name__)
        if isinstance(seen, p11.PinLocked):
            return PinLockedError()
        if isinstance(seen, p11.UserNotLoggedIn):
            return PinRequiredError()
        if isinstance(seen, p11.PKCS11Error):
            return SigningFailedError(detail=type(seen).__name__)
        seen = seen.__cause__ or seen.__context__
    return SigningFailedError(detail=f"{type(exc).__name__}: {exc}"[:300])


def _load(module: str) -> Any:
    if not module or not os.path.isfile(module):
        raise TokenModuleError(module=module, reason="missing")
    try:
        return pkcs11.lib(module)
    except (RuntimeError, OSError, p11.PKCS11Error) as exc:
        raise TokenModuleError(module=module, reason=type(exc).__name__) from exc


def _get_token(lib: Any, token_label: str) -> Any:
    try:
        tokens = list(lib.get_tokens(token_label=token_label or None))
    except p11.PKCS11Error as exc:
        raise translate(exc) from exc
    if not tokens:
        raise TokenAbsentError(token=token_label)
    return tokens[0]


def _cert_objects(session: pkcs11.Session) -> list[tuple[str, str, x509.Certificate]]:
    out = []
    for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
        try:
            der = obj[Attribute.VALUE]
            cid = bytes(obj[Attribute.ID] or b"").hex()
            label = str(obj[Attribute.LABEL] or "")
        except p11.PKCS11Error:
            continue
        try:
            cert = x509.Certificate.load(bytes(der))
            cert.native  # noqa: B018 - parse now: a broken object is skipped, not a crash later
        except (ValueError, TypeError):
            log.warning("skipping an unreadable certificate object on the token")
            continue
        out.append((cid, label, cert))
    return out


class Pkcs11Session:
    """A logged-in token session with the clerk's certificate selected (a SigningSession)."""

    def __init__(
        self,
        session: pkcs11.Session,
        cert: x509.Certificate,
        info: CertificateInfo,
        clock: Callable[[], datetime],
    ) -> None:
        self._session = session
        self._info = info
        self._clock = clock
        self._lock = threading.Lock()
        cid = bytes.fromhex(info.cert_id)
        self._signer = PKCS11Signer(session, cert_id=cid, key_id=cid, signing_cert=cert)
        # Find the key handle now, while the token is surely there: a search cut short by a
        # pulled token later would only complain from a finaliser.
        self._signer._load_objects()  # type: ignore[no-untyped-call]
        self._closed = False

    @property
    def certificate(self) -> CertificateInfo:
        return self._info

    def sign(self, pdf: bytes, request: pades.SignRequest) -> bytes:
        check_validity(self._info, self._clock())
        with self._lock:
            if self._closed:
                raise PinRequiredError()
            try:
                return pades.sign_pdf(pdf, self._signer, request)
            except SigningError:
                raise
            except Exception as exc:  # noqa: BLE001 - every token failure becomes a typed error
                raise translate(exc) from exc

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._session.close()
            except p11.PKCS11Error:
                log.debug("token session already gone at close")


class Pkcs11Tokens:
    """The :class:`~motcua_desk.signing.port.TokenPort` over python-pkcs11."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock

    def tokens(self, module: str) -> list[TokenInfo]:
        lib = _load(module)
        try:
            found = list(lib.get_tokens())
        except p11.PKCS11Error as exc:
            raise translate(exc) from exc
        return [
            TokenInfo(
                label=t.label.strip(),
                serial=bytes(t.serial).decode("ascii", "replace").strip(),
                manufacturer=t.manufacturer_id.strip(),
                model=t.model.strip(),
            )
            for t in found
        ]

    def certificates(self, module: str, token_label: str) -> list[CertificateInfo]:
        token = _get_token(_load(module), token_label)
        try:
            with token.open() as session:
                objs = _cert_objects(session)
        except p11.PKCS11Error as exc:
            raise translate(exc) from exc
        return [describe(c, cert_id=cid, label=label) for cid, label, c in objs]

    def open(self, module: str, token_label: str, cert_id: str, pin: str) -> Pkcs11Session:
        token = _get_token(_load(module), token_label)
        try:
            session = token.open(user_pin=pin)
        except p11.PinIncorrect as exc:
            flags = _get_token(_load(module), token_label).flags
            raise PinIncorrectError(tries=tries_left(flags)) from exc
        except (p11.PinLenRange, p11.PinInvalid) as exc:
            raise PinIncorrectError(tries="unknown") from exc
        except p11.PKCS11Error as exc:
            raise translate(exc) from exc
        try:
            match = [c for c in _cert_objects(session) if c[0] == cert_id.lower()]
            if not match:
                raise CertificateNotFoundError(cert_id=cert_id)
            cid, label, cert = match[0]
            keys = list(
                session.get_objects(
                    {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: bytes.fromhex(cid)}
                )
            )
            if len(keys) != 1:
                raise CertificateNotFoundError(cert_id=cert_id)
            info = describe(cert, cert_id=cid, label=label)
            check_validity(info, self._clock())
            return Pkcs11Session(session, cert, info, self._clock)
        except BaseException as exc:
            with contextlib.suppress(p11.PKCS11Error):
                session.close()
            if isinstance(exc, (SigningError, KeyboardInterrupt)):
                raise
            if isinstance(exc, Exception):
                raise translate(exc) from exc
            raise
