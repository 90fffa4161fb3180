"""Mẫu 01 receipt slip: text, fonts, page size, barcodes, determinism, long data."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import replace
from datetime import datetime

import pytest

from motcua_desk.domain.dossier import ApplicantKind, ChecklistItem, PaperForm, Person, Regime
from motcua_desk.printing.barcodes import qr_payload
from motcua_desk.printing.errors import InvalidLayoutError
from motcua_desk.printing.slips import receipt
from motcua_desk.printing.slips.common import UnitHeader

CODE = "000.00.15.H29-261122-0001"
A5 = (419.53, 595.28)


@pytest.fixture
def data(unit, applicant, submitter, papers) -> receipt.ReceiptData:  # type: ignore[no-untyped-def]
    return receipt.ReceiptData(
        dossier_code=CODE,
        header=unit,
        applicant=applicant,
        submitter=submitter,
        authorisation="Giấy ủy quyền số 12/UQ",
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        received_at=datetime(2026, 2, 12, 10, 15),
        due_at=datetime(2026, 2, 26, 10, 0),
        clerk_name="Lê Thị Hoa",
        papers=papers,
        sets_count=1,
        processing_days=5,
        fee_label="Miễn lệ phí",
        qr_payload=qr_payload(CODE, "https://dichvucong.example.vn/tra-cuu?ma={code}"),
        number="123/PBS",
    )


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_a5_text(dec, data, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = receipt.render(data, fonts=fonts)
    lines = dec.pdf_lines(pdf)
    joined = "\n".join(lines)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "UBND TỈNH THANH HÓA",
        "Số: 123/PBS",
        "Thanh Hóa, ngày 12 tháng 02 năm 2026",
        f"Mã hồ sơ: {CODE}",
        "Ông/Bà: Nguyễn Thị Hằng; Số định danh: 038195001234",
        "Người nộp hồ sơ: Trần Văn Đức; Số định danh: 038090001111",
        "Giấy ủy quyền: Giấy ủy quyền số 12/UQ",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh (mã thủ tục 1.001193)",
        "2. Số lượng hồ sơ: 1 bộ",
        "3. Thời gian giải quyết hồ sơ theo quy định: 5 ngày làm việc",
        "4. Thời gian nhận hồ sơ: 10 giờ 15 phút, ngày 12/02/2026",
        "5. Thời gian trả kết quả giải quyết hồ sơ: Vào lúc 10 giờ 00 phút, ngày 26/02/2026",
        "7. Phí, lệ phí: Miễn lệ phí",
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
        "Căn cước của cha, mẹ (xuất trình bản chính)",
        "Lê Thị Hoa",
        "Trần Văn Đức",
        "Mẫu số 01 (TT 03/2025/TT-VPCP)",
    ]:
        assert expected in lines or expected in joined, expected
    assert "MÃ TẠM" not in joined
    assert "Email: hang@example.vn" in joined


def test_nfd_input_prints_nfc(dec, data, fonts) -> None:  # type: ignore[no-untyped-def]
    nfd_data = replace(
        data,
        applicant=replace(data.applicant, full_name=nfd("Nguyễn Thị Hằng")),
        procedure_name=nfd("Đăng ký khai sinh"),
        clerk_name=nfd("Lê Thị Hoa"),
        header=UnitHeader(nfd("UBND tỉnh Thanh Hóa"), nfd(data.header.unit_name), nfd("Thanh Hóa")),
    )
    pdf_nfd = receipt.render(nfd_data, fonts=fonts)
    assert pdf_nfd == receipt.render(data, fonts=fonts)
    text = "\n".join(dec.pdf_lines(pdf_nfd))
    assert "Ông/Bà: Nguyễn Thị Hằng" in text
    assert "\u0300" not in text and "\u0323" not in text  # no combining marks left


def test_fonts_embedded_and_page_size(dec, data, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = receipt.render(data, fonts=fonts)
    names = dec.font_names(pdf)
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSans"} <= names
    used = dec.text_fonts(pdf)
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSans"} <= used
    assert all(n.startswith("Liberation") for n in used), used
    assert b"/FontFile2" in pdf
    sizes = dec.page_sizes(pdf)
    assert len(sizes) == 1
    assert sizes[0] == pytest.approx(A5, abs=0.05)
    meta = dec.metadata(pdf)
    assert meta["/Subject"] == CODE
    assert meta["/Title"] == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"


@pytest.mark.parametrize("dpi", [300, 150])
def test_barcodes_decode_a5(dec, data, fonts, dpi) -> None:  # type: ignore[no-untyped-def]
    pdf = receipt.render(data, fonts=fonts)
    found = dec.decode_pdf_formats(pdf, dpi=dpi)
    assert len(found) == 1
    assert ("Code128", CODE) in found[0]
    assert ("QRCode", data.qr_payload) in found[0]


def test_thermal_layout(dec, data, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = receipt.render(data, layout="80mm", fonts=fonts)
    sizes = dec.page_sizes(pdf)
    assert len(sizes) == 1
    assert sizes[0][0] == pytest.approx(80 / 25.4 * 72, abs=0.05)
    assert sizes[0][1] > 400
    found = dec.decode_pdf_formats(pdf, dpi=300)
    assert ("Code128", CODE) in found[0]
    assert ("QRCode", data.qr_payload) in found[0]
    lines = dec.pdf_lines(pdf)
    assert "Nguyễn Thị Hằng" in "\n".join(lines)
    assert "2. Giấy chứng sinh: 2 bản sao chứng thực" in lines


def test_vietnamese_qr_payload(dec, data, fonts) -> None:  # type: ignore[no-untyped-def]
    payload = "Hồ sơ của Nguyễn Thị Hằng – mã " + CODE
    pdf = receipt.render(replace(data, qr_payload=payload), fonts=fonts)
    assert ("QRCode", payload) in dec.decode_pdf_formats(pdf)[0]


def test_no_qr_when_payload_empty(dec, data, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = receipt.render(replace(data, qr_payload=""), fonts=fonts)
    assert dec.decode_pdf_formats(pdf) == [[("Code128", CODE)]]


def test_provisional_marker(dec, data, fonts) -> None:  # type: ignore[no-untyped-def]
    pdf = receipt.render(replace(data, provisional=True), fonts=fonts)
    assert "MÃ TẠM" in dec.pdf_lines(pdf)


def test_regime_2018_and_organisation(dec, data, fonts) -> None:  # type: ignore[no-untyped-def]
    org = Person("Công ty TNHH Ánh Dương", id_number="2801234567", kind=ApplicantKind.ENTERPRISE)
    pdf = receipt.render(
        replace(data, regime=Regime.ND61_2018, applicant=org, submitter=None), fonts=fonts
    )
    lines = dec.pdf_lines(pdf)
    assert "Mẫu số 01 (TT 01/2018/TT-VPCP)" in lines
    assert "Tổ chức: Công ty TNHH Ánh Dương; Số định danh: 2801234567" in lines
    assert not any(line.startswith("Người nộp hồ sơ:") for line in lines)


def test_deterministic(data, fonts) -> None:  # type: ignore[no-untyped-def]
    a = receipt.render(data, fonts=fonts)
    b = receipt.render(data, fonts=fonts)
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()
    other = receipt.render(replace(data, clerk_name="Lê Văn Hòa"), fonts=fonts)
    assert other != a


def test_long_data_does_not_overflow(dec, data, fonts) -> None:  # type: ignore[no-untyped-def]
    long_name = ("Nguyễn Thị Hằng Trần Văn Đức Lê Thị Hoa " * 6)[:200]
    many = tuple(
        ChecklistItem(f"Giấy tờ số {i}: {long_name[:80]}", PaperForm.COPY, i % 3 + 1)
        for i in range(30)
    )
    big = replace(
        data,
        papers=many,
        applicant=replace(data.applicant, full_name=long_name, address=long_name),
        procedure_name=long_name,
        note=long_name,
    )
    for layout in ("A5", "80mm"):
        pdf = receipt.render(big, layout=layout, fonts=fonts)
        sizes = dec.page_sizes(pdf)
        text = "\n".join(dec.pdf_lines(pdf))
        assert "Giấy tờ số 29" in text
        assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
        if layout == "A5":
            assert len(sizes) >= 2
            assert all(s == pytest.approx(A5, abs=0.05) for s in sizes)
        else:
            assert len(sizes) == 1
    found = dec.decode_pdf(receipt.render(big, fonts=fonts))
    assert CODE in found[0]


def test_unknown_layout_is_typed_error(data, fonts) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidLayoutError) as info:
        receipt.render(data, layout="Letter", fonts=fonts)
    assert info.value.data["layout"] == "Letter"


def test_default_fonts_are_registered_lazily(data) -> None:  # type: ignore[no-untyped-def]
    assert receipt.render(data).startswith(b"%PDF-")


def test_code128_bars_are_vector_and_wide_enough(data, fonts) -> None:  # type: ignore[no-untyped-def]
    import io
    import re

    from pypdf import PdfReader

    pdf = receipt.render(data, fonts=fonts)
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    widths = [
        float(m.group(3))
        for m in re.finditer(r"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re\b", content)
    ]
    bars = [w for w in widths if w < 5]
    assert len(bars) > 60  # bars are drawn as rectangles, not an image
    assert b"/Subtype /Image" not in pdf
    narrowest_mm = min(bars) / 72 * 25.4
    assert narrowest_mm >= 0.33
    assert narrowest_mm == pytest.approx(25.4 / 75, abs=0.002)


def test_same_bytes_across_processes(data, fonts) -> None:  # type: ignore[no-untyped-def]
    """The archive keeps the sha256: hash seeds and process state must not change the bytes."""
    import pickle
    import subprocess
    import sys
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src"
    script = (
        "import hashlib, pickle, sys\n"
        "from motcua_desk.printing.slips import receipt\n"
        "data = pickle.loads(sys.stdin.buffer.read())\n"
        "print(hashlib.sha256(receipt.render(data)).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", script],
            input=pickle.dumps(data),
            capture_output=True,
            check=True,
            env={"PYTHONPATH": str(src), "PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
            timeout=60,
        )
        digests.add(out.stdout.decode().strip())
    assert digests == {hashlib.sha256(receipt.render(data, fonts=fonts)).hexdigest()}
