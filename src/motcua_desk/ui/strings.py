"""Vietnamese messages for error codes and field names (the only place they live).

Services and the domain raise typed errors with a ``code`` and ``data``; this module turns
them into text for the clerk. Unknown codes fall back to a generic message that still shows
the code, so nothing is silently swallowed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from motcua_desk.services.clock import to_local

APP_TITLE = "Bộ phận Một cửa"

FIELD_LABELS: dict[str, str] = {
    "procedure": "Thủ tục",
    "applicant.full_name": "Họ và tên",
    "applicant.id_number": "Số định danh cá nhân",
    "applicant.birth_date": "Ngày sinh",
    "applicant.sex": "Giới tính",
    "applicant.phone": "Số điện thoại",
    "applicant.email": "Thư điện tử",
    "applicant.address": "Địa chỉ",
    "submitter.full_name": "Họ và tên người nộp",
    "submitter.id_number": "Số định danh người nộp",
    "submitter.phone": "Điện thoại người nộp",
    "submitter.address": "Địa chỉ người nộp",
    "return_address": "Địa chỉ nhận kết quả",
    "checklist": "Giấy tờ",
    "reason": "Lý do",
    "missing": "Giấy tờ cần bổ sung",
    "reprint_reason": "Lý do in lại",
    "postal_unit": "Đơn vị bưu chính nhận",
    "postal_staff": "Nhân viên bưu chính nhận",
    "sets_count": "Số bộ hồ sơ",
    "full_name": "Họ và tên",
    "admin_username": "Tên đăng nhập",
    "admin_full_name": "Họ và tên",
    "counter_name": "Tên quầy",
    "managing_body": "Cơ quan chủ quản",
    "place_name": "Địa danh",
    "username": "Tên đăng nhập",
    "password": "Mật khẩu",
    "agency_id": "Mã đơn vị",
    "agency_name": "Tên đơn vị",
    "collector.full_name": "Họ tên người nhận",
    "collector.id_number": "Số định danh người nhận",
    "collector.authorisation": "Giấy ủy quyền",
    "fee_collected_vnd": "Số tiền đã thu",
    "fee_receipt_no": "Số biên lai",
    "results": "Kết quả trao",
    "originals_returned": "Bản chính trả lại",
    "rating": "Đánh giá",
    "paper_type": "Loại giấy tờ",
    "number": "Số, ký hiệu",
    "issuer": "Cơ quan cấp",
    "issued_on": "Ngày cấp",
    "valid_until": "Có hiệu lực đến",
}

ID_NUMBER_REASONS: dict[str, str] = {
    "length": "phải gồm 12 chữ số (hoặc 9 chữ số với CMND cũ)",
    "digits": "chỉ được gồm chữ số",
    "not_digits": "chỉ được gồm chữ số",
    "province": "mã tỉnh nơi đăng ký khai sinh không tồn tại",
    "unknown_province": "mã tỉnh nơi đăng ký khai sinh không tồn tại",
    "century": "chữ số giới tính/thế kỷ không hợp lệ",
    "century_sex": "chữ số giới tính/thế kỷ không hợp lệ",
    "birth_year": "không khớp với năm sinh",
    "future_birth_year": "năm sinh suy ra từ số định danh nằm trong tương lai",
    "empty": "chưa nhập",
}

FIELD_ERRORS: dict[str, str] = {
    "required": "Chưa nhập {label}.",
    "invalid_phone": "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).",
    "invalid_email": "Địa chỉ thư điện tử không hợp lệ.",
    "incomplete_checklist": "Chưa nhận đủ giấy tờ bắt buộc; hãy đánh dấu hoặc lập phiếu bổ sung.",
    "birth_date_mismatch": "Ngày sinh không khớp với số định danh cá nhân.",
    "sex_mismatch": "Giới tính không khớp với số định danh cá nhân.",
    "future_date": "Ngày không được ở tương lai.",
    "unknown_processing_time": "Thủ tục chưa có thời hạn giải quyết trong danh mục; "
    "hãy báo quản trị cập nhật danh mục.",
    "invalid_agency_id": "Mã đơn vị chỉ gồm chữ in hoa, chữ số và dấu chấm (ví dụ 000.00.06.H56).",
    "invalid_username": "Tên đăng nhập chỉ gồm chữ không dấu, chữ số, dấu chấm hoặc gạch dưới.",
    "weak_password": "Mật khẩu quá yếu (ít nhất 8 ký tự).",
    "invalid_date": "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 15/06/1995.",
    "passwords_differ": "Hai lần nhập mật khẩu không giống nhau.",
    "password_too_short": "Mật khẩu phải có ít nhất 8 ký tự.",
    "invalid_value": "Giá trị không hợp lệ.",
    "name_too_long": "Tên dài quá 120 ký tự; hãy viết gọn lại.",
    "invalid_name_chars": "Tên chỉ gồm chữ cái, chữ số, dấu cách và dấu câu "
    "(không có biểu tượng cảm xúc hay ký tự điều khiển).",
    "invalid_code_pattern": "Mẫu mã phải có {{agency_id}}, {{yymmdd}} và {{seq:04d}} (mỗi phần một lần).",
    "missing_code_placeholder": "Đường dẫn tra cứu phải chứa {{code}} (chỗ điền mã hồ sơ).",
    "invalid_url": "Địa chỉ máy chủ phải bắt đầu bằng https:// hoặc http://.",
    "file_not_found": "Không tìm thấy tệp.",
    "invalid_paper": "Khổ giấy chỉ được là A5, A4 hoặc 80mm.",
    "unknown_setting": "Mục cấu hình không tồn tại.",
    "reprint_reason": "Cần ghi lý do in lại.",
    "invalid": "Giá trị ô “{label}” không hợp lệ.",
    "out_of_range": "Giá trị ô “{label}” nằm ngoài giới hạn cho phép.",
    "unknown_paper": "Có giấy tờ không thuộc danh sách bản chính đã nhận.",
    "unknown_criterion": "Tiêu chí đánh giá không có trong danh sách.",
}

STORAGE_REASONS: dict[str, str] = {
    "locked": "Cơ sở dữ liệu đang bận (bị khóa). Vui lòng thử lại sau giây lát.",
    "disk_full": "Ổ đĩa đã đầy. Hãy giải phóng dung lượng rồi thử lại.",
    "read_only": "Không ghi được vào cơ sở dữ liệu (chỉ đọc). Hãy kiểm tra quyền thư mục dữ liệu.",
    "corrupt": "Cơ sở dữ liệu bị hỏng. Hãy liên hệ quản trị để khôi phục từ bản sao lưu.",
    "not_a_database": "Tệp dữ liệu không phải cơ sở dữ liệu của phần mềm. Hãy kiểm tra thư mục dữ liệu.",
    "schema_too_new": "Dữ liệu được tạo bởi phiên bản mới hơn. Hãy cập nhật phần mềm.",
}

QR_REASONS: dict[str, str] = {
    "empty": "mã trống",
    "no_separator": "không phải mã QR căn cước",
    "field_count": "thiếu trường thông tin",
    "bad_date": "ngày tháng không hợp lệ",
    "no_id_number": "không có số định danh",
    "bad_id_number": "số định danh không hợp lệ",
    "bad_legacy_id": "số CMND cũ không hợp lệ",
    "missing_name": "không có họ tên",
    "bad_sex": "giới tính không hợp lệ",
    "id_mismatch": "ngày sinh hoặc giới tính không khớp với số định danh",
}

ERRORS: dict[str, str] = {
    "auth_failed": "Tên đăng nhập hoặc mật khẩu không đúng.",
    "account_disabled": "Tài khoản đã bị khóa. Hãy liên hệ quản trị.",
    "validation_failed": "Hồ sơ chưa đầy đủ hoặc có thông tin sai. Hãy sửa các ô được đánh dấu.",
    "malformed_id_card_qr": (
        "Không đọc được mã QR trên căn cước ({reason_text}). Hãy quét lại hoặc nhập tay."
    ),
    "invalid_id_number": "Số định danh cá nhân không hợp lệ: {reason_text}.",
    "invalid_dossier_code": "Mã hồ sơ không đúng định dạng.",
    "invalid_code_pattern": "Mẫu mã hồ sơ trong cấu hình không hợp lệ. Hãy liên hệ quản trị.",
    "sequence_exhausted": "Đã hết số thứ tự cấp mã hồ sơ trong ngày. Hãy liên hệ quản trị.",
    "storage_error": "Lỗi lưu trữ dữ liệu. Lỗi đã được ghi vào nhật ký.",
    "not_found": "Không tìm thấy dữ liệu yêu cầu.",
    "duplicate": "Dữ liệu này đã tồn tại.",
    "printing_error": "Không tạo được phiếu in.",
    "font_missing": "Thiếu tệp phông chữ để in phiếu. Hãy cài đặt lại phần mềm.",
    "invalid_layout": "Khổ giấy cấu hình cho phiếu này không được hỗ trợ.",
    "barcode_value_invalid": "Không tạo được mã vạch cho mã hồ sơ này.",
    "invalid_item_code": "Số hiệu bưu gửi không hợp lệ (không đúng chuẩn S10).",
    "illegal_transition": "Không thể chuyển hồ sơ từ trạng thái {current} sang {target}.",
    "rule_violation": "Thao tác không được phép theo quy định ({rule}).",
    "calendar_error": "Không tính được ngày hẹn trả: lịch làm việc chưa có dữ liệu.",
    "config_error": "Cấu hình không hợp lệ ở mục “{key}”. Hãy liên hệ quản trị.",
    "parse_error": "Không đọc được dữ liệu đã quét hoặc đã nhập.",
    "known_storage_error": "Lỗi lưu trữ dữ liệu.",
    "storage_known_error": "Lỗi lưu trữ dữ liệu.",
    "dossier_not_found": "Không tìm thấy hồ sơ có mã {code}.",
    "unknown_scan": "Không nhận ra mã vừa quét: {text}",
    "print_failed": "In không thành công ({detail}). Hồ sơ đã được lưu và được đánh dấu “chưa in”.",
    "no_printer": "Chưa cấu hình máy in hoặc không tìm thấy máy in.",
    "unit_not_configured": "Chưa thiết lập mã đơn vị nên chưa cấp được mã hồ sơ. Hãy liên hệ quản trị.",
    "permission_denied": "Tài khoản của bạn không có quyền thực hiện thao tác này.",
    "unknown_document": "Loại phiếu này chưa được hỗ trợ.",
    "already_running": "Phần mềm đang chạy với cùng cơ sở dữ liệu này.",
    "code_block_exhausted": "Đã hết dải mã hồ sơ được cấp trước. Hãy kết nối máy chủ để lấy thêm.",
    "day_closed": "Ngày {day} đã chốt sổ. Muốn sửa, lãnh đạo phải mở lại ngày ở trang Chốt sổ.",
    # Digitisation (số hóa): scanners, imported files, OCR, the file store.
    "digitisation_error": "Không số hóa được giấy tờ này.",
    "digitisation_invalid_metadata": "Thông tin giấy tờ chưa đúng ở mục “{field}”.",
    "digitisation_page_operation": "Không thực hiện được thao tác trên trang này.",
    "digitisation_no_pages": "Chưa có trang nào để lưu. Hãy quét hoặc chọn tệp trước.",
    "digitisation_not_received": "Giấy tờ này chưa được nhận nên chưa số hóa được.",
    "imaging_error": "Lỗi khi xử lý ảnh quét.",
    "scanner_error": "Máy quét báo lỗi. Các trang đã quét vẫn được giữ lại.",
    "scanner_not_found": "Không tìm thấy máy quét. Hãy kiểm tra cáp, nguồn điện của máy quét rồi thử lại.",
    "scanner_jammed": (
        "Máy quét bị kẹt giấy. Hãy gỡ tờ bị kẹt rồi quét tiếp; các trang đã quét vẫn được giữ lại."
    ),
    "scanner_feeder_empty": "Khay nạp giấy của máy quét đang trống. Hãy đặt giấy vào khay rồi quét lại.",
    "scanner_cancelled": "Đã dừng quét. Các trang đã quét vẫn được giữ lại.",
    "scanner_busy": "Máy quét đang bận. Hãy chờ một lát rồi thử lại.",
    "scanner_cover_open": "Nắp máy quét đang mở. Hãy đóng nắp rồi quét lại.",
    "scanner_unavailable": (
        "Máy tính này chưa cài chương trình điều khiển máy quét. Hãy liên hệ cán bộ kỹ thuật."
    ),
    "file_refused": "Không nhận tệp này: {reason_text}.",
    "ocr_failed": "Chưa nhận dạng được chữ trên bản quét; bản quét vẫn được lưu.",
    "blob_transfer_failed": "Máy chủ chưa nhận tệp giấy tờ số hóa; phần mềm sẽ gửi lại sau.",
    "file_store_error": "Tệp giấy tờ đã lưu bị thiếu hoặc bị hỏng. Hãy quét lại giấy tờ này.",
}

FILE_REASONS: dict[str, str] = {
    "empty": "tệp rỗng",
    "too_large": "tệp quá lớn",
    "not_supported": "chỉ nhận tệp PDF, JPG, PNG hoặc TIFF",
    "corrupt": "tệp bị hỏng hoặc không đọc được",
    "encrypted": "tệp PDF có mật khẩu",
    "too_many_pixels": "ảnh quá lớn",
    "too_many_pages": "tệp có quá nhiều trang",
    "unreadable": "không mở được tệp",
}

GENERIC_ERROR = "Đã xảy ra lỗi không mong muốn (mã lỗi: {code})."
UNEXPECTED_ERROR = (
    "Đã xảy ra lỗi không mong muốn. Dữ liệu đang nhập vẫn được giữ nguyên; "
    "lỗi đã được ghi vào nhật ký."
)


def field_label(field: str) -> str:
    """Vietnamese label of a form field name such as ``applicant.full_name``."""
    return FIELD_LABELS.get(field, field)


def id_reason_text(reason: str) -> str:
    return ID_NUMBER_REASONS.get(reason, "sai định dạng")


def field_error(field: str, code: str) -> str:
    """Message shown next to a field for a validation code (``invalid_id_number:<reason>``)."""
    base, _, detail = code.partition(":")
    if base == "invalid_id_number":
        return f"Số định danh không hợp lệ: {id_reason_text(detail)}."
    template = FIELD_ERRORS.get(base)
    if template is None:
        return f"Giá trị không hợp lệ ({code})."
    return template.format(label=field_label(field).lower())


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "…"


def error_message(code: str, data: dict[str, Any] | None = None) -> str:
    """Vietnamese message for an error code and its data."""
    data = dict(data or {})
    if code in ("known_storage_error", "storage_known_error"):
        reason = str(data.get("reason", ""))
        return STORAGE_REASONS.get(reason, ERRORS[code])
    if code == "validation_failed":
        fields = data.get("fields") or {}
        lines = [ERRORS["validation_failed"]]
        for name, field_code in dict(fields).items():
            lines.append(f"• {field_label(str(name))}: {field_error(str(name), str(field_code))}")
        return "\n".join(lines)
    if code == "invalid_id_number":
        data["reason_text"] = id_reason_text(str(data.get("reason", "")))
    if code == "day_closed" and len(str(data.get("day", ""))) == 10:  # ISO -> dd/mm/yyyy
        data["day"] = "/".join(reversed(str(data["day"]).split("-")))
    if code == "digitisation_invalid_metadata":
        data["field"] = field_label(str(data.get("field", "")))
    if code == "file_refused":
        data["reason_text"] = FILE_REASONS.get(str(data.get("reason", "")), "tệp không hợp lệ")
    if code == "malformed_id_card_qr":
        data["reason_text"] = QR_REASONS.get(str(data.get("reason", "")), "sai định dạng")
    template = ERRORS.get(code)
    if template is None:
        return GENERIC_ERROR.format(code=code)
    return template.format_map(_SafeDict(data))


def exception_message(exc: BaseException) -> str:
    """Vietnamese message for any exception: typed errors by code, others generically."""
    code = getattr(exc, "code", None)
    data = getattr(exc, "data", None)
    if isinstance(code, str):
        return error_message(code, data if isinstance(data, dict) else None)
    return UNEXPECTED_ERROR


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
    return "—" if value is None else f"{to_local(value):%d/%m/%Y %H:%M}"


def format_fee(fee_vnd: int | None) -> str:
    if fee_vnd is None:
        return "Chưa rõ"
    if fee_vnd == 0:
        return "Không thu phí"
    return f"{fee_vnd:,}".replace(",", ".") + " đồng"


def format_duration(days: int | None, unit: str) -> str:
    if unit == "same_day" or (days == 0 and unit == "working_days"):
        return TIME_UNITS["same_day"]
    if days is None:
        return "Chưa rõ"
    return TIME_UNITS.get(unit, "{n}").format(n=days)


def no_procedure_found(query: str) -> str:
    """The procedure search found nothing for ``query``."""
    return f"Không tìm thấy thủ tục nào khớp “{query[:60]}”. Thử gõ ít chữ hơn hoặc mã thủ tục."
