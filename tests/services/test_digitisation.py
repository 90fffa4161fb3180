"""Digitisation at intake through the real services: scan (SANE test device), import, save one
PDF per paper with metadata and outbox event, shown-only marks, reuse, completeness, OCR."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from motcua_desk.domain.digitisation import DigitisationError, OcrState, PaperMeta, Source
from motcua_desk.domain.dossier import Dossier
from motcua_desk.imaging.errors import FileRefusedError, ScannerJammedError
from motcua_desk.imaging.port import ScanControl, ScanSettings
from motcua_desk.imaging.sane import ScanimageScanner
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.context import AppContext
from motcua_desk.services.digitisation import DigitisationService
from motcua_desk.services.reception import IntakeDraft

from .conftest import HOA

BIRTH = "1.001193"  # two papers


def sane(tmp: Path, *extra: str) -> ScanimageScanner:
    conf = tmp / "sane.d"
    conf.mkdir(exist_ok=True)
    (conf / "dll.conf").write_text("test\n")
    return ScanimageScanner(env=dict(os.environ, SANE_CONFIG_DIR=str(conf)), extra_args=extra)


def receive(ctx: AppContext, admin: object) -> Dossier:
    items = ctx.reception.checklist_for(ctx.catalogue.get(BIRTH))
    ticked = tuple(replace(i, received=True) for i in items)
    return ctx.reception.receive(IntakeDraft(BIRTH, HOA, checklist=ticked), admin).value  # type: ignore[arg-type]


def svc(ctx: AppContext) -> DigitisationService:
    assert ctx.digitisation is not None
    return ctx.digitisation


def test_feeder_scan_saved_as_one_pdf_with_metadata_and_event(
    ctx: AppContext, admin: object, tmp_path: Path
) -> None:
    d = receive(ctx, admin)
    assert d.id is not None
    service = svc(ctx)
    assert not service.completeness(d.id).complete
    outcome = service.scan(sane(tmp_path), "test:0", ScanSettings(max_pages=5), ScanControl())
    assert outcome.error is None and len(outcome.pages) == 5
    meta = PaperMeta("to_khai", "", "", None, None)
    att = service.save(d.id, 0, outcome.pages[::-1], meta, "admin")
    assert (att.pages, att.source, att.digitised_by) == (5, Source.SCANNED, "admin")
    assert att.file_sha256 and service.store.verify(att.file_sha256)
    with pikepdf.open(service.store.path_of(att.file_sha256)) as pdf:
        assert len(pdf.pages) == 5
    # The same pages saved again store nothing new.
    before = sorted(service.store.all_hashes())
    service.save(d.id, 0, outcome.pages[::-1], meta, "admin")
    assert sorted(service.store.all_hashes()) == before
    assert len(service.attachments(d.id)) == 1
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        events = [e for e in uow.outbox.pending(1000) if e.kind == "attachment.put"]
    assert events[-1].payload["sha256"] == att.file_sha256
    assert events[-1].payload["dossier_sync_id"] == d.sync_id
    assert service.thumbnail(att.file_sha256).startswith(b"\x89PNG")


def test_jam_keeps_earlier_pages_of_the_draft(
    ctx: AppContext, admin: object, tmp_path: Path
) -> None:
    d = receive(ctx, admin)
    assert d.id is not None
    service = svc(ctx)
    first = service.scan(sane(tmp_path), "test:0", ScanSettings(max_pages=2), ScanControl())
    jammed = service.scan(
        sane(tmp_path, "--read-return-value=SANE_STATUS_JAMMED"),
        "test:0",
        ScanSettings(),
        ScanControl(),
    )
    assert isinstance(jammed.error, ScannerJammedError) and jammed.pages == ()
    att = service.save(d.id, 0, first.pages + jammed.pages, PaperMeta(), "admin")
    assert att.pages == 2


def test_imported_file_metadata_completeness_and_share(
    ctx: AppContext, admin: object, tmp_path: Path
) -> None:
    d = receive(ctx, admin)
    assert d.id is not None
    service = svc(ctx)
    png = tmp_path / "Giấy chứng sinh — bản sao.png"
    Image.new("L", (400, 560), 255).save(png, dpi=(200, 200))
    pages = service.import_file(png)
    meta = PaperMeta("giay_chung_sinh", "12/GCS", "Bệnh viện Đa khoa tỉnh", date(2023, 10, 20))
    att = service.save(d.id, 1, pages, meta, "admin", Source.IMPORTED)
    assert att.meta.issuer == "Bệnh viện Đa khoa tỉnh"
    c = service.completeness(d.id)
    assert (c.digitised, c.to_digitise, c.complete) == (1, 2, False)
    service.mark_shown_only(d.id, 0, "admin")
    assert service.completeness(d.id).complete
    d2 = receive(ctx, admin)
    assert d2.id is not None
    assert service.share_fully_digitised([d.id, d2.id]) == (1, 2)
    day = d.received_at.astimezone(OFFICE_TZ).date()
    assert service.period_share(day, day) == (1, 2)
    assert service.period_share(date(2020, 1, 1), date(2020, 1, 2)) == (0, 0)
    # A bad file is refused and the dossier keeps what it had.
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.7 broken")
    with pytest.raises(FileRefusedError):
        service.import_file(bad)
    with pytest.raises(DigitisationError):
        service.save(d.id, 1, (), meta, "admin")
    with pytest.raises(DigitisationError):
        service.save(d.id, 9, pages, meta, "admin")
    assert [a.position for a in service.attachments(d.id)] == [0, 1]
    assert service.remove(d.id, 0) and not service.remove(d.id, 0)
    assert not service.completeness(d.id).complete


def test_reuse_offers_papers_of_the_same_applicant(
    ctx: AppContext, admin: object, tmp_path: Path
) -> None:
    old, new = receive(ctx, admin), receive(ctx, admin)
    assert old.id is not None and new.id is not None
    service = svc(ctx)
    png = tmp_path / "p.png"
    Image.new("L", (100, 100), 0).save(png)
    att = service.save(old.id, 1, service.import_file(png), PaperMeta("cccd"), "admin")
    offers = service.offers(HOA.id_number, exclude_dossier=new.id)
    assert [o.sync_id for o in offers] == [att.sync_id]
    assert service.offers("001099000001") == []
    reused = service.reuse(new.id, 1, att.sync_id, "admin")
    assert reused.source is Source.REUSED and reused.reused_from == att.sync_id
    assert reused.file_sha256 == att.file_sha256
    assert service.completeness(new.id).states[1].value == "digitised"


def test_ocr_makes_the_paper_searchable(ctx: AppContext, admin: object, tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    d = receive(ctx, admin)
    assert d.id is not None
    service = svc(ctx)
    src = tmp_path / "t.pdf"
    c = canvas.Canvas(str(src), pagesize=(595, 842))
    c.setFont("Helvetica", 28)
    c.drawString(60, 700, "GIAY CHUNG SINH 2023")
    c.save()
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", src, tmp_path / "p"], check=True
    )
    att = service.save(d.id, 1, service.import_file(tmp_path / "p.png"), PaperMeta(), "admin")
    done = service.run_ocr(att.sync_id, language="eng")
    assert (
        done.ocr_state is OcrState.DONE and done.ocr_sha256 and done.best_sha256 == done.ocr_sha256
    )
    text = subprocess.run(
        ["pdftotext", service.store.path_of(done.ocr_sha256), "-"], capture_output=True, text=True
    ).stdout
    assert "CHUNG SINH" in text


def test_drafts_prepared_at_intake_are_saved_after_the_dossier(
    ctx: AppContext, admin: object, tmp_path: Path
) -> None:
    from motcua_desk.config import Settings
    from motcua_desk.imaging.errors import ScannerUnavailableError
    from motcua_desk.services.digitisation import PaperDraft, scanner_from_settings

    old, d = receive(ctx, admin), receive(ctx, admin)
    assert old.id is not None and d.id is not None
    service = svc(ctx)
    png = tmp_path / "p.png"
    Image.new("L", (100, 100), 0).save(png)
    earlier = service.save(old.id, 0, service.import_file(png), PaperMeta(), "admin")
    scanner, device, settings = scanner_from_settings(Settings(scan_resolution=300))
    assert device == "" and settings.resolution == 300
    env_scanner = sane(tmp_path)
    scanned = service.scan(
        env_scanner, "", ScanSettings(max_pages=2), ScanControl()
    )  # first device
    assert scanned.error is None and len(scanned.pages) == 2
    saved = service.save_drafts(
        d.id,
        {
            1: PaperDraft(scanned.pages, PaperMeta("giay_chung_sinh")),
            0: PaperDraft(reuse_sync_id=earlier.sync_id),
        },
        "admin",
    )
    assert [(a.position, a.source) for a in saved] == [(0, Source.REUSED), (1, Source.SCANNED)]
    assert service.completeness(d.id).complete
    none_scanner, _, _ = scanner_from_settings(Settings(scanner_adapter="none"))
    outcome = service.scan(none_scanner, "", ScanSettings(), ScanControl())
    assert isinstance(outcome.error, ScannerUnavailableError)
    # One bad row: the others are saved, then the error is raised.
    d3 = receive(ctx, admin)
    assert d3.id is not None
    with pytest.raises(DigitisationError):
        service.save_drafts(d3.id, {0: PaperDraft(()), 1: PaperDraft(scanned.pages)}, "admin")
    assert [a.position for a in service.attachments(d3.id)] == [1]
