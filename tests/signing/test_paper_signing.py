"""Digitised papers signed with the conversion mark (Luật Giao dịch điện tử 2023 Art. 12), end to
end: a dossier received, its paper scanned on SANE's test device and saved, the signed copy made
with the clerk's SoftHSM2 token (or left "chờ ký" without it), checked by pyHanko and pdfsig,
and sent to the in-process provincial server exactly once with the sync."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua_desk.config import Settings
from motcua_desk.domain.digitisation import PaperMeta
from motcua_desk.domain.dossier import PaperForm
from motcua_desk.imaging.port import ScanControl, ScanSettings
from motcua_desk.imaging.sane import ScanimageScanner
from motcua_desk.services.context import AppContext
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.signing.verify import verify_pdf
from motcua_desk.sync.blobs import BlobClient
from motcua_desk.sync.transport import HttpTransport

from .conftest import HOA, UNIT, HsmWorld, pki

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from sync_support import Server  # noqa: E402

from motcua_server import admin as server_admin  # noqa: E402
from motcua_server.config import ServerSettings  # noqa: E402

BIRTH = "1.001193"  # two papers


def receive(ctx: AppContext, admin: Any) -> Any:
    """Row 0 handed over as the original, row 1 as a copy."""
    items = ctx.reception.checklist_for(ctx.catalogue.get(BIRTH))
    forms = (PaperForm.ORIGINAL, PaperForm.COPY)
    ticked = tuple(replace(i, received=True, form=f) for i, f in zip(items, forms, strict=True))
    return ctx.reception.receive(IntakeDraft(BIRTH, HOA, checklist=ticked), admin).value


def scan_and_save(ctx: AppContext, dossier: Any, position: int, tmp_path: Path) -> Any:
    if shutil.which("scanimage") is None:
        pytest.skip("scanimage (sane-utils) is not installed")
    conf = tmp_path / "sane.d"
    conf.mkdir(exist_ok=True)
    (conf / "dll.conf").write_text("test\n")
    scanner = ScanimageScanner(env=dict(os.environ, SANE_CONFIG_DIR=str(conf)))
    assert ctx.digitisation is not None
    outcome = ctx.digitisation.scan(scanner, "test:0", ScanSettings(max_pages=1), ScanControl())
    assert outcome.error is None and len(outcome.pages) == 1
    meta = PaperMeta("giay_chung_sinh", "12/GCS", "Bệnh viện Đa khoa tỉnh")
    return ctx.digitisation.save(dossier.id, position, outcome.pages, meta, "admin")


def pdfsig(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdfsig") is None:
        pytest.skip("pdfsig (poppler-utils) is not installed")
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout


def text_of(pdf: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()


def connect(ctx: AppContext, server: Server, name: str) -> None:
    _, code = server_admin.enrol_device(server.engine, UNIT.agency_id, name)
    ctx.settings_store.update(server_url="http://test")

    def factory(s: Settings, token: str | None) -> HttpTransport:
        return HttpTransport(s.server_url, token, transport=server.transport())

    def blobs(s: Settings, token: str) -> BlobClient:
        return BlobClient(s.server_url, token, transport=server.transport(), chunk_size=64 * 1024)

    assert ctx.sync is not None and ctx.attachment_sync is not None
    ctx.sync._transport_factory = factory  # noqa: SLF001 - talk to the in-process server
    ctx.sync.enrol(code, name)
    ctx.attachment_sync._client_factory = blobs  # noqa: SLF001


def test_scanned_paper_is_signed_with_the_conversion_mark_and_synced_once(
    ctx: AppContext, admin: Any, hsm: HsmWorld, tmp_path: Path
) -> None:
    server = Server(
        tmp_path / "srv",
        ServerSettings(db_url=f"sqlite:///{tmp_path / 'server.db'}", blob_dir=str(tmp_path / "b")),
    )
    server_admin.create_unit(server.engine, UNIT.agency_id, "Phường")
    connect(ctx, server, "Quầy 1")
    papers, signing = ctx.paper_signing, ctx.signing
    assert papers is not None and signing is not None and papers.enabled  # on by default
    signing.login(pki.PIN)
    dossier = receive(ctx, admin)
    att = scan_and_save(ctx, dossier, 1, tmp_path)
    outcome = papers.finish(att.sync_id, admin, None)
    assert outcome.signature is not None and outcome.signature.state == "signed"
    assert outcome.signature.conversion is not None
    assert outcome.signature.conversion.origin == "copy"  # row 1 was handed over as a copy
    assert outcome.signature.conversion.converted_by == "admin"

    assert ctx.digitisation is not None
    [stored] = ctx.digitisation.attachments(dossier.id)
    assert stored.signed_sha256 is not None and stored.best_sha256 == stored.signed_sha256
    signed = ctx.digitisation.store.read(stored.signed_sha256)
    assert signed.startswith(ctx.digitisation.store.read(stored.file_sha256 or ""))
    [check] = verify_pdf(signed, (hsm.ca.der,))
    assert check.intact and check.trusted and check.field_name == "DauChuyenDoi"
    assert check.signer_name == "Nguyễn Thị Lan"
    assert "Signature is Valid." in pdfsig(signed, tmp_path)
    reason = PdfFileReader(io.BytesIO(signed), strict=False).embedded_signatures[0]
    assert str(reason.sig_object["/Reason"]).startswith("Chuyển đổi từ văn bản giấy")
    assert "bản sao" in str(reason.sig_object["/Reason"])
    words = text_of(signed)
    assert "BẢN SAO" in words and "Nguyễn Văn An" in words  # origin and who converted it
    assert "Thời điểm chuyển đổi" in words

    # The sync sends the scan and its signed copy, each once, and the event names the copy.
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        puts = [e.payload for e in uow.outbox.pending() if e.kind == "attachment.put"]
        todo = {f.sha256 for f in uow.attachments.files_to_upload()}
    assert puts[-1]["signed_sha256"] == stored.signed_sha256
    assert todo == {stored.file_sha256, stored.signed_sha256}
    assert ctx.sync is not None and ctx.sync.run_once().value.ok
    assert ctx.sync.health().rejected == []
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        assert uow.attachments.files_to_upload() == []
    assert ctx.attachment_sync is not None
    again = ctx.attachment_sync.upload_pending()
    assert (again.uploaded, again.remaining) == (0, 0)  # exactly once
    # The server holds the signed copy byte for byte (downloaded as another counter would).
    assert ctx.attachment_sync._client is not None  # noqa: SLF001
    client = ctx.attachment_sync._client()  # noqa: SLF001
    assert client is not None
    try:
        client.download(stored.signed_sha256, tmp_path / "from_server.pdf")
    finally:
        client.close()
    assert (tmp_path / "from_server.pdf").read_bytes() == signed


def test_without_the_token_the_paper_is_saved_and_waits_then_takes_its_signed_copy(
    ctx: AppContext, admin: Any, hsm: HsmWorld, tmp_path: Path
) -> None:
    papers, signing = ctx.paper_signing, ctx.signing
    assert papers is not None and signing is not None and ctx.digitisation is not None
    dossier = receive(ctx, admin)
    att = scan_and_save(ctx, dossier, 0, tmp_path)  # no PIN entered: the save did not wait
    outcome = papers.finish(att.sync_id, admin, None)
    assert outcome.waiting and outcome.signature is not None
    assert outcome.signature.conversion is not None
    assert outcome.signature.conversion.origin == "original"
    assert [d.doc_type for d in signing.pending()] == ["conversion"]
    [stored] = ctx.digitisation.attachments(dossier.id)
    assert stored.signed_sha256 is None and stored.best_sha256 == stored.file_sha256
    # Later, from the "chờ ký" list: the row takes its signed copy and a new event for the server.
    signing.login(pki.PIN)
    assert signing.sign_all_pending(admin) == (1, None)
    [stored] = ctx.digitisation.attachments(dossier.id)
    assert stored.signed_sha256 is not None
    signed = ctx.digitisation.store.read(stored.signed_sha256)
    [check] = verify_pdf(signed, (hsm.ca.der,))
    assert check.intact and check.trusted
    assert "BẢN CHÍNH" in text_of(signed)
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        puts = [e.payload for e in uow.outbox.pending() if e.kind == "attachment.put"]
    assert [p["signed_sha256"] for p in puts] == [None, stored.signed_sha256]


def test_unit_not_signing_papers_leaves_them_unsigned(
    ctx: AppContext, admin: Any, hsm: HsmWorld, tmp_path: Path
) -> None:
    ctx.settings_store.update(signing_forms="receipt")
    papers = ctx.paper_signing
    assert papers is not None and not papers.enabled and ctx.signing is not None
    ctx.signing.login(pki.PIN)
    dossier = receive(ctx, admin)
    att = scan_and_save(ctx, dossier, 0, tmp_path)
    assert papers.finish(att.sync_id, admin, None).signature is None
    assert ctx.signing.pending() == []


def test_same_file_in_two_dossiers_takes_the_one_signed_copy(
    ctx: AppContext, admin: Any, hsm: HsmWorld, tmp_path: Path
) -> None:
    from PIL import Image

    from motcua_desk.domain.digitisation import Source

    papers, signing, digi = ctx.paper_signing, ctx.signing, ctx.digitisation
    assert papers is not None and signing is not None and digi is not None
    png = tmp_path / "Giấy chứng sinh.png"
    Image.new("L", (300, 400), 200).save(png, dpi=(200, 200))
    first, second = receive(ctx, admin), receive(ctx, admin)
    a1 = digi.save(first.id, 1, digi.import_file(png), PaperMeta(), "admin", Source.IMPORTED)
    a2 = digi.save(second.id, 1, digi.import_file(png), PaperMeta(), "admin", Source.IMPORTED)
    assert a1.file_sha256 == a2.file_sha256  # the same bytes, stored once
    # Both wait for the token (one "chờ ký" row for the same bytes); one signature serves both.
    assert papers.finish(a1.sync_id, admin, None).waiting
    assert papers.finish(a2.sync_id, admin, None).waiting
    assert len(signing.pending()) == 1
    signing.login(pki.PIN)
    assert signing.sign_all_pending(admin) == (1, None)
    s1 = digi.attachments(first.id)[0].signed_sha256
    s2 = digi.attachments(second.id)[0].signed_sha256
    assert s1 is not None and s1 == s2
    [check] = verify_pdf(digi.store.read(s1), (hsm.ca.der,))
    assert check.intact and check.trusted
    # Saved again later with the token open: the row takes the existing signed copy at once.
    third = receive(ctx, admin)
    a3 = digi.save(third.id, 1, digi.import_file(png), PaperMeta(), "admin", Source.IMPORTED)
    assert papers.finish(a3.sync_id, admin, None).signature.state == "signed"  # type: ignore[union-attr]
    assert digi.attachments(third.id)[0].signed_sha256 == s1
