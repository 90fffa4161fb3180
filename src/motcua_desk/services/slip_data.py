"""From stored dossiers to the printing package's frozen slip data.

Printing is a pure function of its data; this module gathers that data (unit header, clerk name,
labels, local times, the inputs of the due date kept on the timeline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from motcua_desk.config import Settings
from motcua_desk.domain.dossier import ChecklistItem, Dossier, DossierEvent, ReturnMethod
from motcua_desk.domain.procedure import TimeUnit
from motcua_desk.printing.barcodes import qr_payload
from motcua_desk.printing.slips import receipt, refusal, supplement
from motcua_desk.printing.slips.common import UnitHeader
from motcua_desk.services.clock import to_local

DEFAULT_PAPER: dict[str, str] = {
    "receipt": "A5",
    "supplement": "A5",
    "refusal": "A5",
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


def unit_header(s: Settings) -> UnitHeader:
    return UnitHeader(
        managing_body=s.managing_body, unit_name=s.agency_name, place_name=s.place_name
    )


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
    return f"{fee_vnd:,} đồng".replace(",", ".")


def latest_event(timeline: tuple[DossierEvent, ...], kind: str) -> DossierEvent | None:
    """The latest timeline entry of ``kind``, if any."""
    for event in reversed(timeline):
        if event.kind == kind:
            return event
    return None


def event_detail(timeline: tuple[DossierEvent, ...], kind: str) -> dict[str, Any]:
    """Detail of the latest timeline entry of ``kind`` ({} when there is none)."""
    event = latest_event(timeline, kind)
    return {} if event is None else dict(event.detail)


def receipt_data(d: Dossier, ctx: SlipContext) -> receipt.ReceiptData:
    s = ctx.settings
    received = event_detail(ctx.timeline, "received")
    unit = TimeUnit(received.get("time_unit", TimeUnit.WORKING_DAYS.value))
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
        processing_days=received.get("processing_days"),
        time_unit_label=TIME_UNIT_LABELS[unit],
        return_method_label=return_method_label(d, s)
        + (
            f"; cước bưu chính: {fee_label(received['postage_vnd'])}"
            if received.get("postage_vnd") is not None
            else ""
        ),
        fee_label=fee_label(d.fee_vnd),
        qr_payload=qr_payload(d.code, s.qr_lookup_template),
        regime=d.regime,
        provisional=d.provisional_code,
        note=d.note,
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
    )


_BUILDERS: dict[str, tuple[Callable[[Dossier, SlipContext], Any], Callable[..., bytes]]] = {
    "receipt": (receipt_data, receipt.render),
    "supplement": (supplement_data, supplement.render),
    "refusal": (refusal_data, refusal.render),
}


def build_slip(doc_type: str, d: Dossier, ctx: SlipContext, paper: str) -> bytes:
    make_data, render = _BUILDERS[doc_type]
    return render(make_data(d, ctx), layout=paper)
