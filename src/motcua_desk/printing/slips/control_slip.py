"""Mẫu 06 (TT 03/2025; Mẫu 05 of TT 01/2018): Phiếu kiểm soát quá trình giải quyết hồ sơ.

Dossier code, processing and cooperating agencies, dates received and due, then one row per
hand-over: unit | "Giao: … Nhận: … giờ … phút, ngày …" | timeliness | notes, with room for the
giver's and receiver's signatures. The first giver is the counter (TT 03/2025/TT-VPCP).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from motcua_desk.domain.dossier import Regime

from ..fonts import FontSet
from . import common as c
from . import document
from .wording import form_title

LAYOUTS = (c.A5_LAYOUT, c.A4_LAYOUT)

EARLY = "Trước hạn"
ON_TIME = "Đúng hạn"
LATE = "Quá hạn"


@dataclass(frozen=True)
class HandoverStep:
    """One hand-over of the dossier between units; ``timeliness`` is EARLY/ON_TIME/LATE or ""."""

    unit: str
    giver: str
    receiver: str
    at: datetime
    timeliness: str = ""
    note: str = ""


@dataclass(frozen=True)
class ControlSlipData:
    header: c.UnitHeader
    dossier_code: str
    applicant_name: str
    procedure_name: str
    processing_agency: str
    received_at: datetime
    due_at: datetime
    steps: tuple[HandoverStep, ...] = ()
    cooperating_agencies: tuple[str, ...] = ()
    blank_rows: int = 2
    regime: Regime = Regime.ND118_2025
    number: str = ""


def build(data: ControlSlipData, s: c.Styles, page: c.Page) -> list[Flowable]:
    out: list[Flowable] = []
    out += c.form_opening(
        "control_slip", data.regime, data.header, data.number, data.received_at.date(), s, page
    )
    out += c.code_block("Mã hồ sơ", data.dossier_code, s, page)
    out.append(c.field("Tổ chức, cá nhân", data.applicant_name, s.left))
    out.append(c.field("Thủ tục hành chính", data.procedure_name, s.left))
    out.append(c.field("Cơ quan giải quyết hồ sơ", data.processing_agency, s.left))
    if data.cooperating_agencies:
        out.append(c.field("Cơ quan phối hợp", "; ".join(data.cooperating_agencies), s.left))
    out.append(c.field("Thời gian nhận hồ sơ", c.fmt_datetime(data.received_at), s.left))
    out.append(c.field("Thời gian trả kết quả", c.fmt_datetime(data.due_at), s.left))
    out.append(Spacer(1, 1.5 * mm))
    head = [
        c.p(h, s.cell_head)
        for h in (
            "Tên cơ quan",
            "Thời gian giao, nhận hồ sơ",
            "Kết quả giải quyết hồ sơ (trước hạn / đúng hạn / quá hạn)",
            "Ghi chú",
        )
    ]
    rows: list[list[object]] = [head]
    for i, step in enumerate(data.steps, 1):
        transfer = [
            c.rich(f"{i}. Giao: <b>{c.t(step.giver)}</b>", s.cell),
            c.rich(f"Nhận: <b>{c.t(step.receiver)}</b>", s.cell),
            c.p(c.fmt_datetime(step.at), s.cell),
            Table(
                [
                    [
                        c.rich("<i>Người giao</i>", s.cell_center),
                        c.rich("<i>Người nhận</i>", s.cell_center),
                    ]
                ],
                rowHeights=[9 * mm],
                style=TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("FONTNAME", (0, 0), (-1, -1), s.fonts.serif),
                    ]
                ),
            ),
        ]
        rows.append(
            [
                c.p(step.unit, s.cell),
                transfer,
                c.p(step.timeliness, s.cell_center),
                c.p(step.note, s.cell),
            ]
        )
    for _ in range(max(0, data.blank_rows)):
        rows.append(
            [
                "",
                [
                    c.p("Giao: ……… Nhận: ………", s.cell),
                    c.p("…… giờ …… phút, ngày ……/……/……", s.cell),
                    Spacer(1, 8 * mm),
                ],
                "",
                "",
            ]
        )
    w = page.frame_width
    out.append(c.grid_table(rows, [w * 0.24, w * 0.42, w * 0.18, w * 0.16], s))
    return out


def render(
    data: ControlSlipData, *, layout: str = c.A5_LAYOUT, fonts: FontSet | None = None
) -> bytes:
    """Mẫu 06 as PDF bytes (layouts ``"A5"`` and ``"A4"``)."""
    return document.render_form(
        lambda s, page: build(data, s, page),
        layout=layout,
        allowed=LAYOUTS,
        fonts=fonts,
        title_text=form_title("control_slip", data.regime),
        subject=data.dossier_code,
    )
