"""Mẫu 07 (TT 03/2025; Mẫu 06 of TT 01/2018): Sổ theo dõi hồ sơ (dossier ledger).

A4 landscape, one ruled table whose header row repeats on every page; thousands of rows are
fine. Columns per domain.md §6: no. | code | procedure | person | address, phone | lead agency
| received / appointment / returned | how the result is received | signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from motcua_desk.domain.dossier import Regime

from ..fonts import FontSet
from . import common as c
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
#: Column widths in mm (277 mm printable on A4 landscape with 10 mm margins).
_WIDTHS_MM = (11, 34, 52, 30, 34, 30, 19, 19, 19, 16, 13)


def _when(dt: datetime | None) -> str:
    """Time over date on two lines: a plain string the table draws without wrapping, which
    keeps a month of 3,000 rows fast (a Paragraph is laid out several times per page)."""
    return "" if dt is None else f"{dt.hour:02d}:{dt.minute:02d}\n{c.fmt_date(dt.date())}"


#: Columns drawn as plain strings (number and the three times), centred.
_PLAIN_COLUMNS = (0, 6, 7, 8)


def build(data: LedgerData, s: c.Styles, page: c.Page) -> list[Flowable]:
    out: list[Flowable] = []
    out += c.form_opening(
        "ledger", data.regime, data.header, data.book_no, data.printed_at.date(), s, page
    )
    out.append(c.rich(f"Lĩnh vực: <b>{c.t(data.field_name)}</b>", s.center))
    out.append(c.p(data.period_label, s.center))
    out.append(Spacer(1, 2 * mm))
    rows: list[list[object]] = [[c.p(h, s.cell_head) for h in _HEAD]]
    for r in data.rows:
        rows.append(
            [
                f"{r.no:02d}",
                c.p(r.dossier_code, s.cell),
                c.p(r.procedure_name, s.cell),
                c.p(r.applicant_name, s.cell),
                c.p(r.address_phone, s.cell),
                c.p(r.lead_agency, s.cell),
                _when(r.received_at),
                _when(r.due_at),
                _when(r.returned_at),
                c.p(r.return_method_label, s.cell),
                c.p(r.note, s.cell),
            ]
        )
    scale = page.frame_width / (sum(_WIDTHS_MM) * mm)
    table = c.grid_table(rows, [w * mm * scale for w in _WIDTHS_MM], s, repeat_rows=1)
    size, leading = s.cell.fontSize, s.cell.leading
    table.setStyle(
        [
            cmd
            for col in _PLAIN_COLUMNS
            for cmd in (
                ("FONTSIZE", (col, 1), (col, -1), size),
                ("LEADING", (col, 1), (col, -1), leading),
                ("ALIGN", (col, 1), (col, -1), "CENTER"),
            )
        ]
    )
    out.append(table)
    return out


def render(data: LedgerData, *, layout: str = c.A4_LAYOUT, fonts: FontSet | None = None) -> bytes:
    """Mẫu 07 as PDF bytes on A4 landscape (layout ``"A4"``)."""
    c.page_for(layout, LAYOUTS)  # reject anything but "A4" with the usual typed error
    return c.render_form(
        lambda s, page: build(data, s, page),
        layout=c.A4_LANDSCAPE_LAYOUT,
        allowed=(c.A4_LANDSCAPE_LAYOUT,),
        fonts=fonts,
        title_text=form_title("ledger", data.regime),
        subject=f"{data.field_name} {data.period_label}",
    )
