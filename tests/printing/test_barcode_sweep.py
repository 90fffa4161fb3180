"""Agency e-IDs up to 35 characters: every dossier-code symbol stays inside the A5 text area and
decodes from the produced PDF, at 300 dpi and at a 203-dpi thermal printer's resolution."""

from __future__ import annotations

from dataclasses import replace

import barcode
import pytest
import zxingcpp
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import inch, mm

from motcua_desk.printing.barcodes import (
    CODE128_MIN_MODULE,
    CODE128_MODULE,
    code128_codewords,
    code128_module_for,
    code128_modules,
)
from motcua_desk.printing.slips import receipt

#: The A5 text area: page width less the 9 mm margins and the frame's 6 pt padding.
TEXT_WIDTH = A5[0] - 2 * 9 * mm - 12


def dotted(length: int) -> str:
    """A real-looking e-ID grown by levels: 000.00.06.H56.01.02… cut to ``length``."""
    value = "000.00.06.H56"
    n = 1
    while len(value) < length:
        value += f".{n:02d}"
        n += 1
    value = value[:length]
    return value[:-1] + "9" if value.endswith(".") else value


def lettered(length: int) -> str:
    """The widest kind: letters only (no digit pair for subset C), dotted every 4."""
    letters = "HABCDEFGKLMNPQRSTUVXY"
    out = ""
    while len(out) < length:
        out += ("." if out and len(out) % 5 == 4 else "") + letters[len(out) % len(letters)]
    out = out[:length]
    return out[:-1] + "Z" if out.endswith(".") else out


LENGTHS = (5, 13, 17, 21, 25, 28, 31, 34, 35)
CASES = [(kind, n) for kind in ("dotted", "lettered") for n in LENGTHS]


def _code(kind: str, n: int) -> str:
    agency = dotted(n) if kind == "dotted" else lettered(n)
    return f"{agency}-261203-0042"


def test_shortest_encoding_beats_or_equals_the_greedy_one() -> None:
    for value in ("000.00.06.H56-261203-0042", "12345", "A1234B", "1234567", "AB12CD3456EF"):
        ours = len(code128_modules(value))
        greedy = len(barcode.Code128(value).build()[0])
        assert ours <= greedy, value
    assert code128_codewords("1234") == [105, 12, 34]  # start C, two pairs
    assert len(code128_codewords("000.00.06.H56-261203-0042")) < len("000.00.06.H56-261203-0042")


@pytest.mark.parametrize(("kind", "n"), CASES)
def test_code_fits_and_decodes(dec, fonts, cases, kind, n) -> None:  # type: ignore[no-untyped-def]
    code = _code(kind, n)
    module = code128_module_for(code, TEXT_WIDTH)
    data = replace(
        cases.slip(1, unit="full", address="long", proxy=False, names="short"), dossier_code=code
    )
    data = replace(data, qr_payload="")  # the only symbol is the dossier code's
    pdf = receipt.render(data, fonts=fonts)
    expected = "Code128" if module is not None else "QRCode"
    for dpi in (300, 203):
        image = dec.rasterise(pdf, dpi=dpi)[0]
        found = [r for r in zxingcpp.read_barcodes(image) if r.text == code]
        assert [r.format.name for r in found] == [expected], (dpi, code)
        box = found[0].position
        margin = 8 * mm / inch * dpi  # inside the printable area, clear of a printer's 5 mm
        xs = [box.top_left.x, box.top_right.x, box.bottom_left.x, box.bottom_right.x]
        assert min(xs) >= margin and max(xs) <= image.width - margin, (dpi, code)
    if module is not None:
        symbol = (len(code128_modules(code)) + 20) * module
        assert symbol <= TEXT_WIDTH + 0.01
        assert CODE128_MIN_MODULE <= module <= CODE128_MODULE


def test_sweep_uses_each_remedy() -> None:
    """Short IDs keep the full module, mid-length ones a narrower one, the longest a QR."""
    modules = {(k, n): code128_module_for(_code(k, n), TEXT_WIDTH) for k, n in CASES}
    assert modules[("dotted", 13)] == CODE128_MODULE
    assert any(m is not None and m < CODE128_MODULE for m in modules.values())
    assert modules[("lettered", 35)] is None
