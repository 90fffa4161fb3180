"""Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment slip).

Contents follow TT 03/2025/TT-VPCP "Mẫu 01": dossier code with Code 128, receiving unit, applicant
and ID, contacts, proxy when different, procedure, table of papers, sets, statutory time,
times received and due, where the result is collected, fee, QR lookup, reminder, signatures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from motcua_desk.domain.dossier import ChecklistItem, PaperForm, Person, Regime
from motcua_desk.domain.text import normalize

from ..barcodes import QrFlowable
from ..fonts import FontSet
from . import common as c
from . import document
from .wording import form_label, form_title

LAYOUTS = (c.A5_LAYOUT, c.A4_LAYOUT, c.THERMAL_LAYOUT)

PROVISIONAL_MARK = "MÃ TẠM"

#: Fee timing per dossier (thu trước / thu sau / miễn): key -> words printed on the slip.
FEE_TIMINGS: dict[str, str] = {
    "intake": "Thu trước (nộp khi nộp hồ sơ)",
    "return": "Thu sau (nộp khi nhận kết quả)",
    "exempt": "Miễn (đối tượng miễn phí, lệ phí)",
    "none": "Không thu phí, lệ phí",
}
#: Appointment wordings: "at" = "Vào lúc hh giờ mm phút" (exact minutes), "after" =
#: "Sau hh giờ" (the time rounded down to the hour: the result is ready from then on).
DUE_WORDINGS = ("at", "after")


@dataclass(frozen=True)
class ReceiptData:
    """Everything printed on Mẫu 01. ``papers`` are the papers actually received.

    ``fee_timing`` is a key of :data:`FEE_TIMINGS` ("" = print ``fee_label`` as given);
    ``fee_vnd`` the amount (None = unknown), ``fee_receipt_no`` the receipt of a fee paid
    at intake. ``ledger_ref`` is the ledger book and entry ("Quyển số 01/2026, số thứ tự 42").
    """

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
    fee_timing: str = ""
    fee_vnd: int | None = None
    fee_receipt_no: str = ""
    due_wording: str = "at"


def fee_text(data: ReceiptData) -> str:
    """Item 7: amount, timing and receipt ("50.000 đồng; Thu trước …; biên lai số …")."""
    if data.fee_timing not in FEE_TIMINGS:
        return normalize(data.fee_label)
    if data.fee_timing in ("exempt", "none"):
        return FEE_TIMINGS[data.fee_timing]
    parts = [c.fmt_vnd(data.fee_vnd) if data.fee_vnd else "Theo quy định"]
    parts.append(FEE_TIMINGS[data.fee_timing])
    if data.fee_receipt_no:
        parts.append(f"biên lai số {normalize(data.fee_receipt_no)}")
    return "; ".join(parts)


def due_text(due_at: datetime, wording: str) -> str:
    """Item 5: "Vào lúc 10 giờ 15 phút, ngày …" or "Sau 10 giờ, ngày …"."""
    if wording == "after":
        minutes = f" {due_at.minute:02d} phút" if due_at.minute else ""
        return f"Sau {due_at.hour:02d} giờ{minutes}, ngày {c.fmt_date(due_at.date())}"
    return f"Vào lúc {c.fmt_datetime(due_at)}"


@dataclass(frozen=True)
class Density:
    """How tightly one attempt lays the slip out (A5 tries them in turn until one page fits)."""

    font_size: float
    bar_height: float
    sign_space: float
    qr_size: float
    merge_lines: bool = False
    two_columns: bool = False


#: Attempts on A5, loosest first; 8.5 pt body and 7.5 pt table text are the legibility floor.
A5_DENSITIES = (
    Density(9.5, 9 * mm, 13 * mm, 22 * mm),
    Density(9.0, 8 * mm, 11 * mm, 20 * mm, merge_lines=True),
    Density(8.5, 7 * mm, 10 * mm, 18 * mm, merge_lines=True),
    Density(8.5, 7 * mm, 10 * mm, 18 * mm, merge_lines=True, two_columns=True),
)
#: Papers sure to fit on one A5 page in the worst case: the full official unit name, long
#: addresses, a proxy with an authorisation paper, two-line paper names, fee, ledger entry and
#: QR (tests/printing/test_receipt_fit.py sweeps the other cases; short names fit 6 to 14).
A5_PAPER_LIMIT = 3
#: Used when even the tightest attempt needs a second page.
CONTINUED = A5_DENSITIES[2]


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
_HEADS = ("TT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản sao")
_SHORT_HEADS = ("TT", "Tên giấy tờ", "BC", "BSCT", "BS")
_LEGEND = "(BC: bản chính; BSCT: bản sao chứng thực; BS: bản sao)"


def _paper_rows(
    papers: tuple[ChecklistItem, ...], first: int, s: c.Styles, heads: tuple[str, ...]
) -> list[list[object]]:
    rows: list[list[object]] = [[c.p(h, s.cell_head) for h in heads]]
    for i, item in enumerate(papers, first):
        name, orig, cert, copy = _count_columns(item)
        rows.append(
            [c.p(i, s.cell_center), c.p(name, s.cell)]
            + [c.p(v, s.cell_center) for v in (orig, cert, copy)]
        )
    return rows


def papers_flowables(
    papers: tuple[ChecklistItem, ...],
    styles: c.Styles,
    page: c.Page,
    *,
    two_columns: bool = False,
) -> tuple[list[Flowable], list[Flowable]]:
    """The papers as a ruled table (A5/A4) or a numbered list (80 mm roll).

    Returned as (body, tail): the tail is the last row, kept with the signatures when the slip
    runs onto a second page. ``two_columns`` halves a long list of short names.
    """
    if not papers:
        return [], [c.p("(Không có giấy tờ kèm theo)", styles.left)]
    if page.thermal:
        lines: list[Flowable] = [
            c.rich(
                f"{i}. {c.t(item.name)}: {item.copies} {_FORM_WORDS[item.form]}"
                + (f" ({c.t(item.note)})" if item.note else ""),
                styles.left,
            )
            for i, item in enumerate(papers, 1)
        ]
        return lines[:-1], lines[-1:]
    s = styles
    w = page.frame_width - 2 * c.FRAME_PADDING
    if two_columns and len(papers) > 1:
        half = (len(papers) + 1) // 2
        inner = w / 2 - 1 * mm
        count_w = 8 * mm
        widths = [6 * mm, inner - 6 * mm - 3 * count_w, count_w, count_w, count_w]
        left = c.grid_table(_paper_rows(papers[:half], 1, s, _SHORT_HEADS), widths, s)
        right = c.grid_table(_paper_rows(papers[half:], half + 1, s, _SHORT_HEADS), widths, s)
        outer = Table(
            [[left, right]],
            colWidths=[w / 2, w / 2],
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), s.fonts.serif),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            ),
        )
        return [outer, c.p(_LEGEND, s.small)], []
    count_w = 15 * mm if page.font_size >= 9.5 else 12 * mm
    widths = [7 * mm, w - 7 * mm - 3 * count_w, count_w, count_w, count_w]
    rows = _paper_rows(papers, 1, s, _HEADS)
    body = c.grid_table(rows[:-1], widths, s)
    tail = c.grid_table(rows[-1:], widths, s, repeat_rows=0)
    return [body], [tail]


def qr_column(
    payload: str, styles: c.Styles, page: c.Page, size: float = 22 * mm
) -> tuple[list[Flowable], float]:
    """The QR code with a short caption, and the column width it needs."""
    qr = QrFlowable(payload, size=size if not page.thermal else 30 * mm)
    caption = c.rich("<i>Quét mã để tra cứu hồ sơ</i>", styles.small_center)
    return [qr, caption], qr.width + 2 * mm


def _limit_text(data: ReceiptData) -> str:
    assert data.processing_days is not None
    if data.processing_days == 0:
        return "Trong ngày"  # same-day procedures (Bộ luật Dân sự 2015 Art. 147–148); "0 ngày" reads wrong
    return f"{data.processing_days} {normalize(data.time_unit_label)}"


def _items(data: ReceiptData, s: c.Styles, merge: bool) -> list[Flowable]:
    """Items 2 to 7 and the ledger entry; ``merge`` puts short pairs on one line."""
    sets = f"2. Số lượng hồ sơ: <b>{data.sets_count} bộ</b>"
    limit = (
        f"3. Thời gian giải quyết hồ sơ theo quy định: <b>{c.t(_limit_text(data))}</b>"
        if data.processing_days is not None
        else ""
    )
    fee = fee_text(data)
    fee_line = f"7. Phí, lệ phí: <b>{c.t(fee)}</b>" if fee else ""
    place = f"6. Nơi nhận kết quả: <b>{c.t(data.return_method_label)}</b>"
    lines = [sets, limit] if not merge else ["; ".join(x for x in (sets, limit) if x)]
    lines += [
        f"4. Thời gian nhận hồ sơ: <b>{c.t(c.fmt_datetime(data.received_at))}</b>",
        "5. Thời gian trả kết quả giải quyết hồ sơ:"
        f" <b>{c.t(due_text(data.due_at, data.due_wording))}</b>",
    ]
    lines += [place, fee_line]
    if data.ledger_ref:
        lines.append(f"Vào Sổ theo dõi hồ sơ: <b>{c.t(data.ledger_ref)}</b>")
    return [c.rich(x, s.left) for x in lines if x]


def build(
    data: ReceiptData,
    styles: c.Styles,
    page: c.Page,
    density: Density = A5_DENSITIES[0],
    *,
    keep_tail: bool = True,
) -> list[Flowable]:
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
    out += c.code_block(
        "Mã hồ sơ", code, s, page, bar_height=density.bar_height, compact=density.merge_lines
    )
    out.append(c.rich(f"<b>{c.t(data.header.unit_name)}</b> tiếp nhận hồ sơ của:", s.left))
    compact = density.merge_lines
    out += c.person_lines(data.applicant, s, role=c.person_role(data.applicant), compact=compact)
    if data.submitter is not None and data.submitter != data.applicant:
        out += c.person_lines(data.submitter, s, role="Người nộp hồ sơ", compact=compact)
        if data.authorisation:
            out.append(c.field("Giấy ủy quyền", data.authorisation, s.left))
    procedure = f"Nội dung yêu cầu giải quyết: <b>{c.t(data.procedure_name)}</b>"
    if data.procedure_code:
        procedure += f" (mã thủ tục {c.t(data.procedure_code)})"
    out.append(c.rich(procedure, s.left))
    out.append(c.p("1. Thành phần hồ sơ nộp gồm:", s.left))
    body, tail = papers_flowables(data.papers, s, page, two_columns=density.two_columns)
    out += body
    rest: list[Flowable] = list(tail)
    rest += _items(data, s, density.merge_lines)
    if data.note:
        rest.append(c.field("Ghi chú", data.note, s.left))
    reminder = (
        "Khi đến nhận kết quả, đề nghị mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả này."
        " Kết quả có thể được trả sớm hơn và được thông báo qua tin nhắn, thư điện tử."
    )
    rest.append(c.rich(f"<i>{c.t(reminder)}</i>", s.small))
    lead: list[Flowable] | None = None
    lead_width = 0.0
    if data.qr_payload:
        payload = normalize(data.qr_payload)
        rest.append(c.rich(f"Tra cứu hồ sơ: {c.t(payload)}", s.small))
        lead, lead_width = qr_column(payload, s, page, density.qr_size)
    submitter = data.submitter if data.submitter is not None else data.applicant
    rest += c.signatures(
        [("NGƯỜI NỘP HỒ SƠ", submitter.full_name), ("NGƯỜI TIẾP NHẬN HỒ SƠ", data.clerk_name)],
        s,
        page,
        lead=lead,
        lead_width=lead_width,
        clerk_block=1,
        space=None if page.thermal else density.sign_space,
    )
    if keep_tail and not page.thermal:
        out.append(KeepTogether(rest))
    else:
        out += rest
    return out


def _band(data: ReceiptData, s: c.Styles, page: c.Page) -> tuple[Callable[[Any], None], float]:
    """Top of a continuation page: form number, title, dossier code and its barcode."""
    return c.continuation_band(
        form_label("receipt", data.regime),
        form_title("receipt", data.regime),
        normalize(data.dossier_code),
        s,
        page,
    )


def _attempt(data: ReceiptData, fs: FontSet, base: c.Page, density: Density) -> document.Rendered:
    """One layout of the slip at ``density`` (A5) or at the page's own size (A4, roll)."""
    page = replace(base, font_size=density.font_size) if base.layout == c.A5_LAYOUT else base
    s = c.Styles(fs, page)
    title_text = form_title("receipt", data.regime)

    def make() -> list[Flowable]:
        return build(data, s, page, density)

    if page.thermal:
        return document.build_pdf_pages(
            make, page, title_text=title_text, subject=data.dossier_code, fonts=fs
        )
    band, band_h = _band(data, s, page)
    return document.build_pdf_pages(
        make,
        page,
        title_text=title_text,
        subject=data.dossier_code,
        fonts=fs,
        later_band=band,
        later_band_height=band_h,
    )


def render_pages(
    data: ReceiptData, *, layout: str = c.A5_LAYOUT, fonts: FontSet | None = None
) -> document.Rendered:
    """Mẫu 01 and its page count. On A5 the densities of :data:`A5_DENSITIES` are tried in
    turn and the first that fits one page wins; when none does, the slip continues on further
    pages that repeat the form number, the dossier code and its barcode, and the last paper
    row stays with the signatures."""
    base = c.page_for(layout, LAYOUTS)
    fs = c.resolve_fonts(fonts)
    if layout != c.A5_LAYOUT:
        return _attempt(data, fs, base, A5_DENSITIES[0])
    for density in A5_DENSITIES:
        if density.two_columns and len(data.papers) < 2:
            continue
        try:
            out = _attempt(data, fs, base, density)
        except LayoutError:  # the two-column checklist cannot split across pages
            continue
        if out.pages == 1:
            return out
    return _attempt(data, fs, base, CONTINUED)


def render(data: ReceiptData, *, layout: str = c.A5_LAYOUT, fonts: FontSet | None = None) -> bytes:
    """Mẫu 01 as PDF bytes (layouts ``"A5"``, ``"A4"`` and ``"80mm"``)."""
    return render_pages(data, layout=layout, fonts=fonts).pdf
