from __future__ import annotations

import hashlib
from io import BytesIO

import pytest
from pypdf import PdfReader

from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.services.reception import IntakeDraft

from .conftest import HOA


@pytest.fixture
def dossier(ctx, admin):  # type: ignore[no-untyped-def]
    return ctx.reception.receive(IntakeDraft("1.014137", HOA), admin).value


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_receipt_is_rendered_archived_and_carries_local_times(ctx, dossier) -> None:
    doc = ctx.documents.render("receipt", dossier)
    assert doc.path.read_bytes() == doc.pdf
    assert doc.sha256 == hashlib.sha256(doc.pdf).hexdigest()
    assert doc.path.parent == ctx.paths.archive_dir / "2023" / "10"
    text = _text(doc.pdf)
    assert dossier.code in text
    assert "Lê Thị Hoa" in text
    assert "Nguyễn Văn An" in text  # the clerk's full name, not the user name
    assert "03/11/2023" in text and "27/10/2023" in text
    assert "09 giờ 32 phút" in text  # office time, not UTC
    # Rendering again gives the same bytes and the same archive file.
    assert ctx.documents.render("receipt", dossier).path == doc.path


def test_print_ledger_and_unprinted_list(ctx, admin, dossier) -> None:
    doc = ctx.documents.render("receipt", dossier)
    assert [d.code for d in ctx.reception.unprinted_receipts()] == [dossier.code]
    ctx.documents.record_print(doc, printer="motcua-pdf", outcome="failed", clerk=admin)
    assert [d.code for d in ctx.reception.unprinted_receipts()] == [dossier.code]
    assert not ctx.documents.needs_reprint_reason(dossier.id, "receipt")
    ctx.documents.record_print(doc, printer="motcua-pdf", outcome="sent", clerk=admin)
    assert ctx.reception.unprinted_receipts() == []
    assert ctx.documents.needs_reprint_reason(dossier.id, "receipt")
    with pytest.raises(ValidationFailedError) as info:
        ctx.documents.record_print(doc, printer="motcua-pdf", outcome="sent", clerk=admin)
    assert info.value.fields == {"reprint_reason": "required"}
    ctx.documents.record_print(
        doc, printer="motcua-pdf", outcome="sent", clerk=admin, reprint_reason="Kẹt giấy"
    )
    history = ctx.documents.print_history(dossier.id)
    assert [(j.outcome, j.reprint_reason) for j in history] == [
        ("failed", None),
        ("sent", None),
        ("sent", "Kẹt giấy"),
    ]
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        kinds = [e.kind for e in uow.outbox.for_aggregate(dossier.sync_id)]
        assert kinds == ["dossier.received"] + ["print.recorded"] * 3
        assert uow.audit.verify().ok


def test_same_day_procedure_prints_trong_ngay(ctx, admin) -> None:
    from dataclasses import replace

    birth = ctx.catalogue.get("1.001193")
    papers = tuple(replace(i, received=True) for i in ctx.reception.checklist_for(birth))
    dossier = ctx.reception.receive(IntakeDraft(birth.code, HOA, checklist=papers), admin).value
    lines = [
        line.strip() for line in _text(ctx.documents.render("receipt", dossier).pdf).split("\n")
    ]
    assert "3. Thời gian giải quyết hồ sơ theo quy định: Trong ngày" in lines
    assert (
        "5. Thời gian trả kết quả giải quyết hồ sơ: Vào lúc 17 giờ 00 phút, ngày 27/10/2023"
        in lines
    )
    assert not any("0 ngày làm việc" in line for line in lines)


def _lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in _text(pdf).split("\n")]


def test_supplement_request_prints_every_missing_paper(ctx, admin) -> None:
    birth = ctx.catalogue.get("1.001193")
    items = ctx.reception.checklist_for(birth)
    draft = IntakeDraft(birth.code, HOA, checklist=items)
    d = ctx.reception.request_supplement(
        draft, admin, (items[0].name, items[1].name), "Thiếu tờ khai và giấy chứng sinh"
    ).value
    doc = ctx.documents.render("supplement", d)
    text = _text(doc.pdf)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Tờ khai đăng ký khai sinh theo mẫu" in text
    assert "Giấy chứng sinh" in text
    assert "Thiếu tờ khai và giấy chứng sinh" in text
    assert "Nguyễn Văn An" in text and "Lê Thị Hoa" in text
    assert doc.path.name.startswith(f"{d.code}_supplement_")


def test_refusal_prints_the_reason(ctx, admin) -> None:
    d = ctx.reception.refuse(
        IntakeDraft("1.014137", HOA), admin, "Không thuộc thẩm quyền giải quyết"
    ).value
    text = _text(ctx.documents.render("refusal", d).pdf)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN" in text.upper()
    assert "Không thuộc thẩm quyền giải quyết" in text
    assert "Lê Thị Hoa" in text and "038195001234" in text


def test_return_by_post_keeps_and_prints_the_postage(ctx, admin) -> None:
    from motcua_desk.domain.dossier import ReturnMethod

    draft = IntakeDraft(
        "1.014137",
        HOA,
        return_method=ReturnMethod.POST,
        return_address="Số 5 Trần Phú, phường Hạc Thành",
        postage_vnd=25000,
    )
    d = ctx.reception.receive(draft, admin).value
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        (event,) = uow.dossiers.timeline(d.id)
    assert event.detail["postage_vnd"] == 25000
    text = " ".join(_lines(ctx.documents.render("receipt", d).pdf))
    assert "Số 5 Trần Phú, phường Hạc Thành" in text
    assert "cước bưu chính: 25.000 đồng" in text
    from dataclasses import replace

    from motcua_desk.domain.errors import ValidationFailedError

    with pytest.raises(ValidationFailedError) as info:
        ctx.reception.receive(replace(draft, postage_vnd=-1), admin)
    assert info.value.fields == {"postage_vnd": "invalid_value"}


def test_a_new_slip_of_the_same_form_is_not_a_reprint(ctx, admin, dossier) -> None:  # type: ignore[no-untyped-def]
    ctx.lifecycle.request_supplement(dossier.id, admin, ("Giấy chứng sinh",), "Thiếu bản chính")
    first = ctx.documents.render("supplement", ctx.lookup.open_by_id(dossier.id).dossier)
    ctx.documents.record_print(first, printer="p", outcome="sent", clerk=admin)
    ctx.lifecycle.supplement_completed(dossier.id, admin)
    ctx.lifecycle.request_supplement(dossier.id, admin, ("Ảnh 4x6",), "Thiếu ảnh")
    second = ctx.documents.render("supplement", ctx.lookup.open_by_id(dossier.id).dossier)
    assert second.sha256 != first.sha256
    ctx.documents.record_print(second, printer="p", outcome="sent", clerk=admin)  # no reason
    with pytest.raises(ValidationFailedError):  # the same bytes again: a copy, say why
        ctx.documents.record_print(second, printer="p", outcome="sent", clerk=admin)
