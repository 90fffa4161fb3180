"""Mẫu 07 (TT 03/2025; Mẫu 06 of TT 01/2018): Sổ theo dõi hồ sơ (dossier ledger).

A4 landscape, one ruled table whose header row repeats on every page; thousands of rows are
fine. Columns per TT 03/2025/TT-VPCP: no. | code | procedure | person | address, phone | lead agency
| received / appointment / returned | how the result is received | signature.

Speed and fit: cells are plain strings wrapped here with the font's metrics (a Paragraph is
laid out several times per page), column widths follow the content (each column's longest
text, capped, shares the page), and rows are cut into page-sized blocks up front, each drawn
in one pass (:class:`_Chunk`), so nothing is re-measured at every page break.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.platypus import Flowable, PageBreak, Spacer

from motcua_desk.domain.dossier import Regime
from motcua_desk.domain.text import normalize

from ..fonts import FontSet
from . import common as c
from . import document
from .wording import form_title

#: The ledger is printed on A4 turned to landscape; "A4" is its only layout.
LAYOUTS = (c.A4_LAYOUT,)


@dataclass(frozen=True)
class LedgerRow:
    no: int
    dossier_code: str
    procedure_name: str
    applicant_name: str
    address_phone: str
    lead_agency: str
    received_at: datetime
    due_at: datetime | None
    returned_at: datetime | None = None
    return_method_label: str = ""
    note: str = ""


@dataclass(frozen=True)
class LedgerData:
    """``book_no`` is the paper book of the year, e.g. "01/2026" (printed "Quyển số: …")."""

    header: c.UnitHeader
    field_name: str
    period_label: str
    printed_at: datetime
    rows: tuple[LedgerRow, ...]
    book_no: str = ""
    regime: Regime = Regime.ND118_2025


_HEAD = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tổ chức, cá nhân",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Trả kết quả",
    "Phương thức nhận kết quả",
    "Ký nhận",
)
#: Columns of free text whose width follows the content; the others are fixed.
_TEXT_COLUMNS = (1, 2, 3, 4, 5, 9)
#: Widest a text column gets before it wraps, in mm (the procedure name may take the most).
_MAX_MM = {1: 40, 2: 70, 3: 40, 4: 55, 5: 40, 9: 45}
#: Narrowest, in mm: headers stay on at most three lines.
_MIN_MM = {1: 22, 2: 30, 3: 20, 4: 24, 5: 18, 9: 16}
_SIGN_MM = 14
_PAD = 2.0  # left and right cell padding, points
_TOP, _BOTTOM = 1.5, 2.0


def _when(dt: datetime | None) -> str:
    """Time over date on two lines."""
    return "" if dt is None else f"{dt.hour:02d}:{dt.minute:02d}\n{c.fmt_date(dt.date())}"


def _cells(r: LedgerRow) -> list[str]:
    return [
        f"{r.no:02d}",
        normalize(r.dossier_code),
        normalize(r.procedure_name),
        normalize(r.applicant_name),
        normalize(r.address_phone),
        normalize(r.lead_agency),
        _when(r.received_at),
        _when(r.due_at),
        _when(r.returned_at),
        normalize(r.return_method_label),
        normalize(r.note),
    ]


def column_widths(
    rows: Sequence[Sequence[str]], font: str, size: float, total: float
) -> list[float]:
    """Widths in points from the content: fixed columns for the number and the times, then
    each text column's longest line (capped) scaled so the row fills ``total``."""
    width = stringWidth
    no_w = max([width("STT", font, size)] + [width(r[0], font, size) for r in rows])
    time_w = width("00/00/0000", font, size) + 3
    fixed = {0: no_w + 2 * _PAD, 6: time_w + 2 * _PAD, 7: time_w + 2 * _PAD}
    fixed[8] = fixed[6]
    fixed[10] = _SIGN_MM * mm
    natural: dict[int, float] = {}
    for col in _TEXT_COLUMNS:
        longest = max((width(r[col], font, size) for r in rows), default=0.0)
        low, high = _MIN_MM[col] * mm, _MAX_MM[col] * mm
        natural[col] = min(max(longest + 2 * _PAD, low), high)
    rest = total - sum(fixed.values())
    scale = rest / sum(natural.values())
    if scale > 1:  # spare room: give it to the columns that were capped or wrap most
        scale = 1.0
        spare = rest - sum(natural.values())
        share = {col: _MAX_MM[col] * mm - natural[col] for col in _TEXT_COLUMNS}
        gap = sum(share.values())
        for col in _TEXT_COLUMNS:
            natural[col] += spare * (share[col] / gap if gap else 1 / len(_TEXT_COLUMNS))
    widths = [0.0] * len(_HEAD)
    for col, w in fixed.items():
        widths[col] = w
    for col, w in natural.items():
        widths[col] = w * scale
    return widths


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    out: list[str] = []
    for part in text.split("\n"):
        if stringWidth(part, font, size) <= width:
            out.append(part)
        else:
            out += simpleSplit(part, font, size, width) or [""]
    return out


#: Columns whose cells never wrap (number and times): split on their own line breaks only.
_FIXED_COLUMNS = (0, 6, 7, 8)


#: A cell longer than this many lines is cut (a row must fit on one page).
_MAX_LINES = 40
_CENTRED = frozenset({0, 6, 7, 8})


class _Chunk(Flowable):  # type: ignore[misc]
    """One page of the ledger table: the header row and rows of pre-wrapped plain text,
    drawn with one path for the rules and one text object for the words (a platypus Table
    draws each cell on its own, which dominates a month of rows)."""

    def __init__(
        self,
        widths: list[float],
        rows: list[list[str]],
        heights: list[float],
        fonts: tuple[str, str],
        size: float,
        leading: float,
        cache: dict[tuple[str, str], tuple[tuple[tuple[str, str], ...], float]],
    ) -> None:
        super().__init__()
        self.cache = cache
        self.widths, self.rows, self.heights = widths, rows, heights
        self.font, self.bold = fonts
        self.size, self.leading = size, leading
        self.width, self.height = sum(widths), sum(heights)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv: Any = self.canv
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        path = canv.beginPath()
        y = self.height
        path.moveTo(0, y)
        path.lineTo(self.width, y)
        for h in self.heights:
            y -= h
            path.moveTo(0, y)
            path.lineTo(self.width, y)
        for x in xs:
            path.moveTo(x, 0)
            path.lineTo(x, self.height)
        canv.saveState()
        canv.setLineWidth(0.5)
        canv.drawPath(path, stroke=1, fill=0)
        text = canv.beginText()
        # Operators are appended to the text object directly: "x y Tm", then the string split
        # into the font's subsets, cached per (font, line) since names, agencies and dates
        # repeat all month (reportlab's setTextOrigin/textOut encode and measure every call
        # afresh). The subset in use is tracked here, as textOut does.
        code: list[str] = text._code
        doc = canv._doc
        escape = canv._escape
        cache = self.cache
        top = self.height
        tf = f"{fp_str(self.size)} Tf {fp_str(self.leading)} TL"
        for r, (row, h) in enumerate(zip(self.rows, self.heights, strict=True)):
            font = self.bold if r == 0 else self.font
            ttf = getFont(font)
            current = None
            for col, value in enumerate(row):
                if not value:
                    continue
                lines = value.split("\n")
                block = len(lines) * self.leading
                # Middle of the cell; the first baseline sits one font size below the block top.
                y0 = top - (h - block) / 2 - self.size
                for i, line in enumerate(lines):
                    hit = cache.get((font, line))
                    if hit is None:
                        parts = tuple(
                            (ttf.getSubsetInternalName(sub, doc), f"({escape(chunk)}) Tj")
                            for sub, chunk in ttf.splitString(line, doc)
                        )
                        hit = cache[font, line] = (parts, stringWidth(line, font, self.size))
                    parts, w = hit
                    if r == 0 or col in _CENTRED:
                        x = xs[col] + (self.widths[col] - w) / 2
                    else:
                        x = xs[col] + _PAD
                    code.append(f"1 0 0 1 {fp_str(x, y0 - i * self.leading)} Tm")
                    for name, shown in parts:
                        if name != current:
                            code.append(f"{name} {tf}")
                            current = name
                        code.append(shown)
            top -= h
        canv.drawText(text)
        canv.restoreState()


def build(data: LedgerData, s: c.Styles, page: c.Page) -> list[Flowable]:
    out: list[Flowable] = []
    out += c.form_opening(
        "ledger",
        data.regime,
        data.header,
        data.book_no,
        data.printed_at.date(),
        s,
        page,
        number_label="Quyển số",
    )
    out.append(c.rich(f"Lĩnh vực: <b>{c.t(data.field_name)}</b>", s.center))
    out.append(c.p(data.period_label, s.center))
    out.append(Spacer(1, 2 * mm))
    font, bold, size = s.fonts.serif, s.fonts.serif_bold, s.cell.fontSize
    leading = s.cell.leading
    cells = [_cells(r) for r in data.rows]
    total = page.frame_width - 2 * c.FRAME_PADDING
    widths = column_widths(cells, font, size, total)
    head = [
        "\n".join(_wrap(h, bold, size, w - 2 * _PAD)) for h, w in zip(_HEAD, widths, strict=True)
    ]
    head_lines = max(h.count("\n") + 1 for h in head)
    wrapped: list[list[str]] = []
    heights: list[float] = []
    seen: dict[tuple[int, str], tuple[str, int]] = {}  # names and agencies repeat a lot
    for row in cells:
        texts: list[str] = []
        most = 1
        for col, value in enumerate(row):
            if col in _FIXED_COLUMNS:
                texts.append(value)
                most = max(most, value.count("\n") + 1)
                continue
            key = (col, value)
            hit = seen.get(key)
            if hit is None:
                lines = _wrap(value, font, size, widths[col] - 2 * _PAD)[:_MAX_LINES]
                hit = seen[key] = ("\n".join(lines), len(lines))
            texts.append(hit[0])
            most = max(most, hit[1])
        wrapped.append(texts)
        heights.append(most * leading + _TOP + _BOTTOM)
    head_h = head_lines * leading + _TOP + _BOTTOM
    cache: dict[tuple[str, str], tuple[tuple[tuple[str, str], ...], float]] = {}

    def chunk(rows: list[list[str]], row_heights: list[float]) -> _Chunk:
        return _Chunk(
            widths, [head, *rows], [head_h, *row_heights], (font, bold), size, leading, cache
        )

    # Room for the table on the first page (below the opening) and on the later ones.
    assert page.height is not None
    frame_h = page.height - 2 * page.margin - 2 * c.FRAME_PADDING
    canv_w = page.frame_width - 2 * c.FRAME_PADDING
    opening_h = sum(
        f.wrap(canv_w, frame_h)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in out
    )
    room = frame_h - opening_h - 1
    start = 0
    if not wrapped:
        out.append(chunk([], []))
        return out
    while start < len(wrapped):
        used, end = head_h, start
        while end < len(wrapped) and (used + heights[end] <= room or end == start):
            used += heights[end]
            end += 1
        out.append(chunk(wrapped[start:end], heights[start:end]))
        start = end
        if start < len(wrapped):
            out.append(PageBreak())
        room = frame_h - 1
    return out


def render(data: LedgerData, *, layout: str = c.A4_LAYOUT, fonts: FontSet | None = None) -> bytes:
    """Mẫu 07 as PDF bytes on A4 landscape (layout ``"A4"``)."""
    c.page_for(layout, LAYOUTS)  # reject anything but "A4" with the usual typed error
    return document.render_form(
        lambda s, page: build(data, s, page),
        layout=c.A4_LANDSCAPE_LAYOUT,
        allowed=(c.A4_LANDSCAPE_LAYOUT,),
        fonts=fonts,
        title_text=form_title("ledger", data.regime),
        subject=f"{data.field_name} {data.period_label}",
    )
