"""Shared page setup, header, paragraphs and signature blocks of every counter form.

Every string goes through :func:`motcua_desk.domain.text.normalize` (NFC) before it is drawn:
reportlab does no shaping, so NFD input would print tone marks beside their letters.
Output is deterministic (``invariant=1``): the same data gives the same bytes, so an archived
PDF can be checked by its sha256.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from motcua_desk.domain.dossier import ApplicantKind, Person, Regime
from motcua_desk.domain.text import normalize

from ..barcodes import Code128Flowable
from ..errors import InvalidLayoutError
from ..fonts import FontSet, register_fonts
from .sigfield import SignatureField
from .wording import form_label, form_title

A5_LAYOUT = "A5"
A4_LAYOUT = "A4"
A4_LANDSCAPE_LAYOUT = "A4-landscape"
THERMAL_LAYOUT = "80mm"

#: Width of the thermal roll and its printable margins.
THERMAL_WIDTH = 80 * mm
THERMAL_MARGIN = 4 * mm


@dataclass(frozen=True)
class UnitHeader:
    """Left block of every form's header and the place name of its date line."""

    managing_body: str
    unit_name: str
    place_name: str


@dataclass(frozen=True)
class Page:
    """Geometry and base font size of one layout; ``height`` None = grows with the content."""

    layout: str
    width: float
    height: float | None
    margin: float
    font_size: float

    @property
    def frame_width(self) -> float:
        return self.width - 2 * self.margin

    @property
    def thermal(self) -> bool:
        return self.height is None


def page_for(layout: str, allowed: Sequence[str]) -> Page:
    """The :class:`Page` of ``layout``; :class:`InvalidLayoutError` if the form lacks it."""
    if layout not in allowed:
        raise InvalidLayoutError(layout=layout, allowed=list(allowed))
    if layout == A5_LAYOUT:
        return Page(layout, A5[0], A5[1], 9 * mm, 9.5)
    if layout == A4_LAYOUT:
        return Page(layout, A4[0], A4[1], 15 * mm, 11)
    if layout == A4_LANDSCAPE_LAYOUT:
        w, h = landscape(A4)
        return Page(layout, w, h, 10 * mm, 8.5)
    if layout == THERMAL_LAYOUT:
        return Page(layout, THERMAL_WIDTH, None, THERMAL_MARGIN, 8.5)
    raise InvalidLayoutError(layout=layout, allowed=list(allowed))


# ---- text ---------------------------------------------------------------------------------


def t(text: object) -> str:
    """NFC-normalised, XML-escaped text for a Paragraph."""
    return escape(normalize(str(text)))


def fmt_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def fmt_datetime(dt: datetime) -> str:
    """``hh giờ mm phút, ngày dd/mm/yyyy`` as on the receipt slip."""
    return f"{dt.hour:02d} giờ {dt.minute:02d} phút, ngày {fmt_date(dt.date())}"


def fmt_short_datetime(dt: datetime) -> str:
    return f"{dt.hour:02d}:{dt.minute:02d} {fmt_date(dt.date())}"


def long_date(place: str, d: date) -> str:
    """``<place>, ngày dd tháng mm năm yyyy``."""
    return f"{normalize(place)}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year:04d}"


def fmt_vnd(amount: int) -> str:
    """``50.000 đồng`` (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " đồng"


class Styles:
    """Paragraph styles of one page layout."""

    def __init__(self, fonts: FontSet, page: Page) -> None:
        s = page.font_size
        self.fonts = fonts
        lead = s * 1.17
        self.body = ParagraphStyle(
            "body", fontName=fonts.serif, fontSize=s, leading=lead, alignment=TA_JUSTIFY
        )
        self.left = ParagraphStyle("left", parent=self.body, alignment=TA_LEFT)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.small = ParagraphStyle(
            "small", parent=self.left, fontSize=s - 1.5, leading=(s - 1.5) * 1.2
        )
        self.small_center = ParagraphStyle("small_center", parent=self.small, alignment=TA_CENTER)
        self.title = ParagraphStyle(
            "title",
            parent=self.center,
            fontName=fonts.serif_bold,
            fontSize=s + 2,
            leading=(s + 2) * 1.2,
            spaceBefore=s * 0.6,
            spaceAfter=s * 0.3,
        )
        self.cell = ParagraphStyle("cell", parent=self.left, fontSize=s - 1, leading=(s - 1) * 1.2)
        self.cell_center = ParagraphStyle("cell_center", parent=self.cell, alignment=TA_CENTER)
        self.cell_head = ParagraphStyle(
            "cell_head", parent=self.cell_center, fontName=fonts.serif_bold
        )


def p(text: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain (escaped, NFC) text."""
    return Paragraph(t(text), style)


def rich(markup: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of markup whose text parts the caller already passed through :func:`t`."""
    return Paragraph(markup, style)


def field(label: str, value: object, style: ParagraphStyle) -> Paragraph:
    """``label: value`` with the value in bold."""
    return Paragraph(f"{t(label)}: <b>{t(value)}</b>", style)


def person_role(person: Person) -> str:
    """``Ông/Bà`` for a citizen, ``Tổ chức`` for any organisation."""
    return "Ông/Bà" if person.kind is ApplicantKind.CITIZEN else "Tổ chức"


def person_lines(person: Person, styles: Styles, *, role: str) -> list[Flowable]:
    """Name and ID number, address, then contacts of ``person`` (empty values skipped)."""
    first = f"{t(role)}: <b>{t(person.full_name)}</b>"
    if person.id_number:
        first += f"; Số định danh: <b>{t(person.id_number)}</b>"
    out: list[Flowable] = [rich(first, styles.left)]
    if person.address:
        out.append(field("Địa chỉ", person.address, styles.left))
    contacts = []
    if person.phone:
        contacts.append(f"Điện thoại: {t(person.phone)}")
    if person.email:
        contacts.append(f"Email: {t(person.email)}")
    if contacts:
        out.append(rich("; ".join(contacts), styles.left))
    return out


def code_block(label: str, code: str, styles: Styles, page: Page) -> list[Flowable]:
    """``label: CODE`` then its Code 128 (turned 90° on the 80 mm roll, where it is too wide)."""
    code = normalize(code)
    return [
        rich(f"{t(label)}: <b>{t(code)}</b>", styles.center),
        Code128Flowable(code, font_name=styles.fonts.sans, rotate=page.thermal, bar_height=9 * mm),
        Spacer(1, 1 * mm),
    ]


# ---- header, titles, signatures -----------------------------------------------------------


def form_marker(label: str, styles: Styles) -> Paragraph:
    """Small italic form number at the top right, e.g. ``Mẫu số 01 (TT 03/2025/TT-VPCP)``."""
    style = ParagraphStyle("marker", parent=styles.small, alignment=2)
    return Paragraph(f"<i>{t(label)}</i>", style)


def header(
    unit: UnitHeader, number: str, issued_on: date, styles: Styles, page: Page
) -> list[Flowable]:
    """Agency block, national motto, ``Số: …`` and the place-and-date line."""
    s = styles
    left = [
        p(normalize(unit.managing_body).upper(), s.small_center),
        rich(f"<b><u>{t(normalize(unit.unit_name).upper())}</u></b>", s.small_center),
    ]
    right = [
        rich("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", s.small_center),
        rich("<b><u>Độc lập - Tự do - Hạnh phúc</u></b>", s.small_center),
    ]
    number_line = rich(f"Số: {t(number) if normalize(number) else '……'}", s.small_center)
    date_line = rich(f"<i>{t(long_date(unit.place_name, issued_on))}</i>", s.small_center)
    if page.thermal:
        return [*right, Spacer(1, 2), *left, number_line, date_line]
    w = page.frame_width
    table = Table(
        [[left, right], [number_line, date_line]],
        colWidths=[w * 0.44, w * 0.56],
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 1), (-1, 1), 4),
            ]
        ),
    )
    return [table]


def form_opening(
    form: str,
    regime: Regime,
    unit: UnitHeader,
    number: str,
    issued_on: date,
    styles: Styles,
    page: Page,
) -> list[Flowable]:
    """What every form starts with: its form number (by regime), the header and its title."""
    out: list[Flowable] = []
    marker = form_label(form, regime)
    if marker:
        out.append(form_marker(marker, styles))
    out += header(unit, number, issued_on, styles, page)
    out.append(title(form_title(form, regime), styles))
    return out


def title(text: str, styles: Styles) -> Paragraph:
    return p(normalize(text).upper(), styles.title)


def signatures(
    blocks: Sequence[tuple[str, str]],
    styles: Styles,
    page: Page,
    *,
    hint: str = "(Ký, ghi rõ họ tên)",
    lead: list[Flowable] | None = None,
    lead_width: float = 0.0,
    clerk_block: int | None = None,
) -> list[Flowable]:
    """Side-by-side signature blocks: (role, printed name) each; stacked on the roll.

    ``lead`` is an optional first column (e.g. the QR code) of ``lead_width`` points.
    ``clerk_block`` is the index of the counter clerk's block: its blank space holds the
    empty signature field that a digital signature fills later.
    """
    s = styles
    cells: list[list[Flowable]] = []
    blank = 13 * mm if not page.thermal else 10 * mm
    for i, (role, name) in enumerate(blocks):
        space: Flowable = Spacer(1, blank)
        if i == clerk_block:
            space = SignatureField(blank)
        cells.append(
            [
                rich("<b>" + "<br/>".join(t(x) for x in role.split("\n")) + "</b>", s.center),
                rich(f"<i>{t(hint)}</i>", s.small_center),
                space,
                rich(f"<b>{t(name)}</b>" if normalize(name) else "", s.center),
            ]
        )
    if page.thermal:
        out: list[Flowable] = list(lead or [])
        for cell in cells:
            out.extend([Spacer(1, 3 * mm), *cell])
        return out
    widths: list[float] = []
    row: list[object] = []
    rest = page.frame_width
    if not lead and len(cells) == 1:
        # A single signer signs on the right half, as on the paper forms.
        lead, lead_width = [Spacer(1, 1)], page.frame_width / 2
    if lead:
        row.append(lead)
        widths.append(lead_width)
        rest -= lead_width
    row.extend(cells)
    widths.extend([rest / max(1, len(cells))] * len(cells))
    table = Table(
        [row],
        colWidths=widths,
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
            ]
        ),
    )
    return [Spacer(1, 2 * mm), table]


def grid_table(
    rows: list[list[Any]], col_widths: Sequence[float], styles: Styles, *, repeat_rows: int = 1
) -> Table:
    """A ruled table that splits across pages and repeats its header rows.

    Plain-string cells use the bundled serif too (reportlab's default would pull in Helvetica).
    """
    return Table(
        rows,
        colWidths=list(col_widths),
        repeatRows=repeat_rows,
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONTNAME", (0, 0), (-1, -1), styles.fonts.serif),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        ),
    )


# ---- document ------------------------------------------------------------------------------


def resolve_fonts(fonts: FontSet | None) -> FontSet:
    return fonts if fonts is not None else register_fonts()


_FRAME_PADDING = 6.0


def _content_height(flowables: Iterable[Flowable], width: float) -> float:
    canv = Canvas(io.BytesIO())
    total = 0.0
    for f in flowables:
        _, h = f.wrapOn(canv, width, 1e6)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def build_pdf(
    make: Callable[[], list[Flowable]],
    page: Page,
    *,
    title_text: str,
    subject: str,
    fonts: FontSet,
    footer: Callable[[Any, Any], None] | None = None,
) -> bytes:
    """Lay out the flowables ``make()`` returns on ``page``; return deterministic PDF bytes.

    The thermal layout gets one page whose height fits the content: a first set of flowables
    is measured, a fresh one laid out (platypus flowables keep state once wrapped).
    """
    height = page.height
    if height is None:
        # The platypus frame pads 6 pt on each side inside the margins.
        content = _content_height(make(), page.frame_width - 2 * _FRAME_PADDING)
        height = content * 1.02 + 2 * (page.margin + _FRAME_PADDING) + 8 * mm
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
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

    def _page_number(canv: Any, doc_: Any) -> None:
        if footer is not None:
            footer(canv, doc_)
        if page.thermal or doc_.page < 2:
            return
        canv.saveState()
        canv.setFont(fonts.serif, 7)
        canv.drawRightString(page.width - page.margin, page.margin * 0.45, f"Trang {doc_.page}")
        canv.restoreState()

    doc.build(make(), onFirstPage=_page_number, onLaterPages=_page_number)
    return buf.getvalue()


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
