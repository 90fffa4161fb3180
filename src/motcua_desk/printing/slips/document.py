"""Laying flowables out into deterministic PDF bytes (every form's last step).

Output is deterministic (``invariant=1``): the same data gives the same bytes, so an archived
PDF can be checked by its sha256. Every drawing state starts in the bundled serif, so no
base-14 font (Helvetica) is referenced without being embedded.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from motcua_desk.domain.text import normalize

from ..fonts import FontSet
from .common import FRAME_PADDING, Page, Styles, page_for, resolve_fonts

_FRAME_PADDING = FRAME_PADDING


def _content_height(flowables: Iterable[Flowable], width: float) -> float:
    canv = Canvas(io.BytesIO())
    total = 0.0
    for f in flowables:
        _, h = f.wrapOn(canv, width, 1e6)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


@dataclass(frozen=True)
class Rendered:
    """PDF bytes and the number of pages they hold."""

    pdf: bytes
    pages: int


def build_pdf(
    make: Callable[[], list[Flowable]],
    page: Page,
    *,
    title_text: str,
    subject: str,
    fonts: FontSet,
    footer: Callable[[Any, Any], None] | None = None,
    later_band: Callable[[Any], None] | None = None,
    later_band_height: float = 0.0,
) -> bytes:
    """Lay out the flowables ``make()`` returns on ``page``; return deterministic PDF bytes."""
    return build_pdf_pages(
        make,
        page,
        title_text=title_text,
        subject=subject,
        fonts=fonts,
        footer=footer,
        later_band=later_band,
        later_band_height=later_band_height,
    ).pdf


def build_pdf_pages(
    make: Callable[[], list[Flowable]],
    page: Page,
    *,
    title_text: str,
    subject: str,
    fonts: FontSet,
    footer: Callable[[Any, Any], None] | None = None,
    later_band: Callable[[Any], None] | None = None,
    later_band_height: float = 0.0,
) -> Rendered:
    """:func:`build_pdf` that also tells how many pages the content took.

    The thermal layout gets one page whose height fits the content: a first set of flowables
    is measured, a fresh one laid out (platypus flowables keep state once wrapped).
    ``later_band`` draws a band at the top of every page after the first (e.g. the form
    number and the dossier code with its barcode), ``later_band_height`` points high.
    Every drawing state starts in the bundled serif, so no base-14 font (Helvetica) is ever
    referenced without being embedded.
    """
    height = page.height
    if height is None:
        content = _content_height(make(), page.frame_width - 2 * _FRAME_PADDING)
        height = content * 1.02 + 2 * (page.margin + _FRAME_PADDING) + 8 * mm
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=(page.width, height),
        leftMargin=page.margin,
        rightMargin=page.margin,
        topMargin=page.margin,
        bottomMargin=page.margin,
        title=normalize(title_text),
        subject=normalize(subject),
        author="motcua_desk",
        creator="motcua_desk",
        producer="motcua_desk (reportlab)",
        invariant=1,
        initialFontName=fonts.serif,
    )

    def _decorate(canv: Any, doc_: Any) -> None:
        if footer is not None:
            footer(canv, doc_)
        if page.thermal or doc_.page < 2:
            return
        if later_band is not None:
            canv.saveState()
            later_band(canv)
            canv.restoreState()
        canv.saveState()
        canv.setFont(fonts.serif, 7)
        canv.drawRightString(page.width - page.margin, page.margin * 0.45, f"Trang {doc_.page}")
        canv.restoreState()

    inner_w, inner_h = page.width - 2 * page.margin, height - 2 * page.margin
    band = later_band_height if later_band is not None else 0.0
    first = Frame(page.margin, page.margin, inner_w, inner_h, id="first")
    later = Frame(page.margin, page.margin, inner_w, inner_h - band, id="later")
    doc.addPageTemplates(
        [
            PageTemplate("first", [first], onPage=_decorate, autoNextPageTemplate="later"),
            PageTemplate("later", [later], onPage=_decorate),
        ]
    )
    doc.build(make())
    return Rendered(buf.getvalue(), doc.page)


def render_form(
    build: Callable[[Styles, Page], list[Flowable]],
    *,
    layout: str,
    allowed: Sequence[str],
    fonts: FontSet | None,
    title_text: str,
    subject: str,
) -> bytes:
    """Common tail of every ``render``: check the layout, register fonts, lay out, return bytes."""
    page = page_for(layout, allowed)
    fs = resolve_fonts(fonts)
    styles = Styles(fs, page)
    return build_pdf(
        lambda: build(styles, page), page, title_text=title_text, subject=subject, fonts=fs
    )
