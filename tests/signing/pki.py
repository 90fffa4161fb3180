"""A test PKI (CA, clerk certificates, CRL) and a SoftHSM2 token holding the clerk's keys.

The clerk's key pairs are generated ON the token (non-extractable, as on a real USB token);
the CA signs a certificate for each public key, and the certificate is written to the token.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "123456"
SO_PIN = "12345678"
NOW = datetime.now(UTC)


@dataclass(frozen=True)
class TestCA:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def issue(
        self,
        public_key: rsa.RSAPublicKey,
        name: str,
        *,
        not_before: datetime,
        not_after: datetime,
        org: str = "UBND tỉnh Thanh Hóa",
        ocsp_url: str | None = None,
        serial: int | None = None,
    ) -> x509.Certificate:
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                x509.NameAttribute(NameOID.COMMON_NAME, name),
            ]
        )
        builder = x509.CertificateBuilder()
        if ocsp_url:
            builder = builder.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(ocsp_url),
                        )
                    ]
                ),
                critical=False,
            )
        return (
            builder.subject_name(subject)
            .issuer_name(self.cert.subject)
            .public_key(public_key)
            .serial_number(serial or x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )

    def crl(self) -> bytes:
        crl = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.cert.subject)
            .last_update(NOW - timedelta(hours=1))
            .next_update(NOW + timedelta(days=7))
            .add_extension(x509.CRLNumber(1), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        return crl.public_bytes(serialization.Encoding.DER)


def make_ca(name: str = "CA thử nghiệm Một cửa") -> TestCA:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=365))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return TestCA(key, cert)


def make_tsa_cert(ca: TestCA) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA thử nghiệm")]))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=30))
        .not_valid_after(NOW + timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca.key, hashes.SHA256())
    )
    return key, cert


@dataclass(frozen=True)
class Clerk:
    """One certificate on the token: its CKA_ID (hex) and DER."""

    name: str
    cert_id: str
    cert_der: bytes


def softhsm_available() -> bool:
    return os.path.isfile(SOFTHSM_MODULE) and shutil.which("softhsm2-util") is not None


def init_token(conf_dir: Path, label: str) -> None:
    """Create ``label`` in the token directory named by ``$SOFTHSM2_CONF``."""
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            label,
            "--pin",
            PIN,
            "--so-pin",
            SO_PIN,
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "SOFTHSM2_CONF": str(conf_dir / "softhsm2.conf")},
    )


def put_clerk(
    token_label: str,
    ca: TestCA,
    name: str,
    cert_id: str,
    *,
    not_before: datetime,
    not_after: datetime,
    ocsp_url: str | None = None,
) -> Clerk:
    """Generate an RSA-2048 key pair on the token and store a CA-issued certificate beside it."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
    from pkcs11.util.rsa import encode_rsa_public_key

    lib = pkcs11.lib(SOFTHSM_MODULE)
    token = lib.get_token(token_label=token_label)
    cid = bytes.fromhex(cert_id)
    with token.open(rw=True, user_pin=PIN) as session:
        pub, _priv = session.generate_keypair(KeyType.RSA, 2048, id=cid, label=name, store=True)
        public_key = serialization.load_der_public_key(_spki(encode_rsa_public_key(pub)))
        assert isinstance(public_key, rsa.RSAPublicKey)
        cert = ca.issue(
            public_key, name, not_before=not_before, not_after=not_after, ocsp_url=ocsp_url
        )
        der = cert.public_bytes(serialization.Encoding.DER)
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.PRIVATE: False,
                Attribute.LABEL: name,
                Attribute.ID: cid,
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: der,
            }
        )
    return Clerk(name=name, cert_id=cert_id, cert_der=der)


def _spki(pkcs1_der: bytes) -> bytes:
    from asn1crypto import keys

    return keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "rsa"},
            "public_key": keys.RSAPublicKey.load(pkcs1_der),
        }
    ).dump()


def receipt_pdf(layout: str = "A5") -> bytes:
    """A real one-page Mẫu 01 with the clerk's empty signature field."""
    from motcua_desk.domain.dossier import ChecklistItem, PaperForm, Person
    from motcua_desk.printing.slips import receipt
    from motcua_desk.printing.slips.common import UnitHeader

    data = receipt.ReceiptData(
        dossier_code="000.00.15.H29-261122-0001",
        header=UnitHeader(
            managing_body="UBND tỉnh Thanh Hóa",
            unit_name="Trung tâm Phục vụ hành chính công tỉnh",
            place_name="Thanh Hóa",
        ),
        applicant=Person(full_name="Nguyễn Thị Hằng", id_number="038195001234"),
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        received_at=datetime(2026, 2, 12, 10, 15),
        due_at=datetime(2026, 2, 26, 10, 0),
        clerk_name="Nguyễn Thị Lan",
        papers=(ChecklistItem("Tờ khai đăng ký khai sinh", PaperForm.ORIGINAL, 1, received=True),),
        qr_payload="000.00.15.H29-261122-0001",
    )
    return receipt.render(data, layout=layout)
