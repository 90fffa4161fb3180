"""B-LT with real revocation data: an OCSP responder (``openssl ocsp`` on 127.0.0.1, answering
from the test CA's index) and a timestamp authority on 127.0.0.1, both named in the
certificates. A receipt signed offline (B-B) is upgraded after the next successful sync run:
validation data (OCSP responses fetched from the responder) into the DSS, then a document
time-stamp; pyHanko then validates it as LTV (PAdES-LT, nothing fetched) and pdfsig checks the
signature. A revoked clerk certificate shows as revoked in the lookup's check."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore

from .conftest import UNIT, HsmWorld, pki, serving_tsa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from sync_support import Server  # noqa: E402

from motcua_server import admin as server_admin  # noqa: E402
from motcua_server.config import ServerSettings  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class OcspWorld:
    ca: Any  # pki.TestCA
    good: Any  # pki.Clerk
    revoked: Any  # pki.Clerk
    trust_file: Path
    tsa_url: str


def _tsa(ca: Any, ocsp_url: str) -> DummyTimeStamper:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA có OCSP")]))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(pki.NOW - timedelta(days=30))
        .not_valid_after(pki.NOW + timedelta(days=365))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                    )
                ]
            ),
            critical=False,
        )
        .sign(ca.key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    return DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
        tsa_key=keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
    ), cert  # type: ignore[return-value]


def _index_line(cert: x509.Certificate, revoked_at: str | None) -> str:
    expiry = cert.not_valid_after_utc.strftime("%y%m%d%H%M%SZ")
    serial = format(cert.serial_number, "X")
    serial = serial if len(serial) % 2 == 0 else "0" + serial
    state = "R" if revoked_at else "V"
    return f"{state}\t{expiry}\t{revoked_at or ''}\t{serial}\tunknown\t/CN=x\n"


@pytest.fixture(scope="module")
def ocsp(hsm: HsmWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OcspWorld]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    base = tmp_path_factory.mktemp("ocsp")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    ca = pki.make_ca("CA có OCSP thử nghiệm")
    now = pki.NOW
    good = pki.put_clerk(
        "clerk", ca, "Phạm Thị Mai", "21",
        not_before=now - timedelta(days=10), not_after=now + timedelta(days=300), ocsp_url=url,
    )  # fmt: skip
    revoked = pki.put_clerk(
        "clerk", ca, "Đỗ Văn Thu Hồi", "22",
        not_before=now - timedelta(days=10), not_after=now + timedelta(days=300), ocsp_url=url,
    )  # fmt: skip
    stamper, tsa_cert = _tsa(ca, url)  # type: ignore[misc]
    revoked_at = (now - timedelta(days=1)).strftime("%y%m%d%H%M%SZ")
    (base / "index.txt").write_text(
        _index_line(x509.load_der_x509_certificate(good.cert_der), None)
        + _index_line(x509.load_der_x509_certificate(revoked.cert_der), revoked_at)
        + _index_line(tsa_cert, None)
    )
    (base / "index.txt.attr").write_text("unique_subject = no\n")
    (base / "ca.pem").write_bytes(ca.pem())
    (base / "ca.key").write_bytes(
        ca.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    log = (base / "ocsp.log").open("wb")
    responder = subprocess.Popen(
        ["openssl", "ocsp", "-index", "index.txt", "-port", str(port),
         "-rsigner", "ca.pem", "-rkey", "ca.key", "-CA", "ca.pem", "-ndays", "2", "-multi", "4"],
        cwd=base, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip

    tsa = contextlib.ExitStack()
    tsa_url = tsa.enter_context(serving_tsa(stamper))
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or responder.poll() is not None:
                responder.kill()
                log.close()
                pytest.fail("openssl ocsp did not start: " + (base / "ocsp.log").read_text())
            time.sleep(0.1)
    trust = base / "trust.pem"
    trust.write_bytes(ca.pem())
    try:
        yield OcspWorld(ca, good, revoked, trust, tsa_url)
    finally:
        # ``-multi`` forks workers and the parent ignores SIGTERM: end each by its id.
        children = subprocess.run(
            ["pgrep", "-P", str(responder.pid)], capture_output=True, text=True
        ).stdout.split()
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        responder.kill()
        responder.wait(10)
        log.close()
        tsa.close()


def _use(ctx: Any, world: OcspWorld, clerk: Any) -> None:
    ctx.settings_store.update(
        signing_cert_id=clerk.cert_id, signing_trust_roots=str(world.trust_file)
    )


def test_offline_signature_upgraded_after_sync_is_ltv_with_ocsp(
    ctx: Any, signing: Any, admin: Any, dossier: Any, ocsp: OcspWorld, tmp_path: Path
) -> None:
    _use(ctx, ocsp, ocsp.good)
    ctx.settings_store.update(signing_tsa_url=f"http://127.0.0.1:{_free_port()}/tsa")  # offline
    signing.login(pki.PIN)
    offline = signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    assert offline is not None and offline.level == "B-B"

    # The network is back: the next successful sync run upgrades it (no token needed).
    signing.logout()
    ctx.settings_store.update(signing_tsa_url=ocsp.tsa_url)
    server = Server(tmp_path / "srv", ServerSettings(db_url=f"sqlite:///{tmp_path / 's.db'}"))
    server_admin.create_unit(server.engine, UNIT.agency_id, "Phường")
    _, code = server_admin.enrol_device(server.engine, UNIT.agency_id, "Quầy 1")
    ctx.settings_store.update(server_url="http://test")
    from motcua_desk.sync.transport import HttpTransport

    ctx.sync._transport_factory = lambda s, t: HttpTransport(  # noqa: SLF001
        s.server_url, t, transport=server.transport()
    )
    ctx.sync.enrol(code, "Quầy 1")
    assert ctx.sync.run_once().value.ok
    assert signing.last_upgrade is not None  # the sync run triggered the upgrade
    if signing.last_upgrade[1:] != (1, None):
        # The single-threaded test responder can time out under load; the next sync retries.
        assert ctx.sync.run_once().value.ok
    assert signing.last_upgrade[1:] == (1, None)
    [view] = signing.check_dossier(dossier.id)
    assert view.document.level == "B-LT"
    upgraded = Path(view.document.signed_path).read_bytes()
    reader = PdfFileReader(io.BytesIO(upgraded), strict=False)
    dss = reader.root["/DSS"]
    assert len(dss["/OCSPs"]) >= 1  # real responses from the responder
    # LTV: validated from what the file holds only (nothing fetched, revocation checking
    # hard-fail: without the embedded OCSP responses the chain would not validate).
    context = DocumentSecurityStore.read_dss(reader).as_validation_context(
        {
            "trust_roots": [asn1_x509.Certificate.load(ocsp.ca.der)],
            "allow_fetching": False,
            "revocation_mode": "hard-fail",
        }
    )
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    assert status.intact and status.valid and status.trusted and not status.revoked
    assert view.check is not None and view.check.trusted and not view.check.revoked
    path = tmp_path / "ltv.pdf"
    path.write_bytes(upgraded)
    if shutil.which("pdfsig"):
        report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert "Signature is Valid." in report.split("Signature #2:")[0]


def test_revoked_clerk_certificate_is_reported_in_the_lookup(
    ctx: Any, signing: Any, admin: Any, dossier: Any, ocsp: OcspWorld
) -> None:
    _use(ctx, ocsp, ocsp.revoked)
    ctx.settings_store.update(signing_tsa_url=f"http://127.0.0.1:{_free_port()}/tsa")  # offline
    signing.login(pki.PIN)
    doc = signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    assert doc is not None and doc.level == "B-B"  # offline: the token signs, nothing checked
    # Online again: the lookup asks the responder and reports the revocation.
    ctx.settings_store.update(signing_tsa_url=ocsp.tsa_url)
    [view] = signing.check_dossier(dossier.id)
    assert view.check is not None and view.check.intact and view.check.revoked
    assert view.check.signer_name == "Đỗ Văn Thu Hồi"
    from motcua_desk.ui.screens.lookup.signatures import trust_text

    assert trust_text(view) == "ĐÃ BỊ THU HỒI"
    # The upgrade refuses to give a revoked signature long-term validation data, and that
    # one document does not hold back the others: a good one signed offline after it is
    # upgraded in the same run.
    _use(ctx, ocsp, ocsp.good)
    ctx.settings_store.update(signing_tsa_url=f"http://127.0.0.1:{_free_port()}/tsa")  # offline
    signing.login(pki.PIN)
    good = signing.submit_conversion(
        pki.receipt_pdf(), title="Giấy tờ", origin="original", clerk=admin, dossier_id=dossier.id
    )
    assert good.level == "B-B"
    ctx.settings_store.update(signing_tsa_url=ocsp.tsa_url)
    assert signing.upgrade_offline_signatures(admin) == (1, "signing_failed")
    levels = {v.document.id: v.document.level for v in signing.check_dossier(dossier.id)}
    assert levels == {doc.id: "B-B", good.id: "B-LT"}
