"""Biên bản giao nhận hồ sơ / kết quả between the counter and the public postal service.

QĐ 45/2016 Art. 7.4: the signing of this record is the legal time of submission. It lists each
dossier with its S10 item number and completeness, counts, both sides' signatures, and a
Code 128 of the batch code (QĐ 45/2016/QĐ-TTg, TT 17/2017/TT-BTTTT).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Spacer

from motcua_desk.domain.dossier import Regime

from ..fonts import FontSet
from . import common as c
from . import document

LAYOUTS = (c.A4_LAYOUT, c.A5_LAYOUT)


class Direction(enum.Enum):
    """DOSSIERS: the postman hands dossiers to the counter; RESULTS: the counter hands results."""

    DOSSIERS = "dossiers"
    RESULTS = "results"


@dataclass(frozen=True)
class HandoverItem:
    dossier_code: str
    item_code: str
    applicant_name: str
    procedure_name: str = ""
    originals: int = 0
    copies: int = 0
    note: str = ""


@dataclass(frozen=True)
class PostalHandoverData:
    header: c.UnitHeader
    batch_code: str
    signed_at: datetime
    items: tuple[HandoverItem, ...]
    postal_unit: str
    postal_staff: str
    counter_staff: str
    direction: Direction = Direction.DOSSIERS
    fee_total_label: str = ""
    note: str = ""
    regime: Regime = Regime.ND118_2025
    number: str = ""


def _title(direction: Direction) -> str:
    if direction is Direction.RESULTS:
        return "Biên bản giao nhận kết quả"
    return "Biên bản giao nhận hồ sơ"


def _column_widths(data: PostalHandoverData, s: c.Styles, page: c.Page) -> list[float]:
    """Column widths; the dossier and item codes always fit on one line (the postman and the
    clerk compare them character by character), taken from the procedure and note columns."""
    fractions = (0.05, 0.21, 0.17, 0.17, 0.16, 0.07, 0.07, 0.1)
    widths = [page.frame_width * f for f in fractions]
    for col, values in (
        (1, [i.dossier_code for i in data.items]),
        (2, [i.item_code for i in data.items]),
    ):
        need = max((stringWidth(v, s.cell.fontName, s.cell.fontSize) for v in values), default=0.0)
        extra = need + 6 - widths[col]  # 2 pt padding each side, and a little slack
        if extra > 0:
            widths[col] += extra
            widths[4] -= extra * 0.6
            widths[7] -= extra * 0.4
    return widths


def build(data: PostalHandoverData, s: c.Styles, page: c.Page) -> list[Flowable]:
    out: list[Flowable] = []
    out += c.header(data.header, data.number, data.signed_at.date(), s, page)
    out.append(c.title(_title(data.direction), s))
    out += c.code_block("Mã lô", data.batch_code, s, page)
    counter = f"<b>{c.t(data.header.unit_name)}</b>"
    postal = f"<b>{c.t(data.postal_unit)}</b>"
    giver, receiver = (
        (counter, postal) if data.direction is Direction.RESULTS else (postal, counter)
    )
    out.append(
        c.rich(
            f"Hôm nay, lúc {c.t(c.fmt_datetime(data.signed_at))}, bên giao {giver} và bên nhận"
            f" {receiver} cùng kiểm đếm và giao nhận các hồ sơ sau:",
            s.body,
        )
    )
    out.append(Spacer(1, 1.5 * mm))
    head = (
        "STT",
        "Mã hồ sơ",
        "Số hiệu bưu gửi",
        "Tổ chức, cá nhân",
        "Thủ tục",
        "Bản chính",
        "Bản sao",
        "Ghi chú",
    )
    rows: list[list[object]] = [[c.p(h, s.cell_head) for h in head]]
    for i, item in enumerate(data.items, 1):
        rows.append(
            [
                c.p(i, s.cell_center),
                c.p(item.dossier_code, s.cell),
                c.p(item.item_code, s.cell),
                c.p(item.applicant_name, s.cell),
                c.p(item.procedure_name, s.cell),
                c.p(item.originals, s.cell_center),
                c.p(item.copies, s.cell_center),
                c.p(item.note, s.cell),
            ]
        )
    originals = sum(i.originals for i in data.items)
    copies = sum(i.copies for i in data.items)
    rows.append(
        [
            "",
            c.rich(f"<b>Cộng: {len(data.items)} hồ sơ</b>", s.cell),
            "",
            "",
            "",
            c.p(originals, s.cell_head),
            c.p(copies, s.cell_head),
            "",
        ]
    )
    out.append(c.grid_table(rows, _column_widths(data, s, page), s))
    out.append(
        c.field(
            "Tổng số hồ sơ",
            f"{len(data.items)} hồ sơ ({originals} bản chính, {copies} bản sao)",
            s.left,
        )
    )
    if data.fee_total_label:
        out.append(c.field("Phí, lệ phí bàn giao", data.fee_total_label, s.left))
    if data.note:
        out.append(c.field("Ghi chú", data.note, s.left))
    out.append(c.p("Biên bản được lập thành 02 bản, mỗi bên giữ 01 bản.", s.body))
    postal_role = "NHÂN VIÊN BƯU CHÍNH"
    counter_role = "CÁN BỘ BỘ PHẬN MỘT CỬA"
    blocks = [
        (f"BÊN GIAO\n{postal_role}", data.postal_staff),
        (f"BÊN NHẬN\n{counter_role}", data.counter_staff),
    ]
    if data.direction is Direction.RESULTS:
        blocks = [
            (f"BÊN GIAO\n{counter_role}", data.counter_staff),
            (f"BÊN NHẬN\n{postal_role}", data.postal_staff),
        ]
    out += c.signatures(blocks, s, page)
    return out


def render(
    data: PostalHandoverData, *, layout: str = c.A4_LAYOUT, fonts: FontSet | None = None
) -> bytes:
    """The hand-over record as PDF bytes (layouts ``"A4"`` and ``"A5"``)."""
    return document.render_form(
        lambda s, page: build(data, s, page),
        layout=layout,
        allowed=LAYOUTS,
        fonts=fonts,
        title_text=_title(data.direction),
        subject=data.batch_code,
    )
