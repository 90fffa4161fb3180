"""Vietnamese wording of sync states, errors and server rejection reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
    **strings.SYNC_REJECT_REASONS,
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
