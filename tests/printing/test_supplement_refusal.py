"""Mẫu 02 supplement request and Mẫu 03 refusal."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import replace
from datetime import datetime

import pytest

from motcua_desk.domain.dossier import ChecklistItem, PaperForm, Regime
from motcua_desk.printing.errors import InvalidLayoutError
from motcua_desk.printing.slips import refusal, supplement

CODE = "H56.14-260429-0007"
A5 = (419.53, 595.28)


@pytest.fixture
def sup(unit, applicant) -> supplement.SupplementData:  # type: ignore[no-untyped-def]
    return supplement.SupplementData(
        header=unit,
        applicant=applicant,
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        issued_at=datetime(2026, 5, 6, 14, 5),
        received_at=datetime(2026, 4, 29, 9, 0),
        missing=(
            ChecklistItem("Giấy chứng sinh", PaperForm.ORIGINAL, note="bản chính"),
            ChecklistItem("Giấy chứng nhận kết hôn của cha, mẹ", PaperForm.CERTIFIED_COPY),
            ChecklistItem("Tờ khai: ghi rõ quê quán của người được khai sinh"),
        ),
        reason="Hồ sơ chưa đủ thành phần theo quy định",
        official_name="Lê Thị Hoa",
        contact="Bộ phận Một cửa, điện thoại 0237 3855 555",
        dossier_code=CODE,
        number="15/PBS",
    )


@pytest.fixture
def ref(unit, applicant, submitter) -> refusal.RefusalData:  # type: ignore[no-untyped-def]
    return refusal.RefusalData(
        header=unit,
        applicant=applicant,
        submitter=submitter,
        procedure_code="2.000908",
        procedure_name="Chứng thực bản sao từ bản chính",
        issued_at=datetime(2026, 3, 2, 8, 40),
        reason="Bản chính đã bị tẩy xóa, sửa chữa nội dung",
        clerk_name="Trần Văn Đức",
        number="3/PTC",
    )


def test_supplement_text(dec, sup, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = supplement.render(sup, fonts=fonts)
    lines = dec.pdf_lines(pdf)
    for expected in [
        "Mẫu số 02 (TT 03/2025/TT-VPCP)",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Số: 15/PBS",
        "Thanh Hóa, ngày 06 tháng 05 năm 2026",
        f"Mã hồ sơ: {CODE}",
        "Ông/Bà: Nguyễn Thị Hằng; Số định danh: 038195001234",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh (mã thủ tục 1.001193)",
        "Thời gian tiếp nhận: 09 giờ 00 phút, ngày 29/04/2026",
        "1. Giấy chứng sinh (bản chính)",
        "2. Giấy chứng nhận kết hôn của cha, mẹ",
        "3. Tờ khai: ghi rõ quê quán của người được khai sinh",
        "Lý do: Hồ sơ chưa đủ thành phần theo quy định",
        "NGƯỜI HƯỚNG DẪN",
        "Lê Thị Hoa",
    ]:
        assert expected in lines, expected
    assert "Bộ phận Một cửa, điện thoại 0237 3855 555" in " ".join(lines)
    assert dec.page_sizes(pdf) == [pytest.approx(A5, abs=0.05)]
    assert dec.decode_pdf(pdf) == [[CODE]]
    assert dec.metadata(pdf)["/Subject"] == CODE
    assert all(n.startswith("Liberation") for n in dec.text_fonts(pdf))


def test_supplement_without_code_and_nfd(dec, sup, fonts) -> None:  # type: ignore[no-untyped-def]
    nfd = replace(
        sup,
        dossier_code="",
        reason=unicodedata.normalize("NFD", sup.reason),
        official_name=unicodedata.normalize("NFD", "Lê Thị Hoa"),
    )
    pdf = supplement.render(nfd, fonts=fonts)
    lines = dec.pdf_lines(pdf)
    assert "Lý do: Hồ sơ chưa đủ thành phần theo quy định" in lines
    assert "Lê Thị Hoa" in lines
    assert not any(line.startswith("Mã hồ sơ") for line in lines)
    assert dec.decode_pdf(pdf) == [[]]


def test_supplement_thermal_and_many_items(dec, sup, fonts) -> None:  # type: ignore[no-untyped-def]
    many = tuple(ChecklistItem(f"Giấy tờ thứ {i} của Trần Văn Đức " * 4) for i in range(30))
    pdf = supplement.render(replace(sup, missing=many), layout="80mm", fonts=fonts)
    (w, _h), *rest = dec.page_sizes(pdf)
    assert rest == [] and w == pytest.approx(226.77, abs=0.05)
    text = " ".join(dec.pdf_lines(pdf))
    assert "30. Giấy tờ thứ 29" in text
    assert dec.decode_pdf(pdf) == [[CODE]]
    a5 = supplement.render(replace(sup, missing=many), fonts=fonts)
    assert len(dec.page_sizes(a5)) >= 2


def test_refusal_text_and_barcodes(dec, ref, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = refusal.render(ref, fonts=fonts)
    lines = dec.pdf_lines(pdf)
    for expected in [
        "Mẫu số 03 (TT 03/2025/TT-VPCP)",
        "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
        "Số: 3/PTC",
        "Thanh Hóa, ngày 02 tháng 03 năm 2026",
        "Ông/Bà: Nguyễn Thị Hằng; Số định danh: 038195001234",
        "Người nộp hồ sơ: Trần Văn Đức; Số định danh: 038090001111",
        "Bản chính đã bị tẩy xóa, sửa chữa nội dung",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
    ]:
        assert expected in lines, expected
    assert dec.decode_pdf(pdf) == [[]]  # refused at intake: no code, no barcode
    with_code = refusal.render(replace(ref, dossier_code=CODE), fonts=fonts)
    assert dec.decode_pdf(with_code, dpi=150) == [[CODE]]
    thermal = refusal.render(replace(ref, dossier_code=CODE), layout="80mm", fonts=fonts)
    assert dec.decode_pdf(thermal) == [[CODE]]


def test_refusal_regime_2018_and_determinism(dec, ref, fonts) -> None:  # type: ignore[no-untyped-def]
    old = replace(ref, regime=Regime.ND61_2018)
    a = refusal.render(old, fonts=fonts)
    assert "Mẫu số 03 (TT 01/2018/TT-VPCP)" in dec.pdf_lines(a)
    assert hashlib.sha256(a).digest() == hashlib.sha256(refusal.render(old, fonts=fonts)).digest()


def test_layouts_rejected(sup, ref, fonts) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidLayoutError):
        supplement.render(sup, layout="Letter", fonts=fonts)
    # A4 is offered in the settings for Mẫu 02 and 03: it renders.
    assert supplement.render(sup, layout="A4", fonts=fonts).startswith(b"%PDF-")
    assert refusal.render(ref, layout="A4", fonts=fonts).startswith(b"%PDF-")
    with pytest.raises(InvalidLayoutError):
        refusal.render(ref, layout="", fonts=fonts)
