"""Signing use cases on a real application context (SQLite file) and a SoftHSM2 token."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua_desk.signing import errors as e
from motcua_desk.signing.verify import verify_pdf

from .conftest import pki


def test_receipt_waits_for_the_pin_then_is_signed_from_the_pending_list(
    ctx, signing, admin, dossier, hsm, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    doc = ctx.documents.render("receipt", dossier)
    queued = signing.submit_rendered(doc, admin)
    # No PIN entered yet: saved unsigned, listed "chờ ký"; the printed receipt did not wait.
    assert queued is not None and queued.pending
    assert [d.id for d in signing.pending()] == [queued.id]
    with pytest.raises(e.PinRequiredError):
        signing.sign(queued.id, admin)
    assert signing.pending()[0].last_error == "token_pin_required"

    with pytest.raises(e.PinIncorrectError):
        signing.login("999999")
    cert = signing.login(pki.PIN)
    assert cert.subject_name == "Nguyễn Thị Lan"
    done, stopped = signing.sign_all_pending(admin)
    assert (done, stopped) == (1, None)
    assert signing.pending() == []
    [row] = [c.document for c in signing.check_dossier(dossier.id)]
    assert row.state == "signed" and row.level == "B-B" and row.signer_name == "Nguyễn Thị Lan"
    signed = Path(row.signed_path).read_bytes()
    assert signed.startswith(doc.pdf)  # the archived unsigned form is the signed revision 1
    assert Path(doc.path).read_bytes() == doc.pdf  # and stays untouched in the archive
    [check] = verify_pdf(signed, (hsm.ca.der,))
    assert check.intact and check.trusted
    # The lookup's view: intact, who, when.
    [view] = signing.check_dossier(dossier.id)
    assert view.check is not None and view.check.intact and view.check.trusted
    assert view.check.signer_name == "Nguyễn Thị Lan"
    if shutil.which("pdfsig"):
        path = tmp_path / "r.pdf"
        path.write_bytes(signed)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert "Signature is Valid." in out
    # The sign is in the audit log and, for the server, in the outbox.
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        assert "document.signed" in [ev.kind for ev in uow.outbox.pending()]
        assert uow.audit.verify().ok


def test_with_open_session_the_form_is_signed_at_once_and_only_once(
    ctx, signing, admin, dossier
) -> None:  # type: ignore[no-untyped-def]
    signing.login(pki.PIN)
    doc = ctx.documents.render("receipt", dossier)
    first = signing.submit_rendered(doc, admin)
    assert first is not None and first.state == "signed"
    again = signing.submit_rendered(doc, admin)
    assert again is not None and again.id == first.id and again.signed_sha256 == first.signed_sha256
    assert len(signing.check_dossier(dossier.id)) == 1


def test_forms_the_unit_does_not_sign_are_not_queued(ctx, signing, admin, dossier) -> None:  # type: ignore[no-untyped-def]
    ctx.settings_store.update(signing_forms="receipt")
    assert not signing.wants("return")
    ctx.settings_store.update(signing_forms="receipt, return, apology")
    assert signing.wants("return")
    assert not signing.wants("apology")  # Mẫu 04 is signed by the head of agency, not the clerk
    ctx.settings_store.update(signing_module="")
    assert not signing.wants("receipt")
    assert signing.submit_rendered(ctx.documents.render("receipt", dossier), admin) is None


def test_token_removed_mid_session_leaves_document_pending(ctx, signing, admin, dossier) -> None:  # type: ignore[no-untyped-def]
    signing.login(pki.PIN)
    signing._session._session.close()  # noqa: SLF001 - the token's sessions die when it is pulled
    doc = signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    assert doc is not None and doc.pending and doc.last_error == "token_removed"
    assert signing.certificate is None  # the session is dropped: the PIN is asked again
    signing.login(pki.PIN)
    assert signing.sign_all_pending(admin) == (1, None)


def test_expired_certificate_cannot_log_in(ctx, signing, hsm) -> None:  # type: ignore[no-untyped-def]
    ctx.settings_store.update(signing_cert_id=hsm.expired.cert_id)
    with pytest.raises(e.CertificateExpiredError):
        signing.login(pki.PIN)
    assert signing.certificate is None


def test_digitised_paper_gets_a_conversion_mark(ctx, signing, admin, dossier, hsm) -> None:  # type: ignore[no-untyped-def]
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    canv = Canvas(buf, invariant=1)
    canv.drawString(72, 720, "Giay chung sinh (scan)")
    canv.showPage()
    canv.save()
    scan = buf.getvalue()
    pending = signing.submit_conversion(
        scan, title="Giấy chứng sinh", origin="copy", clerk=admin, dossier_id=dossier.id
    )
    assert pending.pending and pending.conversion is not None
    assert pending.conversion.converted_by == "admin" and pending.conversion.origin == "copy"
    assert Path(pending.source_path).read_bytes() == scan  # kept for signing later
    signing.login(pki.PIN)
    assert signing.sign_all_pending(admin) == (1, None)
    [view] = signing.check_dossier(dossier.id)
    signed = Path(view.document.signed_path).read_bytes()
    assert view.check is not None and view.check.intact and view.check.field_name == "DauChuyenDoi"
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    reason = str(reader.embedded_signatures[0].sig_object["/Reason"])
    assert reason.startswith(
        "Chuyển đổi từ văn bản giấy (bản sao); người chuyển đổi: Nguyễn Văn An"
    )
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=signed, capture_output=True
        ).stdout.decode()
        assert "BẢN SAO" in text and "Nguyễn Văn An" in text  # origin and who converted it


def test_tampered_signed_file_shows_broken_in_lookup(ctx, signing, admin, dossier) -> None:  # type: ignore[no-untyped-def]
    signing.login(pki.PIN)
    doc = signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    path = Path(doc.signed_path)
    data = bytearray(path.read_bytes())
    at = data.index(b"(motcua_desk")
    data[at + 1 : at + 4] = b"XXX"
    path.write_bytes(bytes(data))
    [view] = signing.check_dossier(dossier.id)
    assert view.check is not None and not view.check.intact
    path.unlink()
    [view] = signing.check_dossier(dossier.id)
    assert view.check is None and view.error == "signed_file_missing"


def test_clerk_chooses_a_certificate_that_is_on_the_token(ctx, signing, admin, hsm) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(e.CertificateNotFoundError):
        signing.choose_token(admin, hsm.module, hsm.token, "7f")
    signing.login(pki.PIN)
    signing.choose_token(admin, hsm.module, hsm.token, hsm.stranger.cert_id)
    assert ctx.settings.signing_cert_id == hsm.stranger.cert_id
    assert signing.certificate is None  # a new choice needs the PIN again
    assert signing.login(pki.PIN).subject_name == "Người Lạ"


def test_signing_the_list_stops_at_an_expired_certificate(
    ctx, signing, admin, dossier, hsm
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from motcua_desk.signing.pkcs11_token import Pkcs11Tokens

    for origin in ("original", "copy"):
        signing.submit_conversion(
            pki.receipt_pdf("80mm" if origin == "copy" else "A5"),
            title=f"Giấy {origin}",
            origin=origin,
            clerk=admin,
        )
    moment = [datetime.now(UTC)]
    signing._tokens = Pkcs11Tokens(lambda: moment[0])  # noqa: SLF001 - a clock we can move
    signing.login(pki.PIN)
    moment[0] += timedelta(days=800)  # the certificate expires while the app runs
    assert signing.sign_all_pending(admin) == (0, "certificate_expired")
    assert [d.last_error for d in signing.pending()] == ["certificate_expired", None]


@pytest.mark.parametrize("doc_type", ["supplement", "refusal", "return"])
def test_other_issued_forms_are_signed_in_their_block_when_the_unit_turns_it_on(
    ctx, signing, admin, dossier, hsm, tmp_path, doc_type
) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.printing.slips.sigfield import CLERK_SIGNATURE_FIELD

    signing.login(pki.PIN)
    rendered = ctx.documents.render(doc_type, dossier)
    assert signing.submit_rendered(rendered, admin) is None  # off by default: only Mẫu 01
    ctx.settings_store.update(signing_forms=f"receipt,{doc_type}")
    doc = signing.submit_rendered(rendered, admin)
    assert doc is not None and doc.state == "signed" and doc.doc_type == doc_type
    signed = Path(doc.signed_path).read_bytes()
    [check] = verify_pdf(signed, (hsm.ca.der,))
    assert check.intact and check.trusted and check.field_name == CLERK_SIGNATURE_FIELD
    reader = PdfFileReader(io.BytesIO(signed), strict=False)
    [sig] = reader.embedded_signatures
    # The stamp fills the empty field the form laid out in the clerk's signature block.
    unsigned = PdfFileReader(io.BytesIO(rendered.pdf), strict=False)
    before = [f.get_object() for f in unsigned.root["/AcroForm"]["/Fields"]]
    assert [f["/T"] for f in before] == [CLERK_SIGNATURE_FIELD]
    assert list(sig.sig_field["/Rect"]) == list(before[0]["/Rect"])
    if shutil.which("pdfsig"):
        path = tmp_path / f"{doc_type}.pdf"
        path.write_bytes(signed)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert "Signature is Valid." in out


def test_the_pin_is_never_stored(ctx, signing, admin, dossier) -> None:  # type: ignore[no-untyped-def]
    signing.login(pki.PIN)
    signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    signing.logout()
    assert pki.PIN not in ctx.paths.settings_file.read_text(encoding="utf-8")
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        entries = uow.audit.entries()
    assert entries and all(pki.PIN not in str(a) for a in entries)


def test_entering_the_pin_again_while_logged_in_works(ctx, signing, admin, dossier, hsm) -> None:  # type: ignore[no-untyped-def]
    signing.login(pki.PIN)
    ctx.settings_store.update(signing_cert_id=hsm.stranger.cert_id)  # another certificate
    assert signing.login(pki.PIN).subject_name == "Người Lạ"  # no "already logged in"
    doc = signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    assert doc is not None and doc.state == "signed" and doc.signer_name == "Người Lạ"
