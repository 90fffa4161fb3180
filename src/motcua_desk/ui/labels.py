"""Vietnamese labels of the app's values (statuses, channels, roles, document types…) and the
office-time formatting of dates, times, money and durations shown to the clerk."""

from __future__ import annotations

from datetime import date, datetime

from motcua_desk.domain import formatting as fmt
from motcua_desk.services.clock import to_local

__all__ = [
    "CHANNELS",
    "DOC_TYPES",
    "FEE_TIMINGS",
    "LEVELS",
    "PAPER_FORMS",
    "RATING_CRITERIA_LABELS",
    "RATING_SCALE_LABELS",
    "RETURN_METHODS",
    "ROLES",
    "SEX",
    "STATUS_LABELS",
    "STATUS_SHORT",
    "TIME_UNITS",
    "format_date",
    "format_datetime",
    "format_duration",
    "format_fee",
    "format_moment",
    "level_label",
    "no_procedure_found",
]

#: Dossier statuses (portal codes 1–10) as the counter says them; Status members work as keys.
STATUS_LABELS: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Đã tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Chờ bổ sung hồ sơ",
    6: "Chờ thực hiện nghĩa vụ tài chính",
    7: "Công dân đã rút hồ sơ",
    8: "Đã dừng xử lý",
    9: "Đã có kết quả, chờ trả",
    10: "Đã trả kết quả",
}
#: Shorter forms for a narrow table column.
STATUS_SHORT: dict[int, str] = {
    **STATUS_LABELS,
    5: "Chờ bổ sung",
    6: "Chờ nghĩa vụ tài chính",
    9: "Có kết quả",
}

#: Satisfaction criteria (NĐ 61 Art. 31) as the citizen reads them, and the 2/1/0 scale.
RATING_CRITERIA_LABELS: dict[str, str] = {
    "timeliness": "Thời gian giải quyết",
    "contacts": "Số lần phải đi lại, liên hệ",
    "information": "Thông tin, hướng dẫn",
    "attitude": "Thái độ, ứng xử của công chức",
    "lawfulness": "Kết quả đúng quy định",
    "costs": "Chi phí (phí, lệ phí)",
}
RATING_SCALE_LABELS: dict[int, str] = {2: "Hài lòng", 1: "Bình thường", 0: "Không hài lòng"}

CHANNELS = {1: "Trực tiếp", 3: "Qua bưu chính công ích", 2: "Trực tuyến"}
RETURN_METHODS = {"counter": "Tại Bộ phận Một cửa", "post": "Qua bưu chính công ích"}
#: When the fee is collected (domain.fees.FeeTiming values), as real slips say it.
FEE_TIMINGS = {
    "at_return": "Thu sau (khi trả kết quả)",
    "at_intake": "Thu trước (khi tiếp nhận)",
    "exempt": "Đối tượng miễn phí",
    "no_fee": "Không thu phí",
}
PAPER_FORMS = {
    "original": "Bản chính",
    "certified_copy": "Bản sao chứng thực",
    "copy": "Bản sao",
    "shown": "Xuất trình",
}
TIME_UNITS = {
    "working_days": "{n} ngày làm việc",
    "calendar_days": "{n} ngày",
    "hours": "{n} giờ",
    "same_day": "Trong ngày",
}
SEX = {"male": "Nam", "female": "Nữ"}
LEVELS = {
    "central": "Cấp trung ương",
    "province": "Cấp tỉnh",
    "commune": "Cấp xã",
    "province/commune": "Cấp tỉnh, cấp xã",
    "central/province": "Cấp trung ương, cấp tỉnh",
}


def level_label(level: str) -> str:
    """Vietnamese label of a catalogue agency level (stored as an English code)."""
    return LEVELS.get(level, level) or "—"


ROLES = {"clerk": "Cán bộ tiếp nhận", "supervisor": "Lãnh đạo", "admin": "Quản trị"}
DOC_TYPES = {
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)",
    "supplement": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)",
    "refusal": "Phiếu từ chối tiếp nhận hồ sơ (Mẫu 03)",
    "apology": "Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)",
    "stop_notice": "Thông báo dừng giải quyết hồ sơ (Mẫu 05)",
    "control_slip": "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)",
    "return": "Phiếu xác nhận trả kết quả",
    "digitised": "Bản số hóa giấy tờ",
}


def format_datetime(value: datetime | None) -> str:
    """A stored (UTC) or office time as office time "dd/mm/yyyy HH:MM"; "—" when absent."""
    return fmt.format_datetime(None if value is None else to_local(value))


def format_date(value: date | datetime | None) -> str:
    """A day, or a stored (UTC) time's office day, as "dd/mm/yyyy"; "—" when absent."""
    if isinstance(value, datetime):
        value = to_local(value)
    return fmt.format_date(value)


def format_moment(value: datetime | None) -> str:
    """A stored (UTC) time as office time "HH:MM ngày dd/mm/yyyy"; "—" when absent."""
    return fmt.format_moment(None if value is None else to_local(value))


def format_fee(fee_vnd: int | None) -> str:
    if fee_vnd is None:
        return "Chưa rõ"
    if fee_vnd == 0:
        return "Không thu phí"
    return fmt.format_money(fee_vnd)


def format_duration(days: int | None, unit: str) -> str:
    if unit == "same_day" or (days == 0 and unit == "working_days"):
        return TIME_UNITS["same_day"]
    if days is None:
        return "Chưa rõ"
    return TIME_UNITS.get(unit, "{n}").format(n=days)


def no_procedure_found(query: str) -> str:
    """The procedure search found nothing for ``query``."""
    return f"Không tìm thấy thủ tục nào khớp “{query[:60]}”. Thử gõ ít chữ hơn hoặc mã thủ tục."
