"""Mẫu 03: Phiếu từ chối tiếp nhận, giải quyết hồ sơ (refusal) with the specific reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.platypus import Flowable

from motcua_desk.domain.dossier import Person, Regime

from ..fonts import FontSet
from . import common as c
from . import document
from .wording import form_title

LAYOUTS = (c.A5_LAYOUT, c.A4_LAYOUT, c.THERMAL_LAYOUT)


@dataclass(frozen=True)
class RefusalData:
    """Everything printed on Mẫu 03; ``dossier_code`` may be empty (refused at intake)."""

    header: c.UnitHeader
    applicant: Person
    procedure_code: str
    procedure_name: str
    issued_at: datetime
    reason: str
    clerk_name: str
    dossier_code: str = ""
    submitter: Person | None = None
    received_at: datetime | None = None
    regime: Regime = Regime.ND118_2025
    number: str = ""


def build(data: RefusalData, s: c.Styles, page: c.Page) -> list[Flowable]:
    out: list[Flowable] = []
    out += c.form_opening(
        "refusal", data.regime, data.header, data.number, data.issued_at.date(), s, page
    )
    if data.dossier_code:
        out += c.code_block("Mã hồ sơ", data.dossier_code, s, page)
    out.append(c.rich(f"<b>{c.t(data.header.unit_name)}</b> tiếp nhận hồ sơ của:", s.left))
    out += c.person_lines(data.applicant, s, role=c.person_role(data.applicant))
    if data.submitter is not None and data.submitter != data.applicant:
        out += c.person_lines(data.submitter, s, role="Người nộp hồ sơ")
    procedure = f"Nội dung yêu cầu giải quyết: <b>{c.t(data.procedure_name)}</b>"
    if data.procedure_code:
        procedure += f" (mã thủ tục {c.t(data.procedure_code)})"
    out.append(c.rich(procedure, s.left))
    if data.received_at is not None:
        out.append(c.field("Thời gian tiếp nhận", c.fmt_datetime(data.received_at), s.left))
    out.append(
        c.rich(
            f"Sau khi nghiên cứu, đối chiếu với quy định, <b>{c.t(data.header.unit_name)}</b>"
            " từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:",
            s.body,
        )
    )
    out.append(c.rich(f"<b>{c.t(data.reason)}</b>", s.body))
    out.append(c.p("Xin thông báo để Ông/Bà được biết và thực hiện.", s.body))
    submitter = data.submitter if data.submitter is not None else data.applicant
    out += c.signatures(
        [("NGƯỜI NỘP HỒ SƠ", submitter.full_name), ("NGƯỜI TIẾP NHẬN HỒ SƠ", data.clerk_name)],
        s,
        page,
    )
    return out


def render(data: RefusalData, *, layout: str = c.A5_LAYOUT, fonts: FontSet | None = None) -> bytes:
    """Mẫu 03 as PDF bytes (layouts ``"A5"``, ``"A4"`` and ``"80mm"``)."""
    return document.render_form(
        lambda s, page: build(data, s, page),
        layout=layout,
        allowed=LAYOUTS,
        fonts=fonts,
        title_text=form_title("refusal", data.regime),
        subject=data.dossier_code,
    )
