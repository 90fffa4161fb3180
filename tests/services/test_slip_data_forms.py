"""What the slip data puts on the forms: numbers, ledger entry, fee, signers, agencies, counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from motcua_desk.config import Settings
from motcua_desk.domain.dossier import (
    ChecklistItem,
    Dossier,
    DossierEvent,
    PaperForm,
    Person,
    ReturnMethod,
    Status,
)
from motcua_desk.printing.slips import control_slip
from motcua_desk.services import slip_data as sd
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.services.settings_admin import validate_changes

from .conftest import HOA

SETTINGS = Settings(
    agency_id="000.00.06.H56",
    agency_name="Bộ phận Một cửa phường Hạc Thành",
    managing_body="UBND phường Hạc Thành",
    place_name="Thanh Hóa",
    signer_title="Trưởng phòng",
    signer_name="Phạm Văn Bình",
    agency_signers={"Phòng Tài nguyên và Môi trường": "Phó Trưởng phòng|Đỗ Thị Mai"},
)
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 office time


def _at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def _dossier(**changes: object) -> Dossier:
    d = Dossier(
        sync_id="s1",
        code="000.00.06.H56-260302-0007",
        agency_id="000.00.06.H56",
        procedure_code="1.004227",
        procedure_name="Đăng ký biến động đất đai",
        applicant=Person("Lê Thị Hoa", id_number="038195001234"),
        received_at=T0,
        due_at=T0.replace(day=16),
        status=Status.RETURNED,
        checklist=(
            ChecklistItem("Đơn đăng ký", PaperForm.ORIGINAL, 2, received=True),
            ChecklistItem("Giấy chứng nhận", PaperForm.ORIGINAL, 1, received=True),
            ChecklistItem("Hợp đồng", PaperForm.CERTIFIED_COPY, 2, received=True),
            ChecklistItem("Căn cước", PaperForm.SHOWN, 1, received=True),
            ChecklistItem("Bản vẽ", PaperForm.COPY, 3, received=True),
            ChecklistItem("Sổ hộ khẩu", PaperForm.COPY, 1, received=False),
        ),
        fee_vnd=50_000,
    )
    return replace(d, **changes)  # type: ignore[arg-type]


def _handed(dept: str, hours: int, **extra: object) -> DossierEvent:
    detail: dict[str, object] = {"action": "handed_over", "department": dept, **extra}
    return DossierEvent("status_changed", _at(hours), "canbo1", detail=detail)


def _ctx(*events: DossierEvent, entry: int | None = 42, **settings: object) -> sd.SlipContext:
    return sd.SlipContext(
        settings=replace(SETTINGS, **settings),  # type: ignore[arg-type]
        clerk_name="Nguyễn Văn An",
        timeline=events,
        now=_at(1),
        people={"canbo1": "Nguyễn Văn An"},
        ledger_entry=entry,
    )


def assert_all_fonts_embedded(pdf: bytes) -> None:
    """Every font resource of every page carries its TrueType program (no stray Helvetica)."""
    reader = PdfReader(BytesIO(pdf))
    seen = 0
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, font.get("/BaseFont")
            assert "/FontFile2" in descriptor.get_object(), font.get("/BaseFont")
            seen += 1
    assert seen


def test_ledger_pdf_fonts_embedded() -> None:
    from motcua_desk.printing.slips import ledger
    from motcua_desk.services.slip_data import unit_header

    row = ledger.LedgerRow(1, "X-1", "Thủ tục", "Lê Thị Hoa", "Số 1", "", T0, None)
    data = ledger.LedgerData(unit_header(SETTINGS), "Hộ tịch", "Tháng 3", T0, (row,), "01/2026")
    assert_all_fonts_embedded(ledger.render(data))


def test_receipt_number_ledger_fee_and_wording() -> None:
    received = DossierEvent(
        "received", T0, "canbo1", detail={"processing_days": 10, "time_unit": "working_days"}
    )
    data = sd.receipt_data(_dossier(), _ctx(received))
    assert data.number == "42/TNHS"
    assert data.ledger_ref == "Quyển số 01/2026, số thứ tự 42"
    assert (data.fee_timing, data.fee_vnd) == ("return", 50_000)
    assert data.due_wording == "after"  # hour rounding by default
    minute = sd.receipt_data(_dossier(), _ctx(received, due_time_rounding="minute"))
    assert minute.due_wording == "at"
    forced = sd.receipt_data(_dossier(), _ctx(received, due_time_wording="at"))
    assert forced.due_wording == "at"
    same_day = DossierEvent("received", T0, "canbo1", detail={"processing_days": 0})
    assert sd.receipt_data(_dossier(), _ctx(same_day)).due_wording == "at"
    assert sd.receipt_data(_dossier(fee_vnd=0), _ctx(received)).fee_timing == "none"
    unknown = sd.receipt_data(_dossier(), _ctx(received, entry=None))
    assert unknown.number == "" and unknown.ledger_ref == ""
    custom = sd.receipt_data(_dossier(), _ctx(received, number_suffixes={"receipt": "GTN"}))
    assert custom.number == "42/GTN"


def test_apology_and_stop_notice_in_the_processing_agencys_name() -> None:
    extended = DossierEvent(
        "status_changed",
        _at(5),
        "canbo1",
        detail={"action": "extended", "reason": "Chờ xác minh"},
    )
    data = sd.apology_data(_dossier(), _ctx(_handed("Phòng Tư pháp", 1), extended))
    assert data.header.unit_name == "Phòng Tư pháp"
    assert data.header.managing_body == "UBND phường Hạc Thành"
    assert (data.signer_title, data.signer_name) == ("Trưởng phòng", "Phạm Văn Bình")
    assert data.receiving_unit == "Bộ phận Một cửa phường Hạc Thành"
    assert data.number == "42/PXL"
    stopped = DossierEvent("status_changed", _at(6), "canbo1", detail={"action": "stopped"})
    notice = sd.stop_notice_data(
        _dossier(), _ctx(_handed("Phòng Tài nguyên và Môi trường", 1), stopped)
    )
    assert notice.header.unit_name == "Phòng Tài nguyên và Môi trường"
    assert (notice.signer_title, notice.signer_name) == ("Phó Trưởng phòng", "Đỗ Thị Mai")


def test_control_slip_credits_the_giving_agency_and_lists_cooperating_ones() -> None:
    back = DossierEvent("status_changed", _at(30), "canbo1", detail={"action": "result_received"})
    data = sd.control_slip_data(
        _dossier(),
        _ctx(
            _handed("Phòng Văn hóa - Xã hội", 1),
            _handed("Phòng Tư pháp", 3, cooperating=["Công an phường Hạc Thành"]),
            back,
        ),
    )
    assert data.processing_agency == "Phòng Tư pháp"
    assert data.cooperating_agencies == ("Phòng Văn hóa - Xã hội", "Công an phường Hạc Thành")
    first, second, result = data.steps
    assert first.unit == second.unit == "Bộ phận Một cửa phường Hạc Thành"  # the counter gives
    assert result.unit == "Phòng Tư pháp"  # the department gives the result back
    assert result.timeliness == control_slip.EARLY  # credited to the department
    assert result.receiver.startswith("Bộ phận Một cửa phường Hạc Thành")


def test_return_slip_originals_and_actual_method() -> None:
    returned = DossierEvent(
        "status_changed",
        _at(40),
        "canbo1",
        detail={
            "action": "returned",
            "collector_kind": "proxy",
            "collector_name": "Trần Văn Đức",
            "collector_id_number": "038090001111",
            "originals_returned": ["Giấy chứng nhận"],
            "results": ["Giấy chứng nhận đã đăng ký biến động"],
        },
    )
    data = sd.return_data(_dossier(), _ctx(returned))
    assert data.originals == ("Giấy chứng nhận",)
    assert data.return_method_label == (
        "Trực tiếp tại Bộ phận Một cửa phường Hạc Thành (người nhận thay)"
    )
    post = sd.return_data(
        _dossier(return_method=ReturnMethod.POST, return_address="Số 5 Trần Phú"), _ctx(returned)
    )
    assert post.return_method_label.startswith("Qua dịch vụ bưu chính công ích")
    pdf = sd.build_slip("return", _dossier(), _ctx(returned), "A5")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).split())
    assert "1. Giấy chứng nhận (bản chính)" in text
    assert "(người nhận thay)" in text


def test_paper_counts_from_the_checklist() -> None:
    # 2 + 1 originals; 2 certified + 3 copies; the shown card and the missing paper count not.
    assert sd.paper_counts(_dossier().checklist) == (3, 5)


@pytest.mark.parametrize("doc", sorted(sd.PAPERS_BY_DOC))
def test_every_offered_paper_renders(doc: str) -> None:
    """A paper the settings accept for a form must render (A4 used to raise for Mẫu 01)."""
    events = (
        DossierEvent("received", T0, "canbo1", detail={"processing_days": 10}),
        _handed("Phòng Tư pháp", 1),
        DossierEvent("status_changed", _at(5), "canbo1", detail={"action": "refused"}),
        DossierEvent("status_changed", _at(6), "canbo1", detail={"action": "returned"}),
    )
    for paper in sd.PAPERS_BY_DOC[doc]:
        _, errors = validate_changes(SETTINGS, {"paper_sizes": {doc: paper}})
        assert errors == {}
        pdf = sd.build_slip(doc, _dossier(), _ctx(*events), paper)
        assert_all_fonts_embedded(pdf)
    _, errors = validate_changes(SETTINGS, {"paper_sizes": {doc: "Letter"}})
    assert errors == {"paper_sizes": "invalid_paper"}


def test_documents_print_ledger_entry_and_authorisation(ctx, admin) -> None:  # type: ignore[no-untyped-def]
    proxy = Person("Trần Văn Đức", id_number="038090001111", phone="0987654321")
    first = ctx.reception.receive(IntakeDraft("1.014137", HOA), admin)
    second = ctx.reception.receive(
        IntakeDraft(
            "1.014137", HOA, submitter=proxy, authorisation="Giấy ủy quyền số 7/UQ ngày 01/10/2023"
        ),
        admin,
    )
    texts = []
    for d in (first, second):
        pdf = ctx.documents.render("receipt", d).pdf
        text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
        texts.append(" ".join(text.split()))
    assert "Số: 01/TNHS" in texts[0] and "số thứ tự 01" in texts[0]
    assert "Số: 02/TNHS" in texts[1] and "Quyển số 01/2023, số thứ tự 02" in texts[1]
    assert "Giấy ủy quyền: Giấy ủy quyền số 7/UQ ngày 01/10/2023" in texts[1]
    assert "Giấy ủy quyền" not in texts[0]
