"""Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment slip).

Contents follow domain.md §6 "Mẫu 01": dossier code with Code 128, receiving unit, applicant
and ID, contacts, proxy when different, procedure, table of papers, sets, statutory time,
times received and due, where the result is collected, fee, QR lookup, reminder, signatures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from motcua_desk.domain.dossier import ChecklistItem, PaperForm, Person, Regime
from motcua_desk.domain.text import normalize

from ..barcodes import QrFlowable
from ..fonts import FontSet
from . import common as c
from .wording import form_title

LAYOUTS = (c.A5_LAYOUT, c.THERMAL_LAYOUT)

PROVISIONAL_MARK = "MÃ TẠM"


@dataclass(frozen=True)
class ReceiptData:
    """Everything printed on Mẫu 01. ``papers`` are the papers actually received."""

    dossier_code: str
    header: c.UnitHeader
    applicant: Person
    procedure_code: str
    procedure_name: str
    received_at: datetime
    due_at: datetime
    clerk_name: str
    papers: tuple[ChecklistItem, ...] = ()
    submitter: Person | None = None
    authorisation: str = ""
    sets_count: int = 1
    processing_days: int | None = None
    time_unit_label: str = "ngày làm việc"
    return_method_label: str = "Bộ phận Một cửa"
    fee_label: str = ""
    qr_payload: str = ""
    regime: Regime = Regime.ND118_2025
    provisional: bool = False
    number: str = ""
    note: str = ""
    ledger_ref: str = ""


def _count_columns(item: ChecklistItem) -> tuple[str, str, str, str]:
    """(name, originals, certified copies, copies) of one paper row."""
    n = str(item.copies)
    name = normalize(item.name)
    if item.note:
        name = f"{name} ({normalize(item.note)})"
    if item.form is PaperForm.ORIGINAL:
        return name, n, "", ""
    if item.form is PaperForm.CERTIFIED_COPY:
        return name, "", n, ""
    if item.form is PaperForm.COPY:
        return name, "", "", n
    return f"{name} (xuất trình bản chính)", n, "", ""


_FORM_WORDS = {
    PaperForm.ORIGINAL: "bản chính",
    PaperForm.CERTIFIED_COPY: "bản sao chứng thực",
    PaperForm.COPY: "bản sao",
    PaperForm.SHOWN: "bản chính xuất trình",
}


def papers_flowables(
    papers: tuple[ChecklistItem, ...], styles: c.Styles, page: c.Page
) -> list[Flowable]:
    """The papers as a ruled table (A5/A4) or a numbered list (80 mm roll)."""
    if not papers:
        return [c.p("(Không có giấy tờ kèm theo)", styles.left)]
    if page.thermal:
        return [
            c.rich(
                f"{i}. {c.t(item.name)}: {item.copies} {_FORM_WORDS[item.form]}"
                + (f" ({c.t(item.note)})" if item.note else ""),
                styles.left,
            )
            for i, item in enumerate(papers, 1)
        ]
    s = styles
    head = [
        c.p(h, s.cell_head)
        for h in ("TT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản sao")
    ]
    rows: list[list[object]] = [head]
    for i, item in enumerate(papers, 1):
        name, orig, cert, copy = _count_columns(item)
        rows.append(
            [c.p(i, s.cell_center), c.p(name, s.cell)]
            + [c.p(v, s.cell_center) for v in (orig, cert, copy)]
        )
    w = page.frame_width
    return [c.grid_table(rows, [8 * mm, w - 8 * mm - 45 * mm, 15 * mm, 15 * mm, 15 * mm], s)]


def qr_column(payload: str, styles: c.Styles, page: c.Page) -> tuple[list[Flowable], float]:
    """The QR code with a short caption, and the column width it needs."""
    qr = QrFlowable(payload, size=22 * mm if not page.thermal else 30 * mm)
    caption = c.rich("<i>Quét mã để tra cứu hồ sơ</i>", styles.small_center)
    return [qr, caption], qr.width + 2 * mm


def build(data: ReceiptData, styles: c.Styles, page: c.Page) -> list[Flowable]:
    s = styles
    code = normalize(data.dossier_code)
    out: list[Flowable] = []
    out += c.form_opening(
        "receipt", data.regime, data.header, data.number, data.received_at.date(), s, page
    )
    if data.provisional:
        out.append(
            c.rich(
                f'<font size="{page.font_size + 3}"><b>{PROVISIONAL_MARK}</b></font>',
                s.center,
            )
        )
        out.append(c.p("(Mã hồ sơ tạm thời, sẽ được thay bằng mã chính thức)", s.small_center))
    out += c.code_block("Mã hồ sơ", code, s, page)
    out.append(c.rich(f"<b>{c.t(data.header.unit_name)}</b> tiếp nhận hồ sơ của:", s.left))
    out += c.person_lines(data.applicant, s, role=c.person_role(data.applicant))
    if data.submitter is not None and data.submitter != data.applicant:
        out += c.person_lines(data.submitter, s, role="Người nộp hồ sơ")
        if data.authorisation:
            out.append(c.field("Giấy ủy quyền", data.authorisation, s.left))
    procedure = f"Nội dung yêu cầu giải quyết: <b>{c.t(data.procedure_name)}</b>"
    if data.procedure_code:
        procedure += f" (mã thủ tục {c.t(data.procedure_code)})"
    out.append(c.rich(procedure, s.left))
    out.append(c.p("1. Thành phần hồ sơ nộp gồm:", s.left))
    out += papers_flowables(data.papers, s, page)
    out.append(c.field("2. Số lượng hồ sơ", f"{data.sets_count} bộ", s.left))
    if data.processing_days is not None:
        limit = f"{data.processing_days} {normalize(data.time_unit_label)}"
        if data.processing_days == 0:
            limit = "Trong ngày"  # same-day procedures (domain.md §3); "0 ngày" reads wrong
        out.append(c.field("3. Thời gian giải quyết hồ sơ theo quy định", limit, s.left))
    out.append(c.field("4. Thời gian nhận hồ sơ", c.fmt_datetime(data.received_at), s.left))
    out.append(
        c.field(
            "5. Thời gian trả kết quả giải quyết hồ sơ",
            f"Vào lúc {c.fmt_datetime(data.due_at)}",
            s.left,
        )
    )
    out.append(c.field("6. Nơi nhận kết quả", data.return_method_label, s.left))
    if data.fee_label:
        out.append(c.field("7. Phí, lệ phí", data.fee_label, s.left))
    if data.ledger_ref:
        out.append(c.field("Vào Sổ theo dõi hồ sơ", data.ledger_ref, s.left))
    if data.note:
        out.append(c.field("Ghi chú", data.note, s.left))
    reminder = (
        "Khi đến nhận kết quả, đề nghị mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả này."
        " Kết quả có thể được trả sớm hơn và được thông báo qua tin nhắn, thư điện tử."
    )
    out.append(c.rich(f"<i>{c.t(reminder)}</i>", s.small))
    lead: list[Flowable] | None = None
    lead_width = 0.0
    if data.qr_payload:
        payload = normalize(data.qr_payload)
        out.append(c.rich(f"Tra cứu hồ sơ: {c.t(payload)}", s.small))
        lead, lead_width = qr_column(payload, s, page)
    submitter = data.submitter if data.submitter is not None else data.applicant
    out += c.signatures(
        [("NGƯỜI NỘP HỒ SƠ", submitter.full_name), ("NGƯỜI TIẾP NHẬN HỒ SƠ", data.clerk_name)],
        s,
        page,
        lead=lead,
        lead_width=lead_width,
        clerk_block=1,
    )
    return out


def render(data: ReceiptData, *, layout: str = c.A5_LAYOUT, fonts: FontSet | None = None) -> bytes:
    """Mẫu 01 as PDF bytes (layouts ``"A5"`` and ``"80mm"``)."""
    return c.render_form(
        lambda s, page: build(data, s, page),
        layout=layout,
        allowed=LAYOUTS,
        fonts=fonts,
        title_text=form_title("receipt", data.regime),
        subject=data.dossier_code,
    )
