"""Shared page setup, header, paragraphs and signature blocks of every counter form.

Every string goes through :func:`motcua_desk.domain.text.normalize` (NFC) before it is drawn:
reportlab does no shaping, so NFD input would print tone marks beside their letters.
Output is deterministic (``invariant=1``): the same data gives the same bytes, so an archived
PDF can be checked by its sha256.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
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
    Spacer,
    Table,
    TableStyle,
)

from motcua_desk.domain import formatting as fmt
from motcua_desk.domain.dossier import ApplicantKind, Person, Regime
from motcua_desk.domain.text import normalize

from ..barcodes import CODE128_MODULE, Code128Flowable, QrFlowable, code128_module_for
from ..errors import InvalidLayoutError
from ..fonts import FontSet, register_fonts
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
    return fmt.format_date(d)


def fmt_datetime(dt: datetime) -> str:
    """``hh giờ mm phút, ngày dd/mm/yyyy`` as on the receipt slip."""
    return f"{dt.hour:02d} giờ {dt.minute:02d} phút, ngày {fmt_date(dt.date())}"


def fmt_short_datetime(dt: datetime) -> str:
    return f"{fmt.format_time(dt)} {fmt.format_date(dt)}"


def long_date(place: str, d: date) -> str:
    """``<place>, ngày dd tháng mm năm yyyy``."""
    return f"{normalize(place)}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year:04d}"


def fmt_vnd(amount: int) -> str:
    """``50.000 đồng`` (Vietnamese thousands separator)."""
    return fmt.format_money(amount)


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


def person_lines(
    person: Person, styles: Styles, *, role: str, compact: bool = False
) -> list[Flowable]:
    """Name and ID number, address, then contacts of ``person`` (empty values skipped);
    ``compact`` runs the address and contacts on as one paragraph."""
    first = f"{t(role)}: <b>{t(person.full_name)}</b>"
    if person.id_number:
        first += f"; Số định danh: <b>{t(person.id_number)}</b>"
    out: list[Flowable] = [rich(first, styles.left)]
    contacts = []
    if person.phone:
        contacts.append(f"Điện thoại: {t(person.phone)}")
    if person.email:
        contacts.append(f"Email: {t(person.email)}")
    if compact and person.address:
        out.append(
            rich("; ".join([f"Địa chỉ: <b>{t(person.address)}</b>", *contacts]), styles.left)
        )
        return out
    if person.address:
        out.append(field("Địa chỉ", person.address, styles.left))
    if contacts:
        out.append(rich("; ".join(contacts), styles.left))
    return out


#: Side of the QR printed instead of a Code 128 too wide for the page.
FALLBACK_QR_SIZE = 20 * mm


def code_symbol(
    code: str,
    styles: Styles,
    width: float,
    *,
    rotate: bool = False,
    bar_height: float = 9 * mm,
    caption: str = "",
) -> list[Flowable]:
    """The Code 128 of ``code`` fitted to ``width`` points (module 1/75 in down to 1/100 in);
    a QR code with the code as text below when even the narrowest module does not fit.

    On the 80 mm roll (``rotate``) the symbol runs along the paper at the full module.
    """
    code = normalize(code)
    if rotate:
        return [
            Code128Flowable(code, font_name=styles.fonts.sans, rotate=True, bar_height=bar_height)
        ]
    module = code128_module_for(code, width)
    if module is None:
        return [
            QrFlowable(code, size=FALLBACK_QR_SIZE),
            Paragraph(
                t(caption or code),
                ParagraphStyle("code", parent=styles.small_center, fontName=styles.fonts.sans),
            ),
        ]
    return [
        Code128Flowable(
            code,
            font_name=styles.fonts.sans,
            bar_height=bar_height,
            module=min(module, CODE128_MODULE),
            caption=caption,
        )
    ]


def code_block(
    label: str,
    code: str,
    styles: Styles,
    page: Page,
    *,
    bar_height: float = 9 * mm,
    compact: bool = False,
) -> list[Flowable]:
    """``label: CODE`` then its barcode (turned 90° on the 80 mm roll, where it is too wide);
    ``compact`` prints ``label: CODE`` once, as the barcode's caption."""
    code = normalize(code)
    head = [] if compact else [rich(f"{t(label)}: <b>{t(code)}</b>", styles.center)]
    return [
        *head,
        *code_symbol(
            code,
            styles,
            page.frame_width - 2 * FRAME_PADDING,
            rotate=page.thermal,
            bar_height=bar_height,
            caption=f"{normalize(label)}: {code}" if compact else "",
        ),
        Spacer(1, 1 * mm),
    ]


# ---- header, titles, signatures -----------------------------------------------------------


def form_marker(label: str, styles: Styles) -> Paragraph:
    """Small italic form number at the top right, e.g. ``Mẫu số 01 (TT 03/2025/TT-VPCP)``."""
    style = ParagraphStyle("marker", parent=styles.small, alignment=2)
    return Paragraph(f"<i>{t(label)}</i>", style)


def header(
    unit: UnitHeader,
    number: str,
    issued_on: date,
    styles: Styles,
    page: Page,
    *,
    number_label: str = "Số",
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
    number_line = rich(
        f"{t(number_label)}: {t(number) if normalize(number) else '……'}", s.small_center
    )
    date_line = rich(f"<i>{t(long_date(unit.place_name, issued_on))}</i>", s.small_center)
    if page.thermal:
        return [*right, Spacer(1, 2), *left, number_line, date_line]
    w = page.frame_width
    table = Table(
        [[left, right], [number_line, date_line]],
        colWidths=[w * 0.44, w * 0.56],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), s.fonts.serif),
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
    *,
    number_label: str = "Số",
) -> list[Flowable]:
    """What every form starts with: its form number (by regime), the header and its title."""
    out: list[Flowable] = []
    marker = form_label(form, regime)
    if marker:
        out.append(form_marker(marker, styles))
    out += header(unit, number, issued_on, styles, page, number_label=number_label)
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
    space: float | None = None,
) -> list[Flowable]:
    """Side-by-side signature blocks: (role, printed name) each; stacked on the roll.

    ``lead`` is an optional first column (e.g. the QR code) of ``lead_width`` points;
    ``space`` the room left for the signature (13 mm by default, 10 mm on the roll).
    """
    s = styles
    cells: list[list[Flowable]] = []
    for role, name in blocks:
        cells.append(
            [
                rich("<b>" + "<br/>".join(t(x) for x in role.split("\n")) + "</b>", s.center),
                rich(f"<i>{t(hint)}</i>", s.small_center),
                Spacer(1, space if space is not None else 13 * mm if not page.thermal else 10 * mm),
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
                ("FONTNAME", (0, 0), (-1, -1), s.fonts.serif),
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


def continuation_band(
    marker: str, title_text: str, code: str, styles: Styles, page: Page
) -> tuple[Callable[[Any], None], float]:
    """A drawing function for the top of every later page, and its height in points: the
    form number, ``<title> (tiếp theo)``, the code and its barcode."""
    width = page.frame_width - 2 * FRAME_PADDING
    items: list[Flowable] = []
    if marker:
        items.append(form_marker(marker, styles))
    items.append(rich(f"<b>{t(normalize(title_text).upper())}</b> (tiếp theo)", styles.center))
    items += code_block("Mã hồ sơ", code, styles, page, bar_height=7 * mm)
    canv = Canvas(io.BytesIO())
    sizes = [f.wrapOn(canv, width, 1e6) for f in items]
    height = sum(h for _, h in sizes) + 2 * mm

    def draw(canv_: Any) -> None:
        y = page.height - page.margin if page.height is not None else 0.0
        x0 = page.margin + FRAME_PADDING
        for f, (w, h) in zip(items, sizes, strict=True):
            y -= h
            f.wrapOn(canv_, width, 1e6)
            x = x0 + (width - w) / 2 if getattr(f, "hAlign", "LEFT") == "CENTER" else x0
            f.drawOn(canv_, x, y)

    return draw, height


def resolve_fonts(fonts: FontSet | None) -> FontSet:
    return fonts if fonts is not None else register_fonts()


#: The platypus frame pads 6 pt on each side inside the margins.
FRAME_PADDING = 6.0
