"""A signer whose key sits in memory (pyHanko ``SimpleSigner``): the floor of the signing bench
and the second adapter of the signing-port contract tests. Not offered to clerks."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from asn1crypto import keys, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from . import pades
from .certs import CertificateInfo, check_validity, describe


class _LoadedKeySigner(SimpleSigner):
    """SimpleSigner re-parses (and re-validates) the private key for every signature, which
    costs more than the signature; keep the parsed RSA key instead."""

    def __init__(self, key: RSAPrivateKey, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        if mechanism.signature_algo == "rsassa_pkcs1v15":
            return self._key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        return super().sign_raw(data, digest_algorithm)


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
        loaded = serialization.load_der_private_key(key_der, password=None)
        if not isinstance(loaded, RSAPrivateKey):
            raise TypeError("InMemoryKey takes an RSA key")
        self._signer = _LoadedKeySigner(
            loaded,
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
