"""Mẫu 04: apology and new return date (2025: "đề nghị gia hạn"; 2018: "hẹn lại ngày trả").

Issued in the name of the processing agency (header) and signed by its head or whoever the
unit configures, not the clerk (TT 03/2025 Mẫu 04). The rule
"the date may be re-set only once" is enforced by the services; this form only prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.platypus import Flowable

from motcua_desk.domain.dossier import Person, Regime

from ..fonts import FontSet
from . import common as c
from . import document
from .wording import form_title

LAYOUTS = (c.A5_LAYOUT, c.A4_LAYOUT)


@dataclass(frozen=True)
class ApologyData:
    header: c.UnitHeader
    addressee: Person
    dossier_code: str
    procedure_name: str
    received_at: datetime
    original_due_at: datetime
    new_due_at: datetime
    reason: str
    issued_at: datetime
    processing_agency: str
    signer_title: str
    signer_name: str
    regime: Regime = Regime.ND118_2025
    number: str = ""
    #: The counter that received the dossier ("" = the header's unit).
    receiving_unit: str = ""


def build(data: ApologyData, s: c.Styles, page: c.Page) -> list[Flowable]:
    out: list[Flowable] = []
    out += c.form_opening(
        "apology", data.regime, data.header, data.number, data.issued_at.date(), s, page
    )
    role = c.person_role(data.addressee)
    out.append(c.rich(f"Kính gửi: {role} <b>{c.t(data.addressee.full_name)}</b>", s.center))
    if data.addressee.id_number:
        out.append(c.field("Số định danh", data.addressee.id_number, s.center))
    agency = c.t(data.processing_agency)
    out.append(
        c.rich(
            f"Ngày {c.fmt_date(data.received_at.date())},"
            f" <b>{c.t(data.receiving_unit or data.header.unit_name)}</b>"
            f" tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính:"
            f" <b>{c.t(data.procedure_name)}</b> của {role}.",
            s.body,
        )
    )
    out += c.code_block("Mã hồ sơ", data.dossier_code, s, page)
    out.append(
        c.field(
            "Thời gian hẹn trả kết quả giải quyết hồ sơ",
            f"Vào lúc {c.fmt_datetime(data.original_due_at)}",
            s.left,
        )
    )
    out.append(
        c.rich(
            f"Tuy nhiên đến nay, <b>{agency}</b> chưa trả kết quả giải quyết hồ sơ cho {role}"
            " đúng thời hạn như đã hẹn.",
            s.body,
        )
    )
    out.append(c.field("Lý do", data.reason, s.left))
    new_due = c.t(c.fmt_datetime(data.new_due_at))
    if data.regime is Regime.ND118_2025:
        promise = (
            f"<b>{agency}</b> xin lỗi {role} về sự chậm trễ này và đề nghị gia hạn thời gian"
            f" giải quyết hồ sơ; kết quả sẽ được trả cho {role} vào lúc <b>{new_due}</b>."
        )
    else:
        promise = (
            f"<b>{agency}</b> xin lỗi {role} về sự chậm trễ này và hẹn lại ngày trả kết quả"
            f" giải quyết hồ sơ vào lúc <b>{new_due}</b>."
        )
    out.append(c.rich(promise, s.body))
    out.append(c.p(f"Mong {role} thông cảm. Trân trọng!", s.body))
    out += c.signatures(
        [(data.signer_title, data.signer_name)], s, page, hint="(Ký, ghi rõ họ tên, đóng dấu)"
    )
    return out


def render(data: ApologyData, *, layout: str = c.A5_LAYOUT, fonts: FontSet | None = None) -> bytes:
    """Mẫu 04 as PDF bytes (layouts ``"A5"`` and ``"A4"``)."""
    return document.render_form(
        lambda s, page: build(data, s, page),
        layout=layout,
        allowed=LAYOUTS,
        fonts=fonts,
        title_text=form_title("apology", data.regime),
        subject=data.dossier_code,
    )
