"""Mẫu 05 (TT 03/2025): Thông báo dừng giải quyết hồ sơ (stop notice).

The field list of the 2025 form was not seen [U]; it carries at least the dossier code,
applicant and ID, procedure, date of the request, the decision and the signer (TT 03/2025/TT-VPCP).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from reportlab.platypus import Flowable

from motcua_desk.domain.dossier import Person, Regime

from ..fonts import FontSet
from . import common as c
from . import document
from .wording import form_title

LAYOUTS = (c.A5_LAYOUT, c.A4_LAYOUT)


@dataclass(frozen=True)
class StopNoticeData:
    """``withdrawal`` True: the citizen asked to withdraw (portal status 7); else a stop (8)."""

    header: c.UnitHeader
    applicant: Person
    dossier_code: str
    procedure_name: str
    received_at: datetime
    issued_at: datetime
    reason: str
    signer_title: str
    signer_name: str
    request_date: date | None = None
    withdrawal: bool = False
    regime: Regime = Regime.ND118_2025
    number: str = ""


def build(data: StopNoticeData, s: c.Styles, page: c.Page) -> list[Flowable]:
    out: list[Flowable] = []
    out += c.form_opening(
        "stop_notice", data.regime, data.header, data.number, data.issued_at.date(), s, page
    )
    role = c.person_role(data.applicant)
    out.append(c.rich(f"Kính gửi: {role} <b>{c.t(data.applicant.full_name)}</b>", s.center))
    out += c.code_block("Mã hồ sơ", data.dossier_code, s, page)
    out += c.person_lines(data.applicant, s, role=role)
    out.append(c.field("Thủ tục hành chính", data.procedure_name, s.left))
    out.append(c.field("Thời gian tiếp nhận", c.fmt_datetime(data.received_at), s.left))
    if data.request_date is not None:
        kind = "rút hồ sơ" if data.withdrawal else "dừng giải quyết hồ sơ"
        out.append(c.field(f"Ngày {role} đề nghị {kind}", c.fmt_date(data.request_date), s.left))
    out.append(
        c.rich(
            f"<b>{c.t(data.header.unit_name)}</b> thông báo dừng giải quyết hồ sơ nêu trên.",
            s.body,
        )
    )
    out.append(c.field("Lý do", data.reason, s.left))
    out.append(c.p(f"Xin thông báo để {role} được biết.", s.body))
    out += c.signatures(
        [(data.signer_title, data.signer_name)], s, page, hint="(Ký, ghi rõ họ tên, đóng dấu)"
    )
    return out


def render(
    data: StopNoticeData, *, layout: str = c.A5_LAYOUT, fonts: FontSet | None = None
) -> bytes:
    """Mẫu 05 as PDF bytes (layouts ``"A5"`` and ``"A4"``)."""
    return document.render_form(
        lambda s, page: build(data, s, page),
        layout=layout,
        allowed=LAYOUTS,
        fonts=fonts,
        title_text=form_title("stop_notice", data.regime),
        subject=data.dossier_code,
    )
