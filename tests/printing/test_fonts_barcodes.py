"""Fonts registration and barcode primitives."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import SimpleDocTemplate

from motcua_desk.printing import barcodes
from motcua_desk.printing.errors import BarcodeValueError, FontMissingError, QrTemplateError
from motcua_desk.printing.fonts import FONT_FILES, register_fonts
from motcua_desk.resources import fonts_dir

VIETNAMESE = "ĂăÂâĐđÊêÔôƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ"


def test_fonts_shipped_with_licence() -> None:
    d = fonts_dir()
    for file in FONT_FILES.values():
        assert (d / file).stat().st_size > 100_000
    assert "SIL OPEN FONT LICENSE Version 1.1" in (d / "OFL.txt").read_text()
    assert "Red Hat" in (d / "OFL.txt").read_text()


def test_register_is_idempotent_and_covers_vietnamese() -> None:
    a = register_fonts()
    b = register_fonts()
    assert a == b
    registered = set(pdfmetrics.getRegisteredFontNames())
    assert set(FONT_FILES) <= registered
    for name in FONT_FILES:
        face = pdfmetrics.getFont(name).face
        missing = [ch for ch in VIETNAMESE if ord(ch) not in face.charToGlyph]
        assert missing == [], (name, missing)
    assert set(a.files()) == set(FONT_FILES)


def test_missing_font_file_is_a_typed_error(tmp_path: Path) -> None:
    for file in list(FONT_FILES.values())[:-1]:
        shutil.copy(fonts_dir() / file, tmp_path / file)
    with pytest.raises(FontMissingError) as info:
        register_fonts(tmp_path)
    assert info.value.code == "font_missing"
    assert info.value.data["path"].endswith(list(FONT_FILES.values())[-1])


def test_corrupt_font_file_is_a_typed_error(tmp_path: Path) -> None:
    for file in FONT_FILES.values():
        shutil.copy(fonts_dir() / file, tmp_path / file)
    (tmp_path / FONT_FILES["LiberationSans-Bold"]).write_bytes(b"<html>not a font</html>")
    with pytest.raises(FontMissingError) as info:
        register_fonts(tmp_path)
    assert info.value.data["reason"] == "not_truetype"


def test_code128_modules_and_width() -> None:
    modules = barcodes.code128_modules("000.00.15.H29-261122-0001")
    assert set(modules) <= {"0", "1"}
    assert modules.startswith("11010")  # start code B or C
    assert modules.endswith("1100011101011")  # stop pattern
    width_mm = barcodes.code128_width("000.00.15.H29-261122-0001") / mm
    assert barcodes.CODE128_MODULE / mm == pytest.approx(0.3387, abs=1e-4)
    assert 100 < width_mm < 110  # 288 modules + 2 x 10 quiet


@pytest.mark.parametrize("bad", ["", "mã hồ sơ", "tab\there", "\x00"])
def test_code128_rejects_unencodable(bad: str) -> None:
    with pytest.raises(BarcodeValueError):
        barcodes.code128_modules(bad)


def test_bar_runs() -> None:
    assert barcodes.bar_runs("0110111001") == [(1, 2), (4, 3), (9, 1)]
    assert barcodes.bar_runs("000") == []


def test_qr_payload() -> None:
    assert barcodes.qr_payload("H56-231027-0361") == "H56-231027-0361"
    assert barcodes.qr_payload("H56-231027-0361", "   ") == "H56-231027-0361"
    url = barcodes.qr_payload("H56-231027-0361", "https://dvc.example.vn/tra-cuu?ma={code}")
    assert url == "https://dvc.example.vn/tra-cuu?ma=H56-231027-0361"
    with pytest.raises(QrTemplateError):
        barcodes.qr_payload("X-1", "https://dvc.example.vn/tra-cuu")


def test_qr_matrix_shape_and_errors() -> None:
    m = barcodes.qr_matrix("H56-231027-0361")
    assert len(m) == len(m[0]) >= 21
    assert all(len(row) == len(m) for row in m)
    with pytest.raises(BarcodeValueError):
        barcodes.qr_matrix("")
    with pytest.raises(BarcodeValueError):
        barcodes.qr_matrix("x" * 5000)


def test_flowables_decode(dec, fonts) -> None:  # type: ignore[no-untyped-def]
    code = "H56.14-260212-12345"
    payload = "https://dvc.example.vn/?q=Nguyễn Thị Hằng"
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, invariant=1)
    doc.build(
        [
            barcodes.Code128Flowable(code, font_name=fonts.sans),
            barcodes.QrFlowable(payload),
            barcodes.Code128Flowable("RR123456785VN", font_name=fonts.sans, rotate=True),
        ]
    )
    found = dec.decode_pdf(buf.getvalue())
    assert found == [sorted([code, payload, "RR123456785VN"])]


def test_import_registers_nothing() -> None:
    import subprocess
    import sys

    code = (
        "import motcua_desk.printing, motcua_desk.printing.slips.receipt\n"
        "import motcua_desk.printing.slips.ledger\n"
        "from reportlab.pdfbase import pdfmetrics\n"
        "print(sorted(n for n in pdfmetrics.getRegisteredFontNames() if 'Liberation' in n))\n"
    )
    src = Path(__file__).resolve().parents[2] / "src"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert out.stdout.strip() == "[]"


def test_wording_by_regime() -> None:
    from motcua_desk.domain.dossier import Regime
    from motcua_desk.printing.slips import wording

    assert wording.form_number("control_slip", Regime.ND61_2018) == "05"
    assert wording.form_number("control_slip", Regime.ND118_2025) == "06"
    assert wording.form_number("ledger", Regime.ND61_2018) == "06"
    assert wording.form_number("ledger", Regime.ND118_2025) == "07"
    assert wording.form_label("stop_notice", Regime.ND61_2018) == ""
    assert wording.form_label("receipt", Regime.ND118_2025) == "Mẫu số 01 (TT 03/2025/TT-VPCP)"
