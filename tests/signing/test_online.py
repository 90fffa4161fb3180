"""B-T/B-LT through the real HTTP timestamp client against a timestamp authority served on
127.0.0.1 (pyHanko's DummyTimeStamper behind http.server), and the fall-back to B-B when the
server cannot be reached (the counter is offline)."""

from __future__ import annotations

import io
import socket
from pathlib import Path

from pyhanko.pdf_utils.reader import PdfFileReader

from motcua_desk.signing.verify import verify_pdf

from .conftest import pki


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_online_signature_is_timestamped_b_lt(
    ctx, signing, admin, dossier, hsm, tsa_url, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ctx.settings_store.update(signing_tsa_url=tsa_url)
    signing.login(pki.PIN)
    doc = signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    assert doc is not None and doc.state == "signed" and doc.level == "B-LT"
    signed = Path(doc.signed_path).read_bytes()
    assert "/DSS" in PdfFileReader(io.BytesIO(signed), strict=False).root
    [check] = verify_pdf(signed, (hsm.ca.der,))
    assert check.intact and check.trusted and check.timestamp_at is not None


def test_unreachable_timestamp_server_falls_back_to_b_b(ctx, signing, admin, dossier, hsm) -> None:  # type: ignore[no-untyped-def]
    ctx.settings_store.update(signing_tsa_url=f"http://127.0.0.1:{_closed_port()}/tsa")
    signing.login(pki.PIN)
    doc = signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    assert doc is not None and doc.state == "signed" and doc.level == "B-B"
    [check] = verify_pdf(Path(doc.signed_path).read_bytes(), (hsm.ca.der,))
    assert check.intact and check.timestamp_at is None


def test_offline_signature_is_upgraded_later_without_the_token(
    ctx, signing, admin, dossier, hsm, tsa_url, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ctx.settings_store.update(signing_tsa_url=f"http://127.0.0.1:{_closed_port()}/tsa")
    signing.login(pki.PIN)
    offline = signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    assert offline is not None and offline.level == "B-B"
    assert signing.upgrade_offline_signatures(admin) == (0, "signing_failed")  # still offline
    signing.logout()  # no token needed from here
    ctx.settings_store.update(signing_tsa_url=tsa_url)
    assert signing.upgrade_offline_signatures(admin) == (1, None)
    [view] = signing.check_dossier(dossier.id)
    assert view.document.level == "B-LT" and view.document.signed_path != offline.signed_path
    upgraded = Path(view.document.signed_path).read_bytes()
    assert upgraded.startswith(Path(offline.signed_path).read_bytes())
    assert view.check is not None and view.check.intact and view.check.trusted
    assert view.check.timestamp_at is not None  # from the document time-stamp
    reader = PdfFileReader(io.BytesIO(upgraded), strict=False)
    assert "/DSS" in reader.root
    assert [s.sig_object_type for s in reader.embedded_signatures] == ["/Sig", "/DocTimeStamp"]
    path = tmp_path / "up.pdf"
    path.write_bytes(upgraded)
    import subprocess

    report = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    # poppler checks the clerk's signature; it does not validate RFC 3161 document time-stamps
    # ("Unable to validate this type of signature"), pyHanko did above.
    first, second = report.split("Signature #2:")
    assert "Signature is Valid." in first
    assert "TSA thử nghiệm" in second
    assert signing.upgrade_offline_signatures(admin) == (0, None)  # nothing left at B-B
