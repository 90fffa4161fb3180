"""From stored dossiers to the printing package's frozen slip data.

Printing is a pure function of its data; this module gathers that data (unit header, clerk name,
labels, local times, the inputs of the due date kept on the timeline).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from motcua_desk.config import Settings
from motcua_desk.domain import formatting as fmt
from motcua_desk.domain.dossier import (
    ChecklistItem,
    Dossier,
    DossierEvent,
    PaperForm,
    Person,
    ReturnMethod,
)
from motcua_desk.domain.fees import FeeTiming
from motcua_desk.domain.procedure import TimeUnit
from motcua_desk.domain.text import normalize
from motcua_desk.printing.barcodes import qr_payload
from motcua_desk.printing.paper_layouts import PAPERS_BY_DOC  # noqa: F401 - re-exported
from motcua_desk.printing.slips import (
    apology,
    control_slip,
    receipt,
    refusal,
    return_slip,
    stop_notice,
    supplement,
)
from motcua_desk.printing.slips.common import UnitHeader
from motcua_desk.services.clock import to_local

DEFAULT_PAPER: dict[str, str] = {
    "receipt": "A5",
    "supplement": "A5",
    "refusal": "A5",
    "apology": "A5",
    "stop_notice": "A5",
    "control_slip": "A5",
    "return": "A5",
}

#: Mẫu 04 and 05 are signed by the head of the processing agency, not the clerk (TT 03/2025/TT-VPCP).
HEAD_OF_AGENCY = "Thủ trưởng cơ quan giải quyết"

#: Page layouts each document renders (the settings page offers and accepts only these).

#: Suffix of "Số: <entry>/<suffix>" per document when settings.number_suffixes has none
#: (common agency usage; TT 03/2025 leaves it to the agency).
DEFAULT_NUMBER_SUFFIXES: dict[str, str] = {
    "receipt": "TNHS",
    "supplement": "PBS",
    "refusal": "PTC",
    "apology": "PXL",
    "stop_notice": "TBD",
    "control_slip": "PKS",
    "return": "PTKQ",
    "postal_handover": "BBGN",
}

TIME_UNIT_LABELS = {
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    TimeUnit.CALENDAR_DAYS: "ngày",
    TimeUnit.HOURS: "giờ",
    TimeUnit.SAME_DAY: "trong ngày",
}


@dataclass(frozen=True)
class SlipContext:
    settings: Settings
    clerk_name: str
    timeline: tuple[DossierEvent, ...]
    now: datetime
    people: Mapping[str, str] = field(default_factory=dict)  # username -> full name
    #: The dossier's entry in the year's ledger (Mẫu 07 numbering), when known.
    ledger_entry: int | None = None

    def name_of(self, username: str) -> str:
        return self.people.get(username, username)


def unit_header(s: Settings) -> UnitHeader:
    return UnitHeader(
        managing_body=s.managing_body, unit_name=s.agency_name, place_name=s.place_name
    )


def form_number(doc_type: str, ctx: SlipContext) -> str:
    """``Số:`` of a form: the dossier's ledger entry and the document's suffix ("" unknown)."""
    if ctx.ledger_entry is None:
        return ""
    suffix = ctx.settings.number_suffixes.get(doc_type, DEFAULT_NUMBER_SUFFIXES.get(doc_type, ""))
    return f"{ctx.ledger_entry:02d}/{suffix}" if suffix else f"{ctx.ledger_entry:02d}"


def yearly_number(doc_type: str, seq: int, settings: Settings) -> str:
    """``Số:`` of a record numbered by its sequence in the year (the postal hand-over record)."""
    suffix = settings.number_suffixes.get(doc_type, DEFAULT_NUMBER_SUFFIXES.get(doc_type, ""))
    return f"{seq:02d}/{suffix}" if suffix else f"{seq:02d}"


def ledger_ref(d: Dossier, ctx: SlipContext) -> str:
    """Mẫu 01's ledger book and entry: "Quyển số 01/2026, số thứ tự 42"."""
    if ctx.ledger_entry is None:
        return ""
    year = to_local(d.received_at).year
    return f"Quyển số {ctx.settings.ledger_book_no}/{year}, số thứ tự {ctx.ledger_entry:02d}"


def due_wording(s: Settings, processing_days: object = None) -> str:
    """Mẫu 01 item 5: "after" ("Sau 10 giờ") or "at" ("Vào lúc 10 giờ 15 phút").

    "auto" follows the rounding: a time rounded down to the hour is printed "Sau …" (the
    result is ready from then on), exact minutes "Vào lúc …". A same-day result is due by
    closing time, so it is always "Vào lúc …".
    """
    if processing_days == 0:
        return "at"
    if s.due_time_wording in receipt.DUE_WORDINGS:
        return s.due_time_wording
    return "after" if s.due_time_rounding == "hour" else "at"


#: The dossier's fee timing (``domain.fees``) as Mẫu 01 prints it (``receipt.FEE_TIMINGS``).
_RECEIPT_FEE_TIMING = {
    FeeTiming.AT_INTAKE: "intake",
    FeeTiming.AT_RETURN: "return",
    FeeTiming.EXEMPT: "exempt",
    FeeTiming.NO_FEE: "none",
}


def fee_fields(d: Dossier) -> tuple[str, int | None, str]:
    """(timing key, amount, receipt number) printed on Mẫu 01.

    From the dossier's fee record (thu trước / thu sau / miễn / không thu, and what was paid at
    intake with its receipt); a dossier recorded before fees were tracked has only the
    catalogue fee copied at intake: none -> unknown, 0 -> no fee, an amount -> collected at
    the return.
    """
    if d.fee_timing is not None:
        amount = d.fee_vnd
        if d.fee_timing is FeeTiming.AT_INTAKE and d.fee_paid_vnd:
            amount = d.fee_paid_vnd
        return _RECEIPT_FEE_TIMING[d.fee_timing], amount, normalize(d.fee_receipt_no or "")
    if d.fee_vnd is None:
        return "", None, ""
    return ("none" if d.fee_vnd == 0 else "return"), d.fee_vnd, ""


def signer_for(agency: str, s: Settings) -> tuple[str, str]:
    """(title, name) signing Mẫu 04/05 for ``agency``: its own entry in ``agency_signers``
    ("title|name"), else the unit's default signer."""
    entry = s.agency_signers.get(agency, "")
    if entry:
        title, _, name = entry.partition("|")
        return title.strip() or s.signer_title or HEAD_OF_AGENCY, name.strip()
    return s.signer_title or HEAD_OF_AGENCY, s.signer_name


def agency_header(agency: str, s: Settings) -> UnitHeader:
    """Header of a form issued in the processing agency's name."""
    return UnitHeader(managing_body=s.managing_body, unit_name=agency, place_name=s.place_name)


def paper_counts(checklist: tuple[ChecklistItem, ...]) -> tuple[int, int]:
    """(originals, copies) handed over: received papers by their copies; papers only shown
    (xuất trình) stay with the citizen and count in neither; certified copies are copies."""
    originals = copies = 0
    for item in checklist:
        if not item.received:
            continue
        if item.form is PaperForm.ORIGINAL:
            originals += item.copies
        elif item.form in (PaperForm.COPY, PaperForm.CERTIFIED_COPY):
            copies += item.copies
    return originals, copies


def return_method_label(d: Dossier, s: Settings) -> str:
    if d.return_method is ReturnMethod.POST:
        return f"Qua dịch vụ bưu chính công ích, địa chỉ: {d.return_address}"
    if d.return_method is ReturnMethod.ONLINE:
        return "Trực tuyến (Cổng Dịch vụ công)"
    return f"Tại {s.agency_name}" if s.agency_name else "Tại Bộ phận Một cửa"


def fee_label(fee_vnd: int | None) -> str:
    if fee_vnd is None:
        return "Theo quy định"
    if fee_vnd == 0:
        return "Không thu phí"
    return fmt.format_money(fee_vnd)


#: Fee timing as real slips say it (Luật Phí và lệ phí 97/2015/QH13).
FEE_TIMING_LABELS: dict[FeeTiming, str] = {
    FeeTiming.AT_INTAKE: "Thu trước",
    FeeTiming.AT_RETURN: "Thu sau",
    FeeTiming.EXEMPT: "Đối tượng miễn phí",
    FeeTiming.NO_FEE: "Không thu phí",
}


def dossier_fee_label(d: Dossier) -> str:
    """The fee line of Mẫu 01 and the ledger: timing, amount and the receipt paid at intake.

    "Thu trước: 50.000 đồng (biên lai số 0001234)", "Thu sau: 50.000 đồng",
    "Đối tượng miễn phí", "Không thu phí"; a dossier recorded before fees were tracked keeps
    the catalogue amount alone.
    """
    if d.fee_timing is None:
        return fee_label(d.fee_vnd)
    timing = FEE_TIMING_LABELS[d.fee_timing]
    if d.fee_timing in (FeeTiming.EXEMPT, FeeTiming.NO_FEE):
        return timing
    if d.fee_timing is FeeTiming.AT_INTAKE and d.fee_paid_vnd:
        return f"{timing}: {collected_fee_label(d.fee_paid_vnd, d.fee_receipt_no)}"
    return f"{timing}: {fee_label(d.fee_vnd)}"


def collected_fee_label(fee_vnd: int | None, receipt_no: str) -> str:
    """What was collected at the return: "50.000 đồng (biên lai số 0001234)" or "Không thu"."""
    text = fee_label(fee_vnd) if fee_vnd else "Không thu"
    return f"{text} (biên lai số {receipt_no})" if receipt_no else text


def latest_event(timeline: tuple[DossierEvent, ...], kind: str) -> DossierEvent | None:
    """The latest timeline entry of ``kind`` (an event kind, or the ``action`` of a status
    change recorded after intake), if any."""
    for event in reversed(timeline):
        if event.kind == kind or event.detail.get("action") == kind:
            return event
    return None


def event_detail(timeline: tuple[DossierEvent, ...], kind: str) -> dict[str, Any]:
    """Detail of the latest timeline entry of ``kind`` ({} when there is none)."""
    event = latest_event(timeline, kind)
    return {} if event is None else dict(event.detail)


def receipt_data(d: Dossier, ctx: SlipContext) -> receipt.ReceiptData:
    s = ctx.settings
    received = event_detail(ctx.timeline, "received")
    # A dossier completed after a supplement request carries the restarted time limit's inputs
    # on that entry (issue 13: one left incomplete at intake has no "received" entry at all).
    restarted = event_detail(ctx.timeline, "supplement_completed")
    limit = restarted if restarted.get("processing_days") is not None else received
    unit = TimeUnit(limit.get("time_unit", TimeUnit.WORKING_DAYS.value))
    timing, fee_vnd, fee_receipt_no = fee_fields(d)
    assert d.due_at is not None
    return receipt.ReceiptData(
        dossier_code=d.code,
        header=unit_header(s),
        applicant=d.applicant,
        procedure_code=d.procedure_code,
        procedure_name=d.procedure_name,
        received_at=to_local(d.received_at),
        due_at=to_local(d.due_at),
        clerk_name=ctx.clerk_name,
        papers=tuple(i for i in d.checklist if i.received),
        submitter=d.submitter,
        sets_count=d.sets_count,
        processing_days=limit.get("processing_days"),
        time_unit_label=TIME_UNIT_LABELS[unit],
        return_method_label=return_method_label(d, s)
        + (
            f"; cước bưu chính: {fee_label(received['postage_vnd'])}"
            if received.get("postage_vnd") is not None
            else ""
        ),
        fee_label=dossier_fee_label(d),
        qr_payload=qr_payload(d.code, s.qr_lookup_template),
        regime=d.regime,
        provisional=d.provisional_code,
        note=d.note,
        authorisation=str(received.get("authorisation", "")) if d.submitter else "",
        number=form_number("receipt", ctx),
        ledger_ref=ledger_ref(d, ctx),
        fee_timing=timing,
        fee_vnd=fee_vnd,
        fee_receipt_no=fee_receipt_no,
        due_wording=due_wording(s, received.get("processing_days")),
    )


def supplement_data(d: Dossier, ctx: SlipContext) -> supplement.SupplementData:
    """Mẫu 02 from the latest supplement request on the timeline (every paper at once)."""
    event = latest_event(ctx.timeline, "supplement_requested")
    detail = dict(event.detail) if event else {}
    by_name = {i.name: i for i in d.checklist}
    names = detail.get("missing", [])
    missing = tuple(
        by_name.get(str(name), ChecklistItem(name=str(name)))
        for name in (names if isinstance(names, list) else [])
    )
    return supplement.SupplementData(
        header=unit_header(ctx.settings),
        applicant=d.applicant,
        procedure_code=d.procedure_code,
        procedure_name=d.procedure_name,
        issued_at=to_local(event.at if event else ctx.now),
        missing=missing,
        reason=str(detail.get("reason", "")),
        official_name=ctx.clerk_name,
        dossier_code=d.code,
        received_at=to_local(d.received_at),
        contact=ctx.settings.agency_name,
        regime=d.regime,
        number=form_number("supplement", ctx),
    )


def refusal_data(d: Dossier, ctx: SlipContext) -> refusal.RefusalData:
    """Mẫu 03 with the reason recorded on the timeline."""
    event = latest_event(ctx.timeline, "refused")
    detail = dict(event.detail) if event else {}
    return refusal.RefusalData(
        header=unit_header(ctx.settings),
        applicant=d.applicant,
        procedure_code=d.procedure_code,
        procedure_name=d.procedure_name,
        issued_at=to_local(event.at if event else ctx.now),
        reason=str(detail.get("reason", "")),
        clerk_name=ctx.clerk_name,
        dossier_code=d.code,
        submitter=d.submitter,
        received_at=to_local(d.received_at),
        regime=d.regime,
        number=form_number("refusal", ctx),
    )


def _department(ctx: SlipContext) -> str:
    """The processing department of the latest hand-over (the unit itself when none)."""
    handed = event_detail(ctx.timeline, "handed_over")
    return str(handed.get("department") or ctx.settings.agency_name)


def _when(value: object, fallback: datetime) -> datetime:
    try:
        return to_local(datetime.fromisoformat(str(value)))
    except ValueError:
        return to_local(fallback)


def apology_data(d: Dossier, ctx: SlipContext) -> apology.ApologyData:
    """Mẫu 04 from the latest extension on the timeline (old and new due dates, reason)."""
    event = latest_event(ctx.timeline, "extended")
    detail = dict(event.detail) if event else {}
    issued = event.at if event else ctx.now
    assert d.due_at is not None
    agency = _department(ctx)
    title, name = signer_for(agency, ctx.settings)
    return apology.ApologyData(
        header=agency_header(agency, ctx.settings),
        addressee=d.applicant,
        dossier_code=d.code,
        procedure_name=d.procedure_name,
        received_at=to_local(d.received_at),
        original_due_at=_when(detail.get("old_due_at"), d.due_at),
        new_due_at=_when(detail.get("new_due_at"), d.due_at),
        reason=str(detail.get("reason", "")),
        issued_at=to_local(issued),
        processing_agency=agency,
        signer_title=title,
        signer_name=name,
        regime=d.regime,
        number=form_number("apology", ctx),
        receiving_unit=ctx.settings.agency_name,
    )


def stop_notice_data(d: Dossier, ctx: SlipContext) -> stop_notice.StopNoticeData:
    """Mẫu 05 for a withdrawal by the citizen or a stop of processing."""
    withdrawn = latest_event(ctx.timeline, "withdrawn")
    stopped = latest_event(ctx.timeline, "stopped")
    event = max((e for e in (withdrawn, stopped) if e), key=lambda e: e.at, default=None)
    detail = dict(event.detail) if event else {}
    issued = to_local(event.at if event else ctx.now)
    agency = _department(ctx)
    title, name = signer_for(agency, ctx.settings)
    return stop_notice.StopNoticeData(
        header=agency_header(agency, ctx.settings),
        applicant=d.applicant,
        dossier_code=d.code,
        procedure_name=d.procedure_name,
        received_at=to_local(d.received_at),
        issued_at=issued,
        reason=str(detail.get("reason", "")),
        signer_title=title,
        signer_name=name,
        request_date=issued.date() if event is withdrawn and event else None,
        withdrawal=event is not None and event is withdrawn,
        regime=d.regime,
        number=form_number("stop_notice", ctx),
    )


def control_slip_data(d: Dossier, ctx: SlipContext) -> control_slip.ControlSlipData:
    """Mẫu 06: one row per hand-over on the timeline; "Tên cơ quan" is the giving agency (the
    counter first, then the department that sends the result back, whose timeliness it is).

    The lead agency is the department of the latest hand-over; every other department the
    dossier went to, and those named as cooperating on a hand-over, are cooperating agencies.
    """
    counter = ctx.settings.agency_name or "Bộ phận Một cửa"
    steps: list[control_slip.HandoverStep] = []
    department = ""
    departments: list[str] = []
    named: list[str] = []
    for e in ctx.timeline:
        action = e.detail.get("action")
        if action == "handed_over":
            department = str(e.detail.get("department", ""))
            departments.append(department)
            extra = e.detail.get("cooperating", [])
            named += [str(x) for x in extra] if isinstance(extra, list) else []
            steps.append(
                control_slip.HandoverStep(
                    unit=counter,
                    giver=ctx.name_of(e.actor),
                    receiver=department,
                    at=to_local(e.at),
                    note=str(e.detail.get("note", "")),
                )
            )
        elif action == "result_received":
            steps.append(
                control_slip.HandoverStep(
                    unit=department,
                    giver=department,
                    receiver=f"{counter}: {ctx.name_of(e.actor)}",
                    at=to_local(e.at),
                    timeliness=return_slip.timeliness(to_local(d.due_at), to_local(e.at))
                    if d.due_at
                    else "",
                    note=str(e.detail.get("note", "")),
                )
            )
    lead = _department(ctx)
    cooperating = tuple(
        dict.fromkeys(x for x in (*departments, *named) if x and x != lead and x != counter)
    )
    assert d.due_at is not None
    return control_slip.ControlSlipData(
        header=unit_header(ctx.settings),
        dossier_code=d.code,
        applicant_name=d.applicant.full_name,
        procedure_name=d.procedure_name,
        processing_agency=lead,
        received_at=to_local(d.received_at),
        due_at=to_local(d.due_at),
        steps=tuple(steps),
        cooperating_agencies=cooperating,
        regime=d.regime,
        number=form_number("control_slip", ctx),
    )


def return_data(d: Dossier, ctx: SlipContext) -> return_slip.ReturnSlipData:
    """The return confirmation from the ``returned`` entry of the timeline."""
    event = latest_event(ctx.timeline, "returned")
    detail = dict(event.detail) if event else {}
    returned_at = to_local(event.at if event else (d.returned_at or ctx.now))
    receiver = None
    if detail.get("collector_kind") == "proxy":
        receiver = Person(
            full_name=str(detail.get("collector_name", "")),
            id_number=str(detail.get("collector_id_number", "")),
        )
    results = detail.get("results")
    originals = detail.get("originals_returned")
    method = return_method_label(d, ctx.settings)
    if d.return_method is ReturnMethod.COUNTER:
        method = "Trực tiếp " + method[0].lower() + method[1:]
        if receiver is not None:
            method += " (người nhận thay)"
    fee = detail.get("fee_collected_vnd")
    fee_text = collected_fee_label(
        fee if isinstance(fee, int) else None, str(detail.get("fee_receipt_no") or "")
    )
    return return_slip.ReturnSlipData(
        header=unit_header(ctx.settings),
        dossier_code=d.code,
        applicant=d.applicant,
        procedure_name=d.procedure_name,
        received_at=to_local(d.received_at),
        due_at=to_local(d.due_at or returned_at),
        returned_at=returned_at,
        results=tuple(str(r) for r in results) if isinstance(results, list) else (),
        clerk_name=ctx.name_of(event.actor) if event else ctx.clerk_name,
        receiver=receiver,
        authorisation=str(detail.get("authorisation", "")),
        fee_label=fee_text,
        note=str(detail.get("note", "")),
        regime=d.regime,
        return_method_label=method,
        originals=tuple(str(x) for x in originals) if isinstance(originals, list) else (),
        number=form_number("return", ctx),
    )


_BUILDERS: dict[str, tuple[Callable[[Dossier, SlipContext], Any], Callable[..., bytes]]] = {
    "receipt": (receipt_data, receipt.render),
    "supplement": (supplement_data, supplement.render),
    "refusal": (refusal_data, refusal.render),
    "apology": (apology_data, apology.render),
    "stop_notice": (stop_notice_data, stop_notice.render),
    "control_slip": (control_slip_data, control_slip.render),
    "return": (return_data, return_slip.render),
}


def build_slip(doc_type: str, d: Dossier, ctx: SlipContext, paper: str) -> bytes:
    make_data, render = _BUILDERS[doc_type]
    return render(make_data(d, ctx), layout=paper)
