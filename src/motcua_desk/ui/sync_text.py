"""Vietnamese wording of sync states, errors and server rejection reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from motcua_desk.domain import formatting as fmt
from motcua_desk.services.clock import to_local
from motcua_desk.ui import strings

SYNC_ERRORS: dict[str, str] = {
    "sync_not_configured": "Chưa kết nối máy chủ tỉnh (chưa đăng ký máy trạm).",
    "sync_network": "Không kết nối được máy chủ; dữ liệu vẫn được lưu và sẽ gửi lại sau.",
    "sync_auth": "Máy chủ từ chối máy trạm này (mã xác thực sai hoặc đã bị thu hồi).",
    "sync_conflict": "Máy chủ báo xung đột dữ liệu; cần cán bộ giám sát xử lý.",
    "protocol_error": "Máy chủ trả lời không đúng giao thức; lỗi đã được ghi nhật ký.",
    "protocol_version": "Phiên bản phần mềm không tương thích với máy chủ; cần cập nhật phần mềm.",
}

#: Why the provincial server refused one event of a push (issue 14); the part after the first
#: ":" is technical and shown in brackets.
SYNC_REJECT_REASONS: dict[str, str] = {
    "invalid_event": "dữ liệu có ký tự hoặc giá trị máy chủ không lưu được",
    "storage_refused": "máy chủ không lưu được giá trị này",
    "range_not_leased": "dải số không thuộc các dải máy chủ đã cấp cho máy trạm này",
    "range_used": "dải số báo chưa dùng nhưng đã có hồ sơ mang số trong dải",
    "code_not_owned": "mã hồ sơ thuộc dải số đã cấp cho quầy khác",
}

#: Why the server gave a dossier another code than the one printed (the dossier is kept).
CODE_REASSIGNED_REASONS: dict[str, str] = {
    "code_conflict": "mã đã in trùng với hồ sơ khác của đơn vị",
    "code_not_owned": "mã đã in thuộc dải số của quầy khác",
    "code_not_leased": "mã đã in không thuộc dải số máy chủ cấp",
    "provisional": "mã tạm thời được thay bằng mã chính thức",
}

#: Why a change pulled from the server was not applied on this counter (sync page).
PULL_CONFLICT_REASONS: dict[str, str] = {
    "local_changes_pending": "hồ sơ còn thay đổi chưa gửi lên máy chủ; gửi xong hãy áp dụng lại",
    "illegal_transition": "trạng thái từ máy chủ không hợp lệ với trạng thái hiện tại của hồ sơ",
    "day_closed": "ngày {day} đã chốt sổ; lãnh đạo mở lại ngày rồi bấm “Áp dụng lại”",
    "invalid_change": "dữ liệu từ máy chủ không hợp lệ, không áp dụng được (đã bỏ qua)",
}

#: Entities of pulled changes, as the sync page names them.
PULL_ENTITIES: dict[str, str] = {
    "procedure": "Thủ tục",
    "holiday": "Ngày nghỉ, ngày làm bù",
    "user": "Tài khoản",
    "dossier_status": "Trạng thái hồ sơ",
}


def pull_conflict_text(conflict: dict[str, Any]) -> str:
    """One line of the sync page's conflict list, in Vietnamese."""
    reason = str(conflict.get("reason", ""))
    data = dict(conflict)
    day = str(data.get("day", ""))
    if len(day) == 10:
        data["day"] = "/".join(reversed(day.split("-")))
    template = PULL_CONFLICT_REASONS.get(reason, "thay đổi từ máy chủ chưa áp dụng được ({reason})")
    entity = PULL_ENTITIES.get(str(conflict.get("entity", "")), str(conflict.get("entity", "")))
    subject = conflict.get("code") or conflict.get("key") or ""
    return f"{entity} {subject}: {template.format_map(strings.SafeDict(data))}"


def code_gaps_text(gaps: list[Any]) -> str:
    """The sync page's line on leased dossier numbers left unused (the ledger's gap list)."""
    if not gaps:
        return "Không có số thứ tự mã hồ sơ nào bị bỏ trống trong 7 ngày qua."
    parts = [
        f"{g.day:%d/%m}: {g.first}–{g.last}"
        + (" (đã báo máy chủ)" if g.released else " (còn dùng được)")
        for g in gaps[:10]
    ]
    more = f" và {len(gaps) - 10} dải khác" if len(gaps) > 10 else ""
    return "Số thứ tự mã hồ sơ đã được cấp nhưng chưa dùng: " + "; ".join(parts) + more + "."


REJECT_REASONS: dict[str, str] = {
    "invalid_payload": "dữ liệu không hợp lệ",
    "aggregate_mismatch": "dữ liệu không khớp hồ sơ",
    "wrong_unit": "hồ sơ của đơn vị khác",
    "dossier_exists": "hồ sơ đã có trên máy chủ",
    "unknown_dossier": "máy chủ chưa có hồ sơ này",
    "illegal_transition": "chuyển trạng thái không hợp lệ",
    "code_conflict": "mã hồ sơ đã được dùng",
    "code_not_leased": "mã hồ sơ không thuộc dải số máy chủ đã cấp",
    "local_invalid": "dữ liệu trên máy trạm không hợp lệ",
    "payload_too_large": "dữ liệu quá lớn",
    **SYNC_REJECT_REASONS,
}

EVENT_KINDS: dict[str, str] = {
    "dossier.received": "Tiếp nhận hồ sơ",
    "dossier.status_changed": "Chuyển trạng thái",
    "dossier.updated": "Cập nhật hồ sơ",
    "print.recorded": "Ghi nhận in phiếu",
    "audit.appended": "Nhật ký",
    "postal.item_scanned": "Quét bưu gửi",
    "postal.batch_closed": "Chốt lô bưu chính",
    "postal.outcome": "Kết quả phát bưu gửi",
    "postal.attempt": "Phát bưu gửi không thành công",
    "return.recorded": "Trả kết quả",
    "rating.recorded": "Đánh giá hài lòng",
    "day.closed": "Chốt sổ cuối ngày",
    "day.reopened": "Mở lại ngày đã chốt",
    "codes.released": "Báo số chưa dùng",
}


def sync_error_text(code: str | None) -> str:
    if not code:
        return ""
    base = code.split(":", 1)[0]
    # Anything else is worded by the one catalogue (it shows the code only if it has none).
    return SYNC_ERRORS.get(base) or strings.error_message(base, {})


def reject_reason_text(reason: str | None) -> str:
    """``invalid_payload:$.applicant:missing`` -> readable text, keeping the technical part."""
    if not reason:
        return "không rõ lý do"
    base, _, rest = reason.partition(":")
    text = REJECT_REASONS.get(base, base)
    return f"{text} ({rest})" if rest else text


def age_text(since: datetime | None, now: datetime | None = None) -> str:
    if since is None:
        return "—"
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - since).total_seconds()))
    if seconds < 60:
        return f"{seconds} giây"
    if seconds < 3600:
        return f"{seconds // 60} phút"
    if seconds < 86400:
        return f"{seconds // 3600} giờ {seconds % 3600 // 60} phút"
    return f"{seconds // 86400} ngày"


def moment_text(at: datetime | None) -> str:
    if at is None:
        return "chưa có"
    local = to_local(at)
    return fmt.format_moment(local)


def status_text(online: bool, configured: bool, pending: int) -> str:
    if not configured:
        return "● Chưa kết nối máy chủ"
    state = "● Trực tuyến" if online else "● Ngoại tuyến"
    return f"{state} — chờ gửi: {pending}" if pending else state


ONLINE_WINDOW = timedelta(minutes=5)
