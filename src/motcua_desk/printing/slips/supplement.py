"""Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (supplement request).

Lists every missing paper or field at once (NĐ 61 Art. 15.3, "ask once"), the reason, where
to ask for guidance, and the guiding official's signature (TT 03/2025/TT-VPCP "Mẫu 02").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.platypus import Flowable

from motcua_desk.domain.dossier import ChecklistItem, Person, Regime
from motcua_desk.domain.text import normalize

from ..fonts import FontSet
from . import common as c
from . import document
from .wording import form_title

LAYOUTS = (c.A5_LAYOUT, c.A4_LAYOUT, c.THERMAL_LAYOUT)


@dataclass(frozen=True)
class SupplementData:
    """Everything printed on Mẫu 02. ``missing`` items print as ``name (note)``."""

    header: c.UnitHeader
    applicant: Person
    procedure_code: str
    procedure_name: str
    issued_at: datetime
    missing: tuple[ChecklistItem, ...]
    reason: str
    official_name: str
    dossier_code: str = ""
    received_at: datetime | None = None
    contact: str = ""
    regime: Regime = Regime.ND118_2025
    number: str = ""
    note: str = ""


def build(data: SupplementData, s: c.Styles, page: c.Page) -> list[Flowable]:
    out: list[Flowable] = []
    out += c.form_opening(
        "supplement", data.regime, data.header, data.number, data.issued_at.date(), s, page
    )
    if data.dossier_code:
        out += c.code_block("Mã hồ sơ", data.dossier_code, s, page)
    out.append(c.rich(f"<b>{c.t(data.header.unit_name)}</b> tiếp nhận hồ sơ của:", s.left))
    out += c.person_lines(data.applicant, s, role=c.person_role(data.applicant))
    procedure = f"Nội dung yêu cầu giải quyết: <b>{c.t(data.procedure_name)}</b>"
    if data.procedure_code:
        procedure += f" (mã thủ tục {c.t(data.procedure_code)})"
    out.append(c.rich(procedure, s.left))
    if data.received_at is not None:
        out.append(c.field("Thời gian tiếp nhận", c.fmt_datetime(data.received_at), s.left))
    out.append(
        c.p(
            "Sau khi kiểm tra, đối chiếu hồ sơ, đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ"
            " gồm những nội dung sau:",
            s.body,
        )
    )
    for i, item in enumerate(data.missing, 1):
        line = f"{i}. {c.t(item.name)}"
        if item.note:
            line += f" ({c.t(item.note)})"
        out.append(c.rich(line, s.left))
    out.append(c.field("Lý do", data.reason, s.left))
    if data.note:
        out.append(c.field("Ghi chú", data.note, s.left))
    if normalize(data.contact):
        out.append(
            c.rich(
                "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ"
                f" <b>{c.t(data.contact)}</b> để được hướng dẫn.",
                s.body,
            )
        )
    out += c.signatures([("NGƯỜI HƯỚNG DẪN", data.official_name)], s, page, clerk_block=0)
    return out


def render(
    data: SupplementData, *, layout: str = c.A5_LAYOUT, fonts: FontSet | None = None
) -> bytes:
    """Mẫu 02 as PDF bytes (layouts ``"A5"``, ``"A4"`` and ``"80mm"``)."""
    return document.render_form(
        lambda s, page: build(data, s, page),
        layout=layout,
        allowed=LAYOUTS,
        fonts=fonts,
        title_text=form_title("supplement", data.regime),
        subject=data.dossier_code,
    )
