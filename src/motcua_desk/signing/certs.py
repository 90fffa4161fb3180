"""The certificate a clerk signs with, as a frozen value, and its validity check."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import x509

from .errors import CertificateExpiredError, CertificateNotYetValidError


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """What the settings page and the stamp show about one certificate on a token."""

    cert_id: str  # CKA_ID as lower-case hex ("" when the token gives none)
    label: str
    subject_name: str  # the certificate's common name
    organisation: str
    issuer_name: str
    serial: str  # hex
    not_before: datetime
    not_after: datetime
    sha256: str  # of the DER certificate

    def valid_at(self, when: datetime) -> bool:
        return self.not_before <= when <= self.not_after


def _name_part(name: x509.Name, key: str) -> str:
    value = name.native.get(key, "")
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value)


def describe(cert: x509.Certificate, *, cert_id: str = "", label: str = "") -> CertificateInfo:
    validity = cert["tbs_certificate"]["validity"]
    return CertificateInfo(
        cert_id=cert_id,
        label=label,
        subject_name=_name_part(cert.subject, "common_name"),
        organisation=_name_part(cert.subject, "organization_name"),
        issuer_name=_name_part(cert.issuer, "common_name"),
        serial=format(cert.serial_number, "x"),
        not_before=validity["not_before"].native.astimezone(UTC),
        not_after=validity["not_after"].native.astimezone(UTC),
        sha256=hashlib.sha256(cert.dump()).hexdigest(),
    )


def check_validity(info: CertificateInfo, now: datetime) -> None:
    """Raise when the certificate cannot sign at ``now`` (an aware datetime)."""
    if now < info.not_before:
        raise CertificateNotYetValidError(not_before=info.not_before.isoformat())
    if now > info.not_after:
        raise CertificateExpiredError(not_after=info.not_after.isoformat())
