"""Vietnamese wording of the lookup screen: statuses, timeline entries, slips, rule refusals.

Times are stored aware UTC; everything shown here is office time (UTC+7).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from motcua_desk.domain.dossier import DossierEvent, Status
from motcua_desk.services.clock import to_local
from motcua_desk.ui import errors, strings, sync_text

#: Timeline entries by event kind or by the ``action`` of a status change.
ACTION_LABELS: dict[str, str] = {
    "received": "Tiếp nhận hồ sơ",
    "supplement_requested": "Yêu cầu bổ sung, hoàn thiện hồ sơ",
    "refused": "Từ chối tiếp nhận hồ sơ",
    "handed_over": "Chuyển hồ sơ cho bộ phận xử lý",
    "result_received": "Nhận kết quả từ bộ phận xử lý",
    "supplement_completed": "Công dân đã bổ sung đủ hồ sơ",
    "extended": "Xin lỗi và gia hạn thời gian trả kết quả",
    "withdrawn": "Công dân rút hồ sơ",
    "stopped": "Dừng xử lý hồ sơ",
    "returned": "Trả kết quả",
    "handed_to_post": "Giao kết quả cho bưu chính",
    "returned_by_post": "Bưu chính chuyển hoàn kết quả",
    "postal_attempt_failed": "Bưu chính phát không thành công",
    "payment_requested": "Yêu cầu thực hiện nghĩa vụ tài chính",
    "payment_received": "Công dân đã nộp phí, lệ phí",
    "code_assigned": "Cấp mã hồ sơ chính thức",
    "status_changed": "Chuyển trạng thái",
    "printed": "In phiếu",
}

DOC_LABELS: dict[str, str] = {
    "receipt": "Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)",
    "supplement": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)",
    "refusal": "Phiếu từ chối tiếp nhận hồ sơ (Mẫu 03)",
    "apology": "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)",
    "stop_notice": "Thông báo dừng xử lý hồ sơ (Mẫu 05)",
    "control_slip": "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)",
    "return": "Phiếu xác nhận trả kết quả",
}

PRINT_OUTCOMES: dict[str, str] = {
    "queued": "Đang chờ in",
    "sent": "Đã gửi máy in",
    "confirmed": "Đã in",
    "failed": "In không thành công",
}


#: Refusals and warnings of the lifecycle rules (domain/deadlines.py, services/lifecycle.py).
#: Rule wording lives in the one catalogue (strings.RULES).
RULE_MESSAGES = strings.RULES


class TimelineEntry(NamedTuple):
    at: datetime  # office time
    label: str
    actor: str
    detail: str


def fmt_date(value: datetime | None) -> str:
    return strings.format_date(value)


def _iso_dt(value: object) -> str:
    try:
        return strings.format_datetime(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _iso_date(value: object) -> str:
    text = str(value)
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"
    return text


def status_label(status: Status | int | None) -> str:
    if status is None:
        return "—"
    try:
        return strings.STATUS_LABELS[Status(int(status))]
    except ValueError:
        return str(status)


def event_action(event: DossierEvent) -> str:
    action = event.detail.get("action")
    return str(action) if action else event.kind


def event_label(event: DossierEvent) -> str:
    action = event_action(event)
    label = ACTION_LABELS.get(action)
    if label is None:
        label = ACTION_LABELS["status_changed"] if event.kind == "status_changed" else action
    if action == "refused" and event.detail.get("after_appraisal"):
        label = "Từ chối giải quyết hồ sơ sau thẩm định"
    if event.kind == "status_changed" and action == "status_changed":
        label += f": {status_label(event.status_from)} → {status_label(event.status_to)}"
    return label


def event_detail(event: DossierEvent) -> str:
    """A one-line summary of what the entry recorded."""
    d: Mapping[str, Any] = event.detail
    if event_action(event) == "code_assigned":
        return code_assigned_detail(d)
    parts: list[str] = []
    if d.get("department"):
        parts.append(f"Bộ phận xử lý: {d['department']}")
    cooperating = d.get("cooperating")
    if isinstance(cooperating, list) and cooperating:
        parts.append("Cơ quan phối hợp: " + "; ".join(str(x) for x in cooperating))
    missing = d.get("missing")
    if isinstance(missing, list) and missing:
        parts.append("Giấy tờ cần bổ sung: " + "; ".join(str(m) for m in missing))
    if d.get("old_due_at") and d.get("new_due_at"):
        parts.append(f"Hẹn trả cũ {_iso_dt(d['old_due_at'])} → mới {_iso_dt(d['new_due_at'])}")
    elif d.get("new_due_at"):
        parts.append(f"Hẹn trả mới: {_iso_dt(d['new_due_at'])}")
    if d.get("deadline") and event_action(event) == "supplement_requested":
        parts.append(f"Hạn yêu cầu bổ sung: {_iso_date(d['deadline'])}")
    if d.get("collector_name"):
        who = "người được ủy quyền" if d.get("collector_kind") == "proxy" else "chủ hồ sơ"
        parts.append(f"Người nhận: {d['collector_name']} ({who})")
    if d.get("item_code"):
        parts.append(f"Số hiệu bưu gửi: {d['item_code']}")
    if d.get("batch"):
        parts.append(f"Lô: {d['batch']}")
    if d.get("reason"):
        parts.append(f"Lý do: {d['reason']}")
    if isinstance(d.get("papers_returned"), list) and d["papers_returned"]:
        parts.append("Giấy tờ trả lại: " + "; ".join(str(p) for p in d["papers_returned"]))
    if isinstance(d.get("amount_vnd"), int):
        parts.append(f"Số tiền: {strings.format_fee(d['amount_vnd'])}")
    if d.get("fee_receipt_no"):
        parts.append(f"Biên lai số {d['fee_receipt_no']}")
    if d.get("note"):
        parts.append(f"Ghi chú: {d['note']}")
    return "; ".join(parts)


def code_assigned_detail(d: Mapping[str, Any]) -> str:
    """Why the server replaced the code printed on the slip, and that code (issue 14 §1)."""
    reason = sync_text.CODE_REASSIGNED_REASONS.get(
        str(d.get("code_reason") or ""), "máy chủ cấp mã khác cho hồ sơ"
    )
    parts = []
    if d.get("provisional_code"):
        parts.append(f"Mã đã in trên phiếu: {d['provisional_code']}")
    if d.get("code"):
        parts.append(f"Mã chính thức: {d['code']}")
    parts.append(f"Lý do: {reason}")
    if d.get("reprint_required"):
        parts.append("Cần in lại Giấy tiếp nhận (Mẫu 01) với mã mới")
    return "; ".join(parts)


def print_detail(job: Any) -> str:
    parts = [PRINT_OUTCOMES.get(job.outcome, job.outcome)]
    if job.printer:
        parts.append(f"máy in {job.printer}")
    if job.reprint_reason:
        parts.append(f"in lại: {job.reprint_reason}")
    return "; ".join(parts)


def entries(
    timeline: Iterable[DossierEvent], print_jobs: Iterable[Any], people: Mapping[str, str]
) -> tuple[TimelineEntry, ...]:
    """Timeline events and print jobs in time order, actors by full name where known."""

    def name(username: str) -> str:
        return people.get(username, username) or "—"

    out = [
        TimelineEntry(to_local(e.at), event_label(e), name(e.actor), event_detail(e))
        for e in timeline
    ]
    out += [
        TimelineEntry(
            to_local(j.at),
            f"In {DOC_LABELS.get(j.doc_type, j.doc_type)}",
            name(j.clerk),
            print_detail(j),
        )
        for j in print_jobs
    ]
    return tuple(sorted(out, key=lambda t: t.at))


def error_text(exc: BaseException) -> str:
    """The clerk's message for a refused action: rule codes and transitions in full words."""
    code = getattr(exc, "code", None)
    data: dict[str, Any] = dict(getattr(exc, "data", None) or {})
    rule = str(data.get("rule") or code or "")
    if rule in RULE_MESSAGES:
        values = {k: _iso_date(v) for k, v in data.items()}
        return RULE_MESSAGES[rule].format_map(_Safe(values))
    if rule in strings.RULES:
        return strings.exception_message(exc)
    fields = data.get("fields")
    if code == "validation_failed" and isinstance(fields, dict) and "dossier" in fields:
        return RULE_MESSAGES.get(str(fields["dossier"]), strings.exception_message(exc))
    if code == "illegal_transition":
        return (
            f"Không thể thực hiện: hồ sơ đang ở trạng thái “{status_label(data.get('current'))}”,"
            f" không chuyển sang “{status_label(data.get('target'))}” được."
        )
    return strings.exception_message(exc)


def warning_text(code: str, data: Mapping[str, Any] | None = None) -> str:
    values = {k: _iso_date(v) for k, v in (data or {}).items()}
    template = RULE_MESSAGES.get(code) or strings.RULES.get(code)
    return template.format_map(_Safe(values)) if template else code


def rule_text(exc: BaseException) -> str:
    """The clerk's wording of a lifecycle rule refusal (or of any other error)."""
    data = getattr(exc, "data", None) or {}
    rule = data.get("rule") if isinstance(data, dict) else None
    if isinstance(rule, str):
        return warning_text(rule, data)
    if not isinstance(getattr(exc, "code", None), str):
        errors.report_exception(exc)
    return strings.exception_message(exc)


class _Safe(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "…"
