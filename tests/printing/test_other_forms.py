"""Mẫu 04, 05, 06, 07, the return confirmation and the postal hand-over record."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from motcua_desk.domain.dossier import Person, Regime
from motcua_desk.printing.errors import BarcodeValueError, InvalidLayoutError
from motcua_desk.printing.slips import (
    apology,
    control_slip,
    ledger,
    postal_handover,
    return_slip,
    stop_notice,
)

CODE = "H56.14-260212-0042"
A5 = (419.53, 595.28)
A4 = (595.28, 841.89)
A4_LANDSCAPE = (841.89, 595.28)


@pytest.fixture
def control(unit) -> control_slip.ControlSlipData:  # type: ignore[no-untyped-def]
    return control_slip.ControlSlipData(
        header=unit,
        dossier_code=CODE,
        applicant_name="Nguyễn Thị Hằng",
        procedure_name="Đăng ký khai sinh",
        processing_agency="UBND phường Hạc Thành",
        cooperating_agencies=("Công an phường Hạc Thành",),
        received_at=datetime(2026, 2, 12, 10, 15),
        due_at=datetime(2026, 2, 26, 10, 0),
        steps=(
            control_slip.HandoverStep(
                "Bộ phận Một cửa",
                "Lê Thị Hoa",
                "Trần Văn Đức",
                datetime(2026, 2, 12, 15, 0),
                control_slip.ON_TIME,
            ),
            control_slip.HandoverStep(
                "Phòng Tư pháp",
                "Trần Văn Đức",
                "Phạm Văn Nam",
                datetime(2026, 2, 13, 8, 5),
                control_slip.EARLY,
                "Đã thẩm định",
            ),
        ),
    )


def test_control_slip(dec, control, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = control_slip.render(control, fonts=fonts)
    lines = dec.pdf_lines(pdf)
    for expected in [
        "Mẫu số 06 (TT 03/2025/TT-VPCP)",
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "Cơ quan giải quyết hồ sơ: UBND phường Hạc Thành",
        "Cơ quan phối hợp: Công an phường Hạc Thành",
        "1. Giao: Lê Thị Hoa",
        "Nhận: Trần Văn Đức",
        "15 giờ 00 phút, ngày 12/02/2026",
        "2. Giao: Trần Văn Đức",
        "08 giờ 05 phút, ngày 13/02/2026",
        "Đúng hạn",
        "Trước hạn",
    ]:
        assert expected in lines, expected
    assert dec.page_sizes(pdf) == [pytest.approx(A5, abs=0.05)]
    assert dec.decode_pdf(pdf) == [[CODE]]
    old = control_slip.render(replace(control, regime=Regime.ND61_2018), fonts=fonts)
    assert "Mẫu số 05 (TT 01/2018/TT-VPCP)" in dec.pdf_lines(old)
    a4 = control_slip.render(control, layout="A4", fonts=fonts)
    assert dec.page_sizes(a4) == [pytest.approx(A4, abs=0.05)]
    with pytest.raises(InvalidLayoutError):
        control_slip.render(control, layout="80mm", fonts=fonts)


@pytest.fixture
def apology_data(unit, applicant) -> apology.ApologyData:  # type: ignore[no-untyped-def]
    return apology.ApologyData(
        header=unit,
        addressee=applicant,
        dossier_code=CODE,
        procedure_name="Đăng ký khai sinh",
        received_at=datetime(2026, 2, 12, 10, 15),
        original_due_at=datetime(2026, 2, 26, 10, 0),
        new_due_at=datetime(2026, 3, 5, 10, 0),
        reason="Cần xác minh thêm thông tin",
        issued_at=datetime(2026, 2, 25, 9, 0),
        processing_agency="UBND phường Hạc Thành",
        signer_title="CHỦ TỊCH",
        signer_name="Phạm Văn Nam",
        number="7/PXL",
    )


def test_apology_by_regime(dec, apology_data, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = apology.render(apology_data, fonts=fonts)
    lines = dec.pdf_lines(pdf)
    text = " ".join(lines)
    for expected in [
        "Mẫu số 04 (TT 03/2025/TT-VPCP)",
        "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "Kính gửi: Ông/Bà Nguyễn Thị Hằng",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ: Vào lúc 10 giờ 00 phút, ngày 26/02/2026",
        "Lý do: Cần xác minh thêm thông tin",
        "CHỦ TỊCH",
        "Phạm Văn Nam",
        "Thanh Hóa, ngày 25 tháng 02 năm 2026",
    ]:
        assert expected in lines, expected
    assert "10 giờ 00 phút, ngày 05/03/2026" in text
    assert dec.decode_pdf(pdf) == [[CODE]]
    old = apology.render(replace(apology_data, regime=Regime.ND61_2018), fonts=fonts)
    old_lines = dec.pdf_lines(old)
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in old_lines
    assert "Mẫu số 04 (TT 01/2018/TT-VPCP)" in old_lines


def test_stop_notice(dec, unit, applicant, fonts) -> None:  # type: ignore[no-untyped-def]
    data = stop_notice.StopNoticeData(
        header=unit,
        applicant=applicant,
        dossier_code=CODE,
        procedure_name="Đăng ký khai sinh",
        received_at=datetime(2026, 2, 12, 10, 15),
        issued_at=datetime(2026, 2, 20, 9, 0),
        reason="Công dân đề nghị rút hồ sơ",
        signer_title="GIÁM ĐỐC",
        signer_name="Phạm Văn Nam",
        request_date=date(2026, 2, 19),
        withdrawal=True,
    )
    pdf = stop_notice.render(data, fonts=fonts)
    lines = dec.pdf_lines(pdf)
    for expected in [
        "Mẫu số 05 (TT 03/2025/TT-VPCP)",
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "Ngày Ông/Bà đề nghị rút hồ sơ: 19/02/2026",
        "Lý do: Công dân đề nghị rút hồ sơ",
        "GIÁM ĐỐC",
    ]:
        assert expected in lines, expected
    assert dec.decode_pdf(pdf, dpi=150) == [[CODE]]
    old = stop_notice.render(replace(data, regime=Regime.ND61_2018), fonts=fonts)
    assert not any(line.startswith("Mẫu số") for line in dec.pdf_lines(old))


def test_return_slip(dec, unit, applicant, submitter, fonts) -> None:  # type: ignore[no-untyped-def]
    data = return_slip.ReturnSlipData(
        header=unit,
        dossier_code=CODE,
        applicant=applicant,
        procedure_name="Đăng ký khai sinh",
        received_at=datetime(2026, 2, 12, 10, 15),
        due_at=datetime(2026, 2, 26, 10, 0),
        returned_at=datetime(2026, 2, 26, 16, 30),
        results=("Giấy khai sinh (bản chính)", "Bản sao Giấy khai sinh: 02 bản"),
        clerk_name="Lê Thị Hoa",
        receiver=submitter,
        authorisation="Giấy ủy quyền số 5/UQ",
        fee_label="8.000 đồng",
    )
    pdf = return_slip.render(data, fonts=fonts)
    lines = dec.pdf_lines(pdf)
    for expected in [
        "PHIẾU XÁC NHẬN TRẢ KẾT QUẢ GIẢI QUYẾT HỒ SƠ",
        "Thời gian trả kết quả: 16 giờ 30 phút, ngày 26/02/2026",
        "Tình trạng: Đúng hạn",
        "1. Giấy khai sinh (bản chính)",
        "2. Bản sao Giấy khai sinh: 02 bản",
        "Người nhận thay: Trần Văn Đức; Số định danh: 038090001111",
        "Giấy ủy quyền: Giấy ủy quyền số 5/UQ",
        "NGƯỜI NHẬN KẾT QUẢ",
        "Trần Văn Đức",
    ]:
        assert expected in lines, expected
    assert dec.decode_pdf(pdf) == [[CODE]]
    thermal = return_slip.render(data, layout="80mm", fonts=fonts)
    assert dec.page_sizes(thermal)[0][0] == pytest.approx(226.77, abs=0.05)
    assert dec.decode_pdf(thermal) == [[CODE]]


@pytest.mark.parametrize(
    ("returned", "expected"),
    [
        (datetime(2026, 2, 25, 17, 0), "Trước hạn"),
        (datetime(2026, 2, 26, 8, 0), "Đúng hạn"),
        (datetime(2026, 2, 26, 23, 59), "Đúng hạn"),
        (datetime(2026, 2, 27, 7, 30), "Quá hạn"),
    ],
)
def test_timeliness(returned: datetime, expected: str) -> None:
    assert return_slip.timeliness(datetime(2026, 2, 26, 10, 0), returned) == expected


def _ledger(unit, n: int) -> ledger.LedgerData:  # type: ignore[no-untyped-def]
    t0 = datetime(2026, 1, 5, 8, 0)
    rows = tuple(
        ledger.LedgerRow(
            no=i,
            dossier_code=f"H56.14-2601{i % 28 + 1:02d}-{i:04d}",
            procedure_name="Đăng ký khai sinh",
            applicant_name="Nguyễn Thị Hằng" if i % 2 else "Trần Văn Đức",
            address_phone="Số 12 Lê Lợi, 0912345678",
            lead_agency="UBND phường Hạc Thành",
            received_at=t0 + timedelta(hours=i),
            due_at=t0 + timedelta(days=5, hours=i),
            returned_at=None if i % 3 else t0 + timedelta(days=4),
            return_method_label="Trực tiếp",
        )
        for i in range(1, n + 1)
    )
    return ledger.LedgerData(
        header=unit,
        field_name="Hộ tịch",
        period_label="Năm 2026",
        printed_at=datetime(2026, 12, 31, 16, 0),
        rows=rows,
        book_no="01/2026",
    )


def test_ledger_small(dec, unit, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = ledger.render(_ledger(unit, 3), fonts=fonts)
    lines = dec.pdf_lines(pdf)
    assert "Mẫu số 07 (TT 03/2025/TT-VPCP)" in lines
    assert "SỔ THEO DÕI HỒ SƠ" in lines
    assert "Lĩnh vực: Hộ tịch" in lines
    assert any(x.startswith("01 H56.14-260102-0001 Đăng ký khai sinh") for x in lines)  # one row
    assert "Quyển số: 01/2026" in lines
    assert dec.page_sizes(pdf) == [pytest.approx(A4_LANDSCAPE, abs=0.05)]
    with pytest.raises(InvalidLayoutError):
        ledger.render(_ledger(unit, 1), layout="A5", fonts=fonts)
    old = ledger.render(replace(_ledger(unit, 1), regime=Regime.ND61_2018), fonts=fonts)
    assert "Mẫu số 06 (TT 01/2018/TT-VPCP)" in dec.pdf_lines(old)


@pytest.mark.slow
def test_ledger_3000_rows_repeats_header(dec, unit, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = ledger.render(_ledger(unit, 3000), fonts=fonts)
    pages = dec.page_lines(pdf)
    assert len(pages) > 50
    for i, page in enumerate(pages):
        head = [x for x in page if x.startswith("STT Mã hồ sơ")]
        assert head and head[0].endswith("Ký nhận"), i  # header row on every page
        if i:
            assert f"Trang {i + 1}" in page
    codes = [
        m.group(0) for page in pages for x in page for m in re.finditer(r"H56\.14-26\d{4}-\d{4}", x)
    ]
    assert len(codes) == 3000 and len(set(codes)) == 3000
    assert "H56.14-260105-3000" in "\n".join(pages[-1])  # 3000 % 28 + 1 = 5
    assert all(size == pytest.approx(A4_LANDSCAPE, abs=0.05) for size in dec.page_sizes(pdf))


@pytest.fixture
def handover(unit) -> postal_handover.PostalHandoverData:  # type: ignore[no-untyped-def]
    items = tuple(
        postal_handover.HandoverItem(
            dossier_code=f"H56.14-260212-{i:04d}",
            item_code=code,
            applicant_name=name,
            procedure_name="Chứng thực bản sao",
            originals=1,
            copies=i,
        )
        for i, (code, name) in enumerate(
            [
                ("RR123456785VN", "Nguyễn Thị Hằng"),
                ("EE158267800VN", "Trần Văn Đức"),
                ("RR763972505VN", "Lê Thị Hoa"),
            ],
            1,
        )
    )
    return postal_handover.PostalHandoverData(
        header=unit,
        batch_code="BC-260212-01",
        signed_at=datetime(2026, 2, 12, 9, 30),
        items=items,
        postal_unit="Bưu điện tỉnh Thanh Hóa",
        postal_staff="Phạm Văn Nam",
        counter_staff="Lê Thị Hoa",
        fee_total_label="50.000 đồng",
    )


def test_postal_handover(dec, handover, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = postal_handover.render(handover, fonts=fonts)
    lines = dec.pdf_lines(pdf)
    for expected in [
        "BIÊN BẢN GIAO NHẬN HỒ SƠ",
        "Mã lô: BC-260212-01",
        "RR123456785VN",
        "EE158267800VN",
        "RR763972505VN",
        "Cộng: 3 hồ sơ",
        "Tổng số hồ sơ: 3 hồ sơ (3 bản chính, 6 bản sao)",
        "BÊN GIAO",
        "NHÂN VIÊN BƯU CHÍNH",
        "CÁN BỘ BỘ PHẬN MỘT CỬA",
        "Phạm Văn Nam",
    ]:
        assert expected in lines, expected
    assert dec.page_sizes(pdf) == [pytest.approx(A4, abs=0.05)]
    assert dec.decode_pdf(pdf) == [["BC-260212-01"]]
    assert dec.metadata(pdf)["/Subject"] == "BC-260212-01"
    results = postal_handover.render(
        replace(handover, direction=postal_handover.Direction.RESULTS), fonts=fonts
    )
    assert "BIÊN BẢN GIAO NHẬN KẾT QUẢ" in dec.pdf_lines(results)


def test_postal_handover_many_items_and_bad_batch(dec, handover, fonts) -> None:  # type: ignore[no-untyped-def]
    many = handover.items * 40
    pdf = postal_handover.render(replace(handover, items=many), fonts=fonts)
    pages = dec.page_lines(pdf)
    assert len(pages) >= 2
    table_pages = [page for page in pages if "RR123456785VN" in page]
    assert len(table_pages) >= 2
    assert all("Số hiệu bưu gửi" in page for page in table_pages)  # header row repeated
    assert "Cộng: 120 hồ sơ" in [x for page in pages for x in page]
    assert "CÁN BỘ BỘ PHẬN MỘT CỬA" in pages[-1]
    with pytest.raises(BarcodeValueError):
        postal_handover.render(replace(handover, batch_code="Lô số 1"), fonts=fonts)


def test_all_forms_deterministic_and_nfc(apology_data, control, handover, fonts) -> None:  # type: ignore[no-untyped-def]
    nfd = unicodedata.normalize("NFD", "Phạm Văn Nam")
    for render, data in [
        (apology.render, apology_data),
        (control_slip.render, control),
        (postal_handover.render, handover),
    ]:
        a = render(data, fonts=fonts)
        assert hashlib.sha256(a).digest() == hashlib.sha256(render(data, fonts=fonts)).digest()
    assert apology.render(replace(apology_data, signer_name=nfd), fonts=fonts) == apology.render(
        apology_data, fonts=fonts
    )
    nfd_person = Person(nfd)
    assert postal_handover.render(
        replace(handover, postal_staff=nfd_person.full_name), fonts=fonts
    ) == postal_handover.render(handover, fonts=fonts)
