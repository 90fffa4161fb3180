"""Typed signing errors: a stable code plus data, never text (``ui/strings.py`` words them)."""

from __future__ import annotations

from motcua_desk.domain.errors import DomainError


class SigningError(DomainError):
    """Base class; a document that hits one of these stays "chờ ký" (pending)."""

    code = "signing_error"


class TokenModuleError(SigningError):
    """The PKCS#11 module (driver library) is not set, missing, or cannot be loaded."""

    code = "token_module_unavailable"


class TokenAbsentError(SigningError):
    """No token is plugged in (or not the configured one: ``data['token']``)."""

    code = "token_absent"


class TokenRemovedError(SigningError):
    """The token was pulled out (or its session died) while the app was using it."""

    code = "token_removed"


class PinIncorrectError(SigningError):
    """Wrong PIN. ``data['tries']`` is ``"low"``, ``"final"`` or ``"unknown"`` (token flags)."""

    code = "token_pin_incorrect"


class PinLockedError(SigningError):
    """The token locked its user PIN after too many wrong tries."""

    code = "token_pin_locked"


class PinRequiredError(SigningError):
    """No open token session: the clerk must enter the PIN first."""

    code = "token_pin_required"


class CertificateNotFoundError(SigningError):
    """The chosen certificate (``data['cert_id']``) or its private key is not on the token."""

    code = "token_certificate_not_found"


class CertificateExpiredError(SigningError):
    """The signing certificate expired on ``data['not_after']`` (ISO date-time, UTC)."""

    code = "certificate_expired"


class CertificateNotYetValidError(SigningError):
    """The signing certificate is valid only from ``data['not_before']`` (ISO, UTC)."""

    code = "certificate_not_yet_valid"


class SigningFailedError(SigningError):
    """The token or pyHanko refused the signature; ``data['detail']`` says why (English)."""

    code = "signing_failed"


class UnreadablePdfError(SigningError):
    """The bytes to sign or verify are not a PDF pyHanko can read."""

    code = "signing_pdf_unreadable"


class TrustRootsError(SigningError):
    """The configured trust-root file (``data['path']``) is missing or holds no certificate."""

    code = "signing_trust_roots_invalid"
