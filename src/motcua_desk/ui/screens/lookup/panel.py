"""What the lookup page shows of a dossier: table columns, the heading and the return record.

Pure functions of a :class:`DossierFile` (and a way to name users), kept apart from the
controller that loads files and records transitions.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from motcua_desk.domain.dossier import Dossier
from motcua_desk.services.lookup import DossierFile
from motcua_desk.services.slip_data import collected_fee_label
from motcua_desk.ui import strings
from motcua_desk.ui.models.table import Column

from .timeline import (
    DOC_LABELS,
    PRINT_OUTCOMES,
    TimelineEntry,
    status_label,
)

RESULT_COLUMNS: tuple[Column[Dossier], ...] = (
    Column("code", "Mã hồ sơ", lambda d: d.code),
    Column("applicant", "Chủ hồ sơ", lambda d: d.applicant.full_name),
    Column("procedure", "Thủ tục", lambda d: d.procedure_name),
    Column(
        "received",
        "Ngày nhận",
        lambda d: strings.format_datetime(d.received_at),
        lambda d: d.received_at.timestamp(),
    ),
    Column(
        "due",
        "Hẹn trả",
        lambda d: strings.format_datetime(d.due_at),
        lambda d: d.due_at.timestamp() if d.due_at else float("inf"),
    ),
    Column("status", "Trạng thái", lambda d: status_label(d.status), lambda d: int(d.status)),
)

TIMELINE_COLUMNS: tuple[Column[TimelineEntry], ...] = (
    Column("at", "Thời gian", lambda e: strings.format_datetime(e.at), lambda e: e.at.timestamp()),
    Column("label", "Thao tác", lambda e: e.label),
    Column("actor", "Người thực hiện", lambda e: e.actor),
    Column("detail", "Chi tiết", lambda e: e.detail),
)


def print_columns(people: Callable[[], dict[str, str]]) -> tuple[Column[Any], ...]:
    return (
        Column(
            "at", "Thời gian", lambda j: strings.format_datetime(j.at), lambda j: j.at.timestamp()
        ),
        Column("doc", "Phiếu", lambda j: DOC_LABELS.get(j.doc_type, j.doc_type)),
        Column("printer", "Máy in", lambda j: j.printer or "—"),
        Column("outcome", "Kết quả", lambda j: PRINT_OUTCOMES.get(j.outcome, j.outcome)),
        Column("clerk", "Người in", lambda j: people().get(j.clerk, j.clerk)),
        Column("reason", "Lý do in lại", lambda j: j.reprint_reason or ""),
    )


def header_html(file: DossierFile, name_of: Callable[[str], str]) -> str:
    """The panel's heading: code, status, owner, submitter, procedure, dates (escaped HTML)."""
    d = file.dossier
    e = html.escape
    a = d.applicant
    who = [e(a.full_name)]
    if a.id_number:
        who.append(f"số định danh {e(a.id_number)}")
    if a.phone:
        who.append(f"ĐT {e(a.phone)}")
    due = strings.format_datetime(d.due_at)
    if d.extensions:
        due += f" (đã gia hạn {d.extensions} lần)"
    lines = [
        f"<b style='font-size:14pt'>{e(d.code)}</b> — <b>{e(status_label(d.status))}</b>",
        f"Chủ hồ sơ: {', '.join(who)}",
        *([f"Người nộp thay: {e(d.submitter.full_name)}"] if d.submitter is not None else []),
        f"Thủ tục: {e(d.procedure_code)} — {e(d.procedure_name)}",
        f"Tiếp nhận: {strings.format_datetime(d.received_at)} ({e(name_of(d.clerk_username))}) — Hẹn trả: {e(due)}",
    ]
    if d.supplement_requests:
        lines.append(f"Đã yêu cầu bổ sung {d.supplement_requests} lần.")
    if d.returned_at is not None:
        lines.append(f"Đã trả kết quả lúc {strings.format_datetime(d.returned_at)}.")
    close = file.received_day_close
    if close is not None and close.closed:
        lines.append("Ngày tiếp nhận đã chốt sổ.")
    return "<br>".join(lines)


def return_text(file: DossierFile, name_of: Callable[[str], str]) -> str:
    """The return record and the citizen's rating as plain text."""
    parts: list[str] = []
    r = file.return_record
    if r is None:
        parts.append("Chưa trả kết quả.")
    else:
        who = "người được ủy quyền" if r.collector_kind == "proxy" else "chủ hồ sơ"
        checked = "quét mã QR căn cước" if r.verified_by == "id_card_qr" else "nhập tay"
        parts.append(f"Đã trả lúc {strings.format_datetime(r.at)}; cán bộ trả: {name_of(r.clerk)}.")
        parts.append(
            f"Người nhận: {r.collector_name} ({who}), số định danh "
            f"{r.collector_id_number or '—'} (kiểm tra: {checked})."
        )
        if r.authorisation:
            parts.append(f"Giấy ủy quyền: {r.authorisation}")
        fee = collected_fee_label(r.fee_collected_vnd, r.fee_receipt_no)
        parts.append(f"Phí, lệ phí: {fee}.")
        if r.results:
            parts.append("Kết quả trả: " + "; ".join(r.results) + ".")
        if r.originals_returned:
            parts.append("Bản chính trả lại: " + "; ".join(r.originals_returned) + ".")
        if r.note:
            parts.append(f"Ghi chú: {r.note}")
    rating = file.rating
    if rating is not None:
        where = "màn hình công dân" if rating.source == "citizen_screen" else "tại quầy"
        parts.append(f"\nĐánh giá ({where}) lúc {strings.format_datetime(rating.at)}:")
        for key, score in rating.scores.items():
            label = strings.RATING_CRITERIA_LABELS.get(key, key)
            parts.append(f"• {label}: {strings.RATING_SCALE_LABELS.get(score, str(score))}")
        if rating.comment:
            parts.append(f"Ý kiến: {rating.comment}")
    elif r is not None:
        parts.append("\nCông dân chưa đánh giá.")
    return "\n".join(parts)
