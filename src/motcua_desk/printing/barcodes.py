"""Vector barcodes: Code 128 (python-barcode's symbol tables) and QR (reportlab's encoder).

Code 128 is encoded with the fewest codewords (subset C for every digit pair where that is
shorter, :func:`code128_codewords`), drawn with 1/75-inch modules (0.3387 mm: whole dots at 300
and 600 dpi) and 10-module quiet zones. A symbol too wide for its column is drawn with a
narrower module, down to 1/100 inch (two dots of a 203-dpi thermal printer); beyond that the
caller prints a QR code with the text (:func:`code128_fits`). The QR matrix is encoded once and
drawn as rectangles, so the expensive encoder does not run twice (``getBounds`` would).
"""

from __future__ import annotations

import itertools
from typing import Any

from barcode.charsets import code128 as tables
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import inch, mm
from reportlab.platypus.flowables import Flowable

from motcua_desk.domain.text import normalize

from .errors import BarcodeValueError, QrTemplateError

#: Width of one Code 128 module in points: 1/75 inch = 0.3387 mm.
CODE128_MODULE = inch / 75
#: Narrowest module drawn: 1/100 inch = 0.254 mm, two dots at 203 dpi (still decodes there).
CODE128_MIN_MODULE = inch / 100
#: Quiet zone on each side of a Code 128, in modules.
CODE128_QUIET = 10
#: QR error-correction level (M: 15 % recoverable).
QR_LEVEL = "M"
#: Smallest QR module drawn, in points.
QR_MIN_MODULE = 0.5 * mm


_START_B, _START_C = tables.START_CODES["B"], tables.START_CODES["C"]
_TO_B, _TO_C = tables.C["TO_B"], tables.B["TO_C"]


def code128_codewords(value: str) -> list[int]:
    """Shortest Code 128 codeword sequence of ``value`` (start and data; no check, no stop).

    Printable ASCII only, so subset B holds every character; subset C packs two digits in one
    codeword. A dynamic programme over (position, subset) picks where to switch, which the
    greedy encoder of python-barcode does not (odd digit runs, runs of four digits).
    """
    if not value or any(not (32 <= ord(ch) <= 126) for ch in value):
        raise BarcodeValueError(value=value, symbology="code128")
    n = len(value)

    def pair(i: int) -> bool:
        return i + 1 < n and value[i].isdigit() and value[i + 1].isdigit()

    # cost[i][s]: fewest codewords for value[i:] when subset s (0 = B, 1 = C) is active.
    inf = n * 4 + 8
    cost = [[inf, inf] for _ in range(n + 1)]
    cost[n] = [0, 0]
    for i in range(n - 1, -1, -1):
        b_char = 1 + cost[i + 1][0]
        c_pair = 1 + cost[i + 2][1] if pair(i) else inf
        cost[i][0] = min(b_char, 1 + c_pair)  # stay in B, or CODE C then the pair
        cost[i][1] = min(c_pair, 1 + b_char)  # a pair, or CODE B then the character
    state = 1 if pair(0) and cost[0][1] < cost[0][0] else 0
    out = [_START_C if state else _START_B]
    i = 0
    while i < n:
        c_pair = 1 + cost[i + 2][1] if pair(i) else inf
        b_char = 1 + cost[i + 1][0]
        if state == 0 and c_pair + 1 < b_char:
            out.append(_TO_C)
            state = 1
        elif state == 1 and not (c_pair <= 1 + b_char):
            out.append(_TO_B)
            state = 0
        if state == 1:
            out.append(int(value[i : i + 2]))
            i += 2
        else:
            out.append(tables.B[value[i]])
            i += 1
    return out


def code128_modules(value: str) -> str:
    """The module string ('1' = bar) of ``value`` in Code 128, quiet zones excluded.

    Only printable ASCII is accepted: dossier codes, S10 item numbers and batch codes are
    ASCII, and scanners type other characters unreliably.
    """
    words = code128_codewords(value)
    check = (words[0] + sum(i * w for i, w in enumerate(words[1:], start=1))) % 103
    codes: list[str] = [tables.CODES[w] for w in [*words, check]]
    return "".join(codes) + str(tables.STOP) + "11"


def code128_module_for(value: str, avail_width: float, quiet: int = CODE128_QUIET) -> float | None:
    """The widest module (≤ 1/75 in, ≥ 1/100 in) that fits ``value`` in ``avail_width`` points
    with its quiet zones; None when even the narrowest does not fit (print a QR instead)."""
    total = len(code128_modules(value)) + 2 * quiet
    module = min(CODE128_MODULE, avail_width / total)
    return module if module >= CODE128_MIN_MODULE - 1e-9 else None


def bar_runs(modules: str) -> list[tuple[int, int]]:
    """(start, width) of each run of dark modules."""
    runs: list[tuple[int, int]] = []
    pos = 0
    for dark, group in itertools.groupby(modules):
        width = len(list(group))
        if dark == "1":
            runs.append((pos, width))
        pos += width
    return runs


def code128_width(value: str, module: float = CODE128_MODULE, quiet: int = CODE128_QUIET) -> float:
    """Total width in points of the symbol with its quiet zones."""
    return (len(code128_modules(value)) + 2 * quiet) * module


class Code128Flowable(Flowable):  # type: ignore[misc]
    """A Code 128 symbol with its human-readable text below; optionally turned 90°.

    Turning is for the 80 mm roll: a 25-character dossier code is about 104 mm wide with its
    quiet zones, so there it runs along the paper instead of across it.
    """

    def __init__(
        self,
        value: str,
        *,
        font_name: str,
        font_size: float = 8,
        bar_height: float = 10 * mm,
        module: float = CODE128_MODULE,
        quiet: int = CODE128_QUIET,
        rotate: bool = False,
        show_text: bool = True,
        caption: str = "",
    ) -> None:
        super().__init__()
        self.value = value
        self.caption = caption or value
        self._modules = code128_modules(value)
        self._runs = bar_runs(self._modules)
        self.module = module
        self.quiet = quiet
        self.bar_height = bar_height
        self.font_name = font_name
        self.font_size = font_size
        self.show_text = show_text
        self.rotate = rotate
        self.symbol_width = (len(self._modules) + 2 * quiet) * module
        self.text_height = font_size * 1.3 if show_text else 0.0
        along, across = self.symbol_width, bar_height + self.text_height
        self.width, self.height = (across, along) if rotate else (along, across)
        self.hAlign = "CENTER"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv: Any = self.canv
        canv.saveState()
        if self.rotate:
            # Rotate so the bars' base faces the right edge and the text reads bottom-up.
            canv.translate(self.width, 0)
            canv.rotate(90)
        canv.setFillColorRGB(0, 0, 0)
        y0 = self.text_height
        x0 = self.quiet * self.module
        path = canv.beginPath()
        for start, width in self._runs:
            path.rect(x0 + start * self.module, y0, width * self.module, self.bar_height)
        canv.drawPath(path, stroke=0, fill=1)
        if self.show_text:
            canv.setFont(self.font_name, self.font_size)
            canv.drawCentredString(self.symbol_width / 2, self.font_size * 0.3, self.caption)
        canv.restoreState()


def qr_payload(code: str, template: str = "") -> str:
    """What the slip's QR code carries: ``template`` with ``{code}`` filled, or the code itself.

    A blank template means "no lookup link configured". A non-blank template without the
    placeholder is a configuration error (:class:`QrTemplateError`).
    """
    code = normalize(code)
    template = normalize(template)
    if not template:
        return code
    if "{code}" not in template:
        raise QrTemplateError(template=template)
    return template.replace("{code}", code)


def qr_matrix(payload: str, level: str = QR_LEVEL) -> list[list[bool]]:
    """The QR module matrix of ``payload`` (UTF-8 byte mode), True = dark."""
    if not payload:
        raise BarcodeValueError(value=payload, symbology="qr")
    ec_level = getattr(qrencoder.QRErrorCorrectLevel, level)
    qr = qrencoder.QRCode(None, ec_level)
    qr.addData(payload)
    try:
        qr.make()
    except Exception as exc:  # reportlab raises bare Exception when the data is too long
        raise BarcodeValueError(value=payload[:64], symbology="qr", length=len(payload)) from exc
    return [[bool(cell) for cell in row] for row in qr.modules]


class QrFlowable(Flowable):  # type: ignore[misc]
    """A QR code drawn as vector squares with a 4-module quiet zone."""

    def __init__(
        self, payload: str, *, size: float = 26 * mm, min_module: float = QR_MIN_MODULE
    ) -> None:
        super().__init__()
        self.payload = payload
        self._matrix = qr_matrix(payload)
        count = len(self._matrix) + 8
        self.module = max(size / count, min_module)
        self.width = self.height = self.module * count
        self.hAlign = "CENTER"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv: Any = self.canv
        m = self.module
        top = self.height - 4 * m
        canv.saveState()
        canv.setFillColorRGB(0, 0, 0)
        path = canv.beginPath()
        for r, row in enumerate(self._matrix):
            c = 0
            for dark, group in itertools.groupby(row):
                n = len(list(group))
                if dark:
                    path.rect((c + 4) * m, top - (r + 1) * m, n * m, m)
                c += n
        canv.drawPath(path, stroke=0, fill=1)
        canv.restoreState()
