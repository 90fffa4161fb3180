"""The visible mark of a digital signature: a framed box of short lines (name, title, unit,
time; or the conversion mark of a digitised paper), as a one-page PDF of the box's size.

The signing layer places this page in the signature field; drawing it here keeps one font
set (the bundled Liberation fonts, full Vietnamese) for every form and every stamp.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from motcua_desk.domain.text import normalize

from .fonts import FontSet, register_fonts

_PAD = 3.0
_MAX_SIZE = 8.0
_MIN_SIZE = 4.0
#: Signature marks are printed in blue, as Vietnamese signature stamps usually are.
_INK = colors.Color(0.05, 0.2, 0.6)


def _fit(lines: Sequence[str], font: str, bold: str, width: float, height: float) -> float:
    size = _MAX_SIZE
    while size > _MIN_SIZE:
        widest = max(
            (stringWidth(ln, bold if i == 0 else font, size) for i, ln in enumerate(lines)),
            default=0.0,
        )
        if widest <= width - 2 * _PAD and len(lines) * size * 1.2 <= height - 2 * _PAD:
            break
        size -= 0.25
    return size


def _clip(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def render_stamp(
    lines: Sequence[str], width: float, height: float, *, fonts: FontSet | None = None
) -> bytes:
    """A ``width`` x ``height`` point page: a thin frame and ``lines`` (the first in bold),
    shrunk to fit down to 4 pt and cut with "…" beyond that. Deterministic bytes."""
    fs = fonts if fonts is not None else register_fonts()
    text = [normalize(ln) for ln in lines if normalize(ln)]
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=(max(width, 10.0), max(height, 10.0)), invariant=1)
    canv.setStrokeColor(_INK)
    canv.setFillColor(_INK)
    canv.setLineWidth(0.8)
    canv.rect(0.5, 0.5, width - 1, height - 1)
    size = _fit(text, fs.sans, fs.sans_bold, width, height)
    leading = size * 1.2
    y = height / 2 + (len(text) * leading) / 2 - size
    for i, line in enumerate(text):
        font = fs.sans_bold if i == 0 else fs.sans
        canv.setFont(font, size)
        canv.drawCentredString(width / 2, y, _clip(line, font, size, width - 2 * _PAD))
        y -= leading
    canv.showPage()
    canv.save()
    return buf.getvalue()
