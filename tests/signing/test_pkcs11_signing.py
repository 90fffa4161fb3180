"""The signing port against a real PKCS#11 token (SoftHSM2) and the in-memory key: one contract.

Every signature is checked twice: by pyHanko against the test CA, and by poppler's ``pdfsig``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua_desk.printing.slips.sigfield import CLERK_SIGNATURE_FIELD
from motcua_desk.printing.stamp import render_stamp
from motcua_desk.signing import errors as e
from motcua_desk.signing.keyfile import InMemoryKey
from motcua_desk.signing.pades import DEFAULT_BOX, SignRequest
from motcua_desk.signing.pkcs11_token import Pkcs11Tokens, tries_left
from motcua_desk.signing.port import SigningSession
from motcua_desk.signing.verify import load_trust_roots, verify_pdf

from .conftest import HsmWorld, pki

LINES = (
    "Ký bởi: Nguyễn Thị Lan",
    "Công chức tiếp nhận hồ sơ",
    "Trung tâm Phục vụ hành chính công tỉnh",
    "12/02/2026 10:15",
)


def request(**kw: object) -> SignRequest:
    return SignRequest(
        stamp=lambda w, h: render_stamp(LINES, w, h),
        field_name=str(kw.pop("field_name", CLERK_SIGNATURE_FIELD)),
        **kw,  # type: ignore[arg-type]
    )


def now() -> datetime:
    return datetime.now(UTC)


def pdfsig(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdfsig") is None:
        pytest.skip("pdfsig (poppler-utils) is not installed")
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout


def field_rects(pdf: bytes) -> dict[str, tuple[float, ...]]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    out = {}
    for ref in reader.root["/AcroForm"]["/Fields"]:
        f = ref.get_object()
        out[str(f["/T"])] = tuple(float(v) for v in f["/Rect"])
    return out


@pytest.fixture
def token(hsm: HsmWorld) -> Iterator[SigningSession]:
    session = Pkcs11Tokens(now).open(hsm.module, hsm.token, hsm.clerk.cert_id, pki.PIN)
    yield session
    session.close()


@pytest.fixture
def memory_key(hsm: HsmWorld) -> SigningSession:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = hsm.ca.issue(
        key.public_key(),
        "Nguyễn Thị Lan",
        not_before=now() - timedelta(days=1),
        not_after=now() + timedelta(days=30),
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return InMemoryKey(der_key, cert.public_bytes(serialization.Encoding.DER), now)


@pytest.fixture(params=["token", "memory_key"])
def signer(request: pytest.FixtureRequest) -> SigningSession:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


# ---- the contract: both adapters ------------------------------------------------------------


def test_signed_receipt_verifies_with_pyhanko_and_pdfsig(
    signer: SigningSession, hsm: HsmWorld, tmp_path: Path
) -> None:
    pdf = pki.receipt_pdf()
    signed = signer.sign(pdf, request(reason="Tiếp nhận hồ sơ", location="Thanh Hóa"))
    assert signed.startswith(pdf)  # incremental update: the unsigned form is kept byte for byte
    [check] = verify_pdf(signed, load_trust_roots(hsm.trust_file))
    assert check.intact and check.trusted and check.covers_document
    assert check.signer_name == "Nguyễn Thị Lan"
    assert check.field_name == CLERK_SIGNATURE_FIELD
    assert check.signed_at is not None and abs(check.signed_at - now()) < timedelta(minutes=5)
    report = pdfsig(signed, tmp_path)
    assert "Signature is Valid." in report
    assert "Total document signed" in report
    assert "Nguyễn Thị Lan" in report
    assert "ETSI.CAdES.detached" in report  # PAdES sub-filter


def test_stamp_fills_the_forms_signature_block(signer: SigningSession) -> None:
    pdf = pki.receipt_pdf()
    before = field_rects(pdf)[CLERK_SIGNATURE_FIELD]
    # The field sits in the right half of an A5 page, in the lower part (the signature row).
    assert before[0] > 419.53 / 2 - 20 and before[2] < 419.53
    signed = signer.sign(pdf, request())
    assert field_rects(signed)[CLERK_SIGNATURE_FIELD] == before
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    widget = reader.root["/AcroForm"]["/Fields"][0].get_object()
    assert "/AP" in widget  # a visible appearance (the stamp)


def test_untrusted_root_is_intact_but_not_trusted(signer: SigningSession, hsm: HsmWorld) -> None:
    signed = signer.sign(pki.receipt_pdf(), request())
    [check] = verify_pdf(signed, (hsm.other_ca.der,))
    assert check.intact and not check.trusted


def test_tampered_document_is_not_intact(signer: SigningSession, hsm: HsmWorld) -> None:
    signed = bytearray(signer.sign(pki.receipt_pdf(), request()))
    at = signed.index(b"(motcua_desk")  # the document info, inside the signed byte range
    signed[at + 1 : at + 4] = b"XXX"
    checks = verify_pdf(bytes(signed), (hsm.ca.der,))
    assert checks and not checks[0].intact


def test_paper_without_field_gets_a_stamp_box_on_the_last_page(signer: SigningSession) -> None:
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf, invariant=1)
    for _ in range(2):
        c.drawString(100, 700, "scan")
        c.showPage()
    c.save()
    signed = signer.sign(buf.getvalue(), request(field_name="ChuyenDoi"))
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    [field] = [r.get_object() for r in reader.root["/AcroForm"]["/Fields"]]
    assert tuple(float(v) for v in field["/Rect"]) == DEFAULT_BOX
    assert field["/P"].get_object() == reader.root["/Pages"]["/Kids"][1].get_object()


def test_two_signatures_both_verify(signer: SigningSession, hsm: HsmWorld) -> None:
    once = signer.sign(pki.receipt_pdf(), request())
    twice = signer.sign(once, request(field_name="ChuyenDoi"))
    checks = verify_pdf(twice, (hsm.ca.der,))
    assert [c.field_name for c in checks] == [CLERK_SIGNATURE_FIELD, "ChuyenDoi"]
    assert all(c.intact for c in checks)
    assert not checks[0].covers_document and checks[1].covers_document


# ---- B-T and B-LT against a local timestamp authority and a CRL -------------------------------


def test_b_t_and_b_lt_with_local_tsa_and_crl(
    token: SigningSession, hsm: HsmWorld, tmp_path: Path
) -> None:
    from asn1crypto import crl as asn1_crl
    from asn1crypto import keys, x509
    from pyhanko.sign.timestamps import DummyTimeStamper
    from pyhanko_certvalidator import ValidationContext

    tsa_key, tsa_cert = pki.make_tsa_cert(hsm.ca)
    stamper = DummyTimeStamper(
        tsa_cert=x509.Certificate.load(tsa_cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    bt = request(timestamper=stamper)
    assert bt.level == "B-T"
    signed = token.sign(pki.receipt_pdf(), bt)
    [check] = verify_pdf(signed, (hsm.ca.der,))
    assert check.intact and check.trusted and check.timestamp_at is not None
    crl = hsm.ca.crl()
    vc = ValidationContext(
        trust_roots=[x509.Certificate.load(hsm.ca.der)],
        crls=[asn1_crl.CertificateList.load(crl)],
        allow_fetching=False,
    )
    blt = request(timestamper=stamper, validation_context=vc)
    assert blt.level == "B-LT"
    signed = token.sign(pki.receipt_pdf(), blt)
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    assert "/DSS" in reader.root  # revocation data embedded for long-term validation
    [check] = verify_pdf(signed, (hsm.ca.der,), crls=(crl,))
    assert check.intact and check.trusted and check.timestamp_at is not None
    assert "Signature is Valid." in pdfsig(signed, tmp_path)


# ---- token handling -------------------------------------------------------------------------


def test_lists_token_and_certificates(hsm: HsmWorld) -> None:
    port = Pkcs11Tokens(now)
    assert "clerk" in [t.label for t in port.tokens(hsm.module)]
    certs = {c.cert_id: c for c in port.certificates(hsm.module, hsm.token)}
    assert certs["01"].subject_name == "Nguyễn Thị Lan"
    assert certs["01"].issuer_name == "CA thử nghiệm Một cửa"
    assert certs["01"].valid_at(now()) and not certs["02"].valid_at(now())


def test_wrong_pin(hsm: HsmWorld) -> None:
    with pytest.raises(e.PinIncorrectError) as info:
        Pkcs11Tokens(now).open(hsm.module, hsm.token, hsm.clerk.cert_id, "000000")
    # The token raises CKF_USER_PIN_COUNT_LOW after a wrong PIN (SoftHSM2 does, as USB tokens).
    assert info.value.data == {"tries": "low"}
    Pkcs11Tokens(now).open(hsm.module, hsm.token, hsm.clerk.cert_id, pki.PIN).close()


def test_tries_left_from_token_flags() -> None:
    from pkcs11 import TokenFlag

    assert tries_left(0) == "unknown"
    assert tries_left(TokenFlag.USER_PIN_COUNT_LOW) == "low"
    assert tries_left(TokenFlag.USER_PIN_COUNT_LOW | TokenFlag.USER_PIN_FINAL_TRY) == "final"
    assert tries_left(TokenFlag.USER_PIN_LOCKED | TokenFlag.USER_PIN_FINAL_TRY) == "locked"


def test_expired_and_not_yet_valid_certificates(hsm: HsmWorld) -> None:
    port = Pkcs11Tokens(now)
    with pytest.raises(e.CertificateExpiredError) as expired:
        port.open(hsm.module, hsm.token, hsm.expired.cert_id, pki.PIN)
    assert datetime.fromisoformat(expired.value.data["not_after"]) < now()
    with pytest.raises(e.CertificateNotYetValidError) as future:
        port.open(hsm.module, hsm.token, hsm.future.cert_id, pki.PIN)
    assert datetime.fromisoformat(future.value.data["not_before"]) > now()


def test_certificate_expiring_during_the_session(hsm: HsmWorld) -> None:
    moment = [now()]
    session = Pkcs11Tokens(lambda: moment[0]).open(hsm.module, hsm.token, "01", pki.PIN)
    try:
        moment[0] = now() + timedelta(days=800)
        with pytest.raises(e.CertificateExpiredError):
            session.sign(pki.receipt_pdf(), request())
    finally:
        session.close()


def test_unknown_certificate_absent_token_and_missing_module(hsm: HsmWorld, tmp_path: Path) -> None:
    port = Pkcs11Tokens(now)
    with pytest.raises(e.CertificateNotFoundError):
        port.open(hsm.module, hsm.token, "7f", pki.PIN)
    with pytest.raises(e.TokenAbsentError) as absent:
        port.open(hsm.module, "khong-co", "01", pki.PIN)
    assert absent.value.data == {"token": "khong-co"}
    with pytest.raises(e.TokenModuleError):
        port.tokens(str(tmp_path / "missing.so"))
    not_a_library = tmp_path / "fake.so"
    not_a_library.write_bytes(b"\x7fELF garbage")
    with pytest.raises(e.TokenModuleError):
        port.tokens(str(not_a_library))


def test_token_removed_mid_session(hsm: HsmWorld) -> None:
    session = Pkcs11Tokens(now).open(hsm.module, hsm.token, "01", pki.PIN)
    session.sign(pki.receipt_pdf(), request())
    # Pulling the token kills its sessions: the driver then answers CKR_SESSION_HANDLE_INVALID
    # (or CKR_DEVICE_REMOVED). Close the session under the adapter's feet to get the same.
    session._session.close()  # type: ignore[attr-defined]
    with pytest.raises(e.TokenRemovedError):
        session.sign(pki.receipt_pdf(), request())
    session.close()  # closing twice is harmless


def test_closed_session_asks_for_the_pin_again(token: SigningSession) -> None:
    token.close()
    with pytest.raises(e.PinRequiredError):
        token.sign(pki.receipt_pdf(), request())
