"""Return-of-result confirmation (Phiếu xác nhận trả kết quả): who received what, when, how.

NĐ 61 Art. 20: full result plus originals taken for comparison; identity (and a proxy's
authorisation) checked; fees due on return collected; who, when and how recorded.
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

LAYOUTS = (c.A5_LAYOUT, c.A4_LAYOUT, c.THERMAL_LAYOUT)


def timeliness(due_at: datetime, returned_at: datetime) -> str:
    """``Trước hạn`` / ``Đúng hạn`` / ``Quá hạn`` by calendar date (the period ends at 24:00)."""
    if returned_at.date() < due_at.date():
        return "Trước hạn"
    if returned_at.date() == due_at.date():
        return "Đúng hạn"
    return "Quá hạn"


@dataclass(frozen=True)
class ReturnSlipData:
    """``receiver`` is who actually took the result (None: the applicant in person)."""

    header: c.UnitHeader
    dossier_code: str
    applicant: Person
    procedure_name: str
    received_at: datetime
    due_at: datetime
    returned_at: datetime
    results: tuple[str, ...]
    clerk_name: str
    receiver: Person | None = None
    authorisation: str = ""
    fee_label: str = ""
    return_method_label: str = "Trực tiếp tại Bộ phận Một cửa"
    note: str = ""
    regime: Regime = Regime.ND118_2025
    number: str = ""
    #: Originals taken at intake for comparison and handed back with the result.
    originals: tuple[str, ...] = ()


def build(data: ReturnSlipData, s: c.Styles, page: c.Page) -> list[Flowable]:
    out: list[Flowable] = []
    out += c.header(data.header, data.number, data.returned_at.date(), s, page)
    out.append(c.title(form_title("return_slip", data.regime), s))
    out += c.code_block("Mã hồ sơ", data.dossier_code, s, page)
    out += c.person_lines(data.applicant, s, role=c.person_role(data.applicant))
    out.append(c.field("Thủ tục hành chính", data.procedure_name, s.left))
    out.append(c.field("Thời gian nhận hồ sơ", c.fmt_datetime(data.received_at), s.left))
    out.append(c.field("Thời gian hẹn trả kết quả", c.fmt_datetime(data.due_at), s.left))
    out.append(c.field("Thời gian trả kết quả", c.fmt_datetime(data.returned_at), s.left))
    out.append(c.field("Tình trạng", timeliness(data.due_at, data.returned_at), s.left))
    out.append(c.field("Hình thức nhận kết quả", data.return_method_label, s.left))
    out.append(c.p("Kết quả giải quyết hồ sơ gồm:", s.left))
    for i, item in enumerate(data.results, 1):
        out.append(c.p(f"{i}. {item}", s.left))
    if not data.results:
        out.append(c.p("(Không ghi)", s.left))
    if data.originals:
        out.append(c.p("Bản chính giấy tờ trả lại:", s.left))
        for i, item in enumerate(data.originals, 1):
            out.append(c.p(f"{i}. {item} (bản chính)", s.left))
    if data.fee_label:
        out.append(c.field("Phí, lệ phí đã thu khi trả kết quả", data.fee_label, s.left))
    receiver = data.receiver if data.receiver is not None else data.applicant
    if data.receiver is not None and data.receiver != data.applicant:
        out += c.person_lines(data.receiver, s, role="Người nhận thay")
        if data.authorisation:
            out.append(c.field("Giấy ủy quyền", data.authorisation, s.left))
    if data.note:
        out.append(c.field("Ghi chú", data.note, s.left))
    out.append(
        c.p(
            "Người nhận đã kiểm tra đầy đủ kết quả và giấy tờ nêu trên.",
            s.small if page.thermal else s.body,
        )
    )
    out += c.signatures(
        [("NGƯỜI NHẬN KẾT QUẢ", receiver.full_name), ("NGƯỜI TRẢ KẾT QUẢ", data.clerk_name)],
        s,
        page,
    )
    return out


def render(
    data: ReturnSlipData, *, layout: str = c.A5_LAYOUT, fonts: FontSet | None = None
) -> bytes:
    """Return confirmation as PDF bytes (layouts ``"A5"``, ``"A4"`` and ``"80mm"``)."""
    return document.render_form(
        lambda s, page: build(data, s, page),
        layout=layout,
        allowed=LAYOUTS,
        fonts=fonts,
        title_text=form_title("return_slip", data.regime),
        subject=data.dossier_code,
    )
