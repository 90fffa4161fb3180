"""The signing port: what services need from a signing device, whatever it is.

Adapters: :class:`motcua_desk.signing.pkcs11_token.Pkcs11Tokens` (USB token through PKCS#11)
and :class:`motcua_desk.signing.keyfile.InMemoryKey` (a key held in memory: the bench floor
and tests). One contract test suite runs against each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .certs import CertificateInfo
from .pades import SignRequest


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """One token seen through a PKCS#11 module."""

    label: str
    serial: str
    manufacturer: str
    model: str


class SigningSession(Protocol):
    """A logged-in signer: a token session opened with the PIN, or an in-memory key."""

    @property
    def certificate(self) -> CertificateInfo: ...

    def sign(self, pdf: bytes, request: SignRequest) -> bytes:
        """Return ``pdf`` with one more PAdES signature; raise a :class:`SigningError`."""
        ...

    def close(self) -> None: ...


class TokenPort(Protocol):
    """Finds tokens and certificates behind a module, and opens a signing session."""

    def tokens(self, module: str) -> list[TokenInfo]: ...

    def certificates(self, module: str, token_label: str) -> list[CertificateInfo]: ...

    def open(self, module: str, token_label: str, cert_id: str, pin: str) -> SigningSession:
        """Log in with ``pin`` (used once, never kept) and select the certificate."""
        ...
