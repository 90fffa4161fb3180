"""A signer whose key sits in memory (pyHanko ``SimpleSigner``): the floor of the signing bench
and the second adapter of the signing-port contract tests. Not offered to clerks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from asn1crypto import keys, x509
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import pades
from .certs import CertificateInfo, check_validity, describe


class InMemoryKey:
    def __init__(
        self,
        key_der: bytes,
        cert_der: bytes,
        clock: Callable[[], datetime],
        chain_der: tuple[bytes, ...] = (),
    ) -> None:
        cert = x509.Certificate.load(cert_der)
        chain = [x509.Certificate.load(c) for c in chain_der]
        self._signer = SimpleSigner(
            signing_cert=cert,
            signing_key=keys.PrivateKeyInfo.load(key_der),
            cert_registry=SimpleCertificateStore.from_certs([cert, *chain]),  # type: ignore[no-untyped-call]
        )
        self._info = describe(cert)
        self._clock = clock
        self._lock = threading.Lock()

    @property
    def certificate(self) -> CertificateInfo:
        return self._info

    def sign(self, pdf: bytes, request: pades.SignRequest) -> bytes:
        check_validity(self._info, self._clock())
        with self._lock:
            return pades.sign_pdf(pdf, self._signer, request)

    def close(self) -> None:
        return None
