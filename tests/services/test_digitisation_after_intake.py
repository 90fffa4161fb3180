"""Digitising after intake (issue 15): a paper not digitised at intake is added later, a wrong
scan is replaced with its old copy kept (history, audit, file still stored), completeness
follows, and the changes reach the provincial server through the outbox exactly once. Also:
scanned pages straightened without OCR through the service."""

from __future__ import annotations

import math
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pikepdf
import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from motcua_desk.domain.digitisation import (
    META_FIELDS,
    DigitisationError,
    DraftPage,
    MetadataRequiredError,
    PaperMeta,
    Source,
    check_required,
    parse_required,
)
from motcua_desk.services.context import AppContext

from .conftest import HOA, UNIT, FakeClock
from .test_attachment_sync import connect
from .test_digitisation import receive

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "imaging"))
from sync_support import Server  # noqa: E402
from test_straighten import RULE_Y, rule_angle, skewed, text_page  # noqa: E402

from motcua_server import admin as server_admin  # noqa: E402
from motcua_server.config import ServerSettings  # noqa: E402
from motcua_server.models import EventRow  # noqa: E402


def page_file(tmp: Path, name: str, shade: int) -> Path:
    path = tmp / name
    Image.new("L", (300, 420), shade).save(path, dpi=(200, 200))
    return path


def server_events(server: Server, kind: str, aggregate: str) -> int:
    with Session(server.engine) as s:
        return int(
            s.scalar(
                select(func.count())
                .select_from(EventRow)
                .where(EventRow.kind == kind, EventRow.aggregate_id == aggregate)
            )
            or 0
        )


def test_digitise_and_replace_after_intake_keeps_history_and_syncs_once(
    ctx: AppContext, admin: Any, tmp_path: Path, clock: FakeClock
) -> None:
    server = Server(
        tmp_path / "srv",
        ServerSettings(db_url=f"sqlite:///{tmp_path / 'server.db'}", blob_dir=str(tmp_path / "b")),
    )
    server_admin.create_unit(server.engine, UNIT.agency_id, "Phường")
    sync = connect(ctx, server, "Quầy 1")
    service = ctx.digitisation
    assert service is not None and ctx.sync is not None
    d = receive(ctx, admin)
    assert d.id is not None
    # At intake only the first paper was digitised.
    first = service.save(
        d.id,
        0,
        service.import_file(page_file(tmp_path, "a.png", 200)),
        PaperMeta("to_khai"),
        "admin",
        Source.IMPORTED,
    )
    assert ctx.sync.run_once().value.ok
    c = service.completeness(d.id)
    assert (c.digitised, c.to_digitise, c.complete) == (1, 2, False)

    # Later, from the lookup page: the missing paper, then the wrong scan replaced.
    clock.now += timedelta(hours=2)
    later = service.save(
        d.id,
        1,
        service.import_file(page_file(tmp_path, "b.png", 120)),
        PaperMeta("giay_chung_sinh", "12/GCS", "Bệnh viện Đa khoa tỉnh"),
        "admin",
        Source.IMPORTED,
    )
    assert service.completeness(d.id).complete
    clock.now += timedelta(minutes=5)
    fixed = service.save(
        d.id,
        0,
        service.import_file(page_file(tmp_path, "c.png", 90)),
        PaperMeta("to_khai"),
        "admin",
        Source.IMPORTED,
        reason="Quét nhầm giấy tờ của người khác",
    )
    assert fixed.sync_id != first.sync_id and fixed.file_sha256 != first.file_sha256
    now = {a.position: a.sync_id for a in service.attachments(d.id)}
    assert now == {0: fixed.sync_id, 1: later.sync_id}
    assert service.completeness(d.id).complete

    # Nothing lost: the old copy is in the row's history with who, when and why; its file is
    # still stored; the replacement is in the audit chain.
    [old] = service.history(d.id)
    assert old.attachment.sync_id == first.sync_id
    assert old.attachment.file_sha256 == first.file_sha256 and old.attachment.pages == 1
    assert (old.replaced_by, old.reason, old.replacement_sync_id) == (
        "admin",
        "Quét nhầm giấy tờ của người khác",
        fixed.sync_id,
    )
    assert old.replaced_at == clock.now
    assert first.file_sha256 is not None and service.store.verify(first.file_sha256)
    # ... and it goes into backups with the others.
    from motcua_desk.services.backup import BackupService
    from motcua_desk.storage.filestore import FileStore

    BackupService(ctx.paths, ctx.settings_store).backup_attachments()
    backed = FileStore(ctx.paths.backup_attachments_dir)
    assert {first.file_sha256, fixed.file_sha256, later.file_sha256} <= set(backed.all_hashes())
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        entries = [e for e in uow.audit.entries() if e.action == "attachment.replace"]
        events = [(e.kind, e.aggregate_id) for e in uow.outbox.pending(1000)]
    assert [e.entity_id for e in entries] == [first.sync_id]
    assert entries[0].detail["reason"] == "Quét nhầm giấy tờ của người khác"
    assert events == [
        ("attachment.put", later.sync_id),
        ("attachment.removed", first.sync_id),
        ("attachment.put", fixed.sync_id),
    ]

    # Through the outbox to the server, exactly once, and the old copy is no longer offered.
    assert ctx.sync.run_once().value.ok
    assert ctx.sync.health().pending == 0 and ctx.sync.health().rejected == []
    assert ctx.sync.run_once().value.ok  # a second run sends nothing again
    assert server_events(server, "attachment.put", fixed.sync_id) == 1
    assert server_events(server, "attachment.put", later.sync_id) == 1
    assert server_events(server, "attachment.removed", first.sync_id) == 1
    again = sync.upload_pending()
    assert (again.uploaded, again.remaining, again.error_code) == (0, 0, None)
    offers = {o.sha256 for o in sync.remote_offers(HOA.id_number)}
    assert offers == {fixed.file_sha256, later.file_sha256}


def test_removing_a_copy_keeps_it_in_the_history(
    ctx: AppContext, admin: Any, tmp_path: Path
) -> None:
    service = ctx.digitisation
    assert service is not None
    d = receive(ctx, admin)
    assert d.id is not None
    att = service.save(
        d.id, 1, service.import_file(page_file(tmp_path, "a.png", 180)), PaperMeta(), "admin"
    )
    assert service.remove(d.id, 1, "admin", "Giấy tờ trả lại cho công dân")
    assert service.attachments(d.id) == []
    [old] = service.history(d.id)
    assert (old.attachment.sync_id, old.replacement_sync_id, old.reason) == (
        att.sync_id,
        None,
        "Giấy tờ trả lại cho công dân",
    )
    assert not service.completeness(d.id).complete


def test_a_replaced_signed_copy_keeps_its_signed_file_in_the_history(
    ctx: AppContext, admin: Any, tmp_path: Path
) -> None:
    """The copy signed with the conversion mark is part of what was replaced: kept, not lost."""
    service = ctx.digitisation
    assert service is not None
    d = receive(ctx, admin)
    assert d.id is not None
    att = service.save(
        d.id, 1, service.import_file(page_file(tmp_path, "a.png", 180)), PaperMeta(), "admin"
    )
    signed = service.save(
        d.id, 0, service.import_file(page_file(tmp_path, "b.png", 90)), PaperMeta(), "admin"
    )
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001 - what PaperSigning stores
        uow.attachments.set_signed(att.sync_id, signed.file_sha256 or "")
        uow.commit()
    service.save(
        d.id,
        1,
        service.import_file(page_file(tmp_path, "c.png", 120)),
        PaperMeta(),
        "admin",
        reason="Quét nhầm trang",
    )
    [old] = service.history(d.id)
    assert old.attachment.sync_id == att.sync_id
    assert old.attachment.signed_sha256 == signed.file_sha256
    assert old.attachment.best_sha256 == signed.file_sha256


def test_required_metadata_is_configurable() -> None:
    assert parse_required("") == ()
    assert parse_required(" number, issued_on ") == ("number", "issued_on")
    with pytest.raises(Exception) as bad:
        parse_required("number,chữ_ký")
    assert getattr(bad.value, "code", "") == "digitisation_invalid_metadata"
    check_required(PaperMeta(number="01/GCS"), ("number",))
    with pytest.raises(MetadataRequiredError) as missing:
        check_required(PaperMeta(number="01/GCS"), ("number", "issuer"))
    assert missing.value.data["field"] == "issuer"


def test_scanned_pages_are_straightened_without_ocr(ctx: AppContext, tmp_path: Path) -> None:
    """A skewed, upside-down page with known text: the saved PDF (no text layer) is upright
    and straight, measured on the page's ruled line."""
    service = ctx.digitisation
    assert service is not None
    page = text_page(tmp_path / "page.png")
    bent = skewed(page, tmp_path / "bent.png", 4.0)
    with Image.open(bent) as im:
        im.rotate(180).save(tmp_path / "down.png", dpi=(200, 200))
    sha = service.drafts.put_file(tmp_path / "down.png").sha256
    draft = DraftPage(sha, 0, 0, "image/png")
    out = service.straighten(draft, deskew=True, rotate=True)
    assert out.sha256 != sha and out.rotation == 180
    assert service.straighten(DraftPage(sha, 0, 0, "application/pdf")) == DraftPage(
        sha, 0, 0, "application/pdf"
    )  # an imported PDF page is left to the clerk
    pdf_path = tmp_path / "paper.pdf"
    from motcua_desk.imaging.assemble import assemble

    assemble([service._source(out)], pdf_path)  # noqa: SLF001 - the page as it will be saved
    with pikepdf.open(pdf_path) as pdf:
        assert int(pdf.pages[0].get("/Rotate", 0)) == 180
    rendered = tmp_path / "rendered.png"
    doc = pdfium.PdfDocument(str(pdf_path))
    assert doc[0].get_textpage().get_text_range().strip() == ""  # no OCR text layer
    doc[0].render(scale=200 / 72).to_pil().convert("L").save(rendered)
    assert abs(rule_angle(rendered)) < 0.5  # was 4°
    assert abs(rule_angle(bent)) > 3.5
    with Image.open(rendered) as im:  # upright: the ruled line is near the top again
        top = next(y for y in range(im.height) if im.getpixel((im.width // 2, y)) < 96)  # type: ignore[operator]
    assert abs(top - RULE_Y) < 40 and math.isfinite(top)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=2000))
def test_fuzzed_required_fields_setting_is_parsed_or_refused(text: str) -> None:
    try:
        names = parse_required(text)
    except DigitisationError as exc:
        assert exc.code == "digitisation_invalid_metadata"
    else:
        assert set(names) <= set(META_FIELDS)


def test_scanner_settings_are_validated() -> None:
    from motcua_desk.config import Settings
    from motcua_desk.services.settings_admin import validate_changes

    _, errors = validate_changes(
        Settings(), {"ocr_language": "tiếng việt", "digitisation_required_fields": "number,ảnh"}
    )
    assert errors == {
        "ocr_language": "invalid_ocr_language",
        "digitisation_required_fields": "unknown_metadata_field",
    }
    new, errors = validate_changes(
        Settings(),
        {
            "ocr_language": "vie+eng",
            "digitisation_required_fields": "number,issued_on",
            "scan_deskew": False,
            "scanner_device": "test:1",
        },
    )
    assert errors == {} and (new.ocr_language, new.scan_deskew) == ("vie+eng", False)
