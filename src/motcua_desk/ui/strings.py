"""Vietnamese messages for error codes and field names (the only place they live).

Services and the domain raise typed errors with a ``code`` and ``data``; this module turns
them into text for the clerk. Unknown codes fall back to a generic message that still shows
the code, so nothing is silently swallowed.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from motcua_desk.domain import formatting as fmt

# The value labels and office-time formatting live in labels.py; screens find them here too.
from .labels import *  # noqa: F403
from .labels import format_datetime

APP_TITLE = "Bộ phận Một cửa"
DUE_PENDING = "Đang tính ngày hẹn trả…"

FIELD_LABELS: dict[str, str] = {
    "procedure": "Thủ tục",
    "cooperating": "Cơ quan phối hợp",
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
    "submitter.authorisation": "Giấy ủy quyền",
    "signer_title": "Chức danh người ký",
    "signer_name": "Họ tên người ký",
    "ledger_book_no": "Quyển sổ theo dõi số",
    "due_time_wording": "Cách ghi giờ hẹn trả",
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
    "fee_paid_vnd": "Số tiền thu khi tiếp nhận",
    "fee_timing": "Thời điểm thu phí",
    "amount_vnd": "Số tiền",
    "papers_returned": "Giấy tờ trả lại",
    "scanner_adapter": "Cách kết nối máy quét",
    "scanner_device": "Máy quét",
    "scan_resolution": "Độ phân giải",
    "scan_mode": "Chế độ màu",
    "scan_source": "Nạp giấy",
    "ocr_language": "Ngôn ngữ nhận dạng",
    "digitisation_required_fields": "Bắt buộc nhập",
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
    "invalid_ocr_language": "Ngôn ngữ nhận dạng phải là mã Tesseract, ví dụ vie hoặc vie+eng.",
    "unknown_metadata_field": "Có mục thông tin giấy tờ bắt buộc không tồn tại.",
    "file_not_found": "Không tìm thấy tệp.",
    "invalid_paper": "Khổ giấy chỉ được là A5, A4 hoặc 80mm.",
    "unknown_setting": "Mục cấu hình không tồn tại.",
    "reprint_reason": "Cần ghi lý do in lại.",
    "invalid": "Giá trị ô “{label}” không hợp lệ.",
    "out_of_range": "Giá trị ô “{label}” nằm ngoài giới hạn cho phép.",
    "unknown_paper": "Có giấy tờ không thuộc danh sách bản chính đã nhận.",
    "unknown_criterion": "Tiêu chí đánh giá không có trong danh sách.",
    "insecure_url": "Máy chủ phải dùng https:// (http:// chỉ dùng được cho máy này, hoặc khi "
    "quản trị cho phép kết nối không mã hóa).",
    "hours_out_of_order": "Giờ làm việc không theo thứ tự (mở cửa sáng < đóng cửa sáng ≤ mở cửa "
    "chiều < đóng cửa chiều; giờ chốt nhận trong giờ làm việc).",
    "control_chars": "Ô “{label}” có ký tự điều khiển không cho phép.",
    "too_long": "Ô “{label}” quá dài.",
    "nesting_too_deep": "Tệp có cấu trúc lồng nhau quá sâu.",
    "fee_not_due_now": (
        "Hồ sơ này không thu phí khi tiếp nhận; bỏ trống số tiền và số biên lai "
        "hoặc chọn “Thu trước”."
    ),
}


STORAGE_REASONS: dict[str, str] = {
    "locked": "Cơ sở dữ liệu đang bận (bị khóa). Vui lòng thử lại sau giây lát.",
    "disk_full": "Ổ đĩa đã đầy. Hãy giải phóng dung lượng rồi thử lại.",
    "read_only": "Không ghi được vào cơ sở dữ liệu (chỉ đọc). Hãy kiểm tra quyền thư mục dữ liệu.",
    "corrupt": "Cơ sở dữ liệu bị hỏng. Hãy liên hệ quản trị để khôi phục từ bản sao lưu.",
    "not_a_database": "Tệp dữ liệu không phải cơ sở dữ liệu của phần mềm. Hãy kiểm tra thư mục dữ liệu.",
    "schema_too_new": "Dữ liệu được tạo bởi phiên bản mới hơn. Hãy cập nhật phần mềm.",
}


BACKUP_REASONS: dict[str, str] = {
    "missing": "không tìm thấy tệp",
    "not_a_database": "không phải tệp cơ sở dữ liệu",
    "corrupt": "tệp bị hỏng",
    "unversioned": "không phải dữ liệu của phần mềm này",
    "too_new": "được tạo bởi phiên bản mới hơn",
    "incomplete": "không phải bản dữ liệu đầy đủ của phần mềm này",
    "bad_settings": "tệp cấu hình đi kèm không hợp lệ",
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
    "print_failed": "In không thành công: {reason_text}. Hồ sơ đã được lưu và được đánh dấu "
    "“chưa in”.",
    "no_printer": "Chưa cấu hình máy in hoặc không tìm thấy máy in.",
    "unit_not_configured": "Chưa thiết lập mã đơn vị nên chưa cấp được mã hồ sơ. Hãy liên hệ quản trị.",
    "permission_denied": "Tài khoản của bạn không có quyền thực hiện thao tác này.",
    "unknown_document": "Loại phiếu này chưa được hỗ trợ.",
    "already_running": "Phần mềm (hoặc một lệnh sao lưu/khôi phục) đang dùng cơ sở dữ liệu này. "
    "Hãy đóng phần mềm đang chạy rồi thử lại.",
    "schema_too_new": "Dữ liệu được tạo bởi phiên bản mới hơn ({db_revision}) của phần mềm. "
    "Hãy cài phiên bản mới hơn; dữ liệu được giữ nguyên.",
    "unversioned_database": "Tệp dữ liệu không phải của phần mềm Một cửa. Dữ liệu được giữ "
    "nguyên; hãy liên hệ quản trị.",
    "migration_integrity": "Nâng cấp dữ liệu không thành công. Dữ liệu cũ có bản sao lưu; hãy "
    "liên hệ quản trị.",
    "backup_invalid": "Tệp sao lưu không dùng được: {reason_text}.",
    "account_locked": "Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Hãy nhờ lãnh đạo "
    "hoặc quản trị mở khóa.",
    "nesting_too_deep": "Tệp có cấu trúc lồng nhau quá sâu, không đọc được.",
    "catalogue_import": "Tệp danh mục thủ tục không hợp lệ ({reason_text}).",
    "read_only_unit_of_work": "Đã xảy ra lỗi không mong muốn; lỗi đã được ghi vào nhật ký.",
    "audit_chain_broken": "Nhật ký kiểm tra bị sửa hoặc xóa (từ dòng {first_bad_id}). Hãy báo "
    "quản trị.",
    "code_block_exhausted": "Đã hết dải mã hồ sơ được cấp trước. Hãy kết nối máy chủ để lấy thêm.",
    "day_closed": "Ngày {day} đã chốt sổ. Muốn sửa, lãnh đạo phải mở lại ngày ở trang Chốt sổ.",
    "postal_scan": "Không nhận thao tác bưu chính này.",
    "day_in_future": "Không thể chốt sổ ngày {day} vì ngày đó chưa đến.",
    "day_already_closed": "Ngày {day} đã được chốt sổ trước đó.",
    "day_not_closed": "Ngày {day} chưa chốt sổ nên không cần mở lại.",
    "domain_error": "Thao tác không thực hiện được vì dữ liệu không hợp lệ.",
    "weak_password": "Mật khẩu quá yếu (ít nhất 8 ký tự).",
    "invalid_username": "Tên đăng nhập chỉ gồm chữ không dấu, chữ số, dấu chấm hoặc gạch dưới.",
    "calendar_seed_error": "Tệp lịch làm việc (ngày nghỉ lễ, ngày làm bù) bị thiếu hoặc sai định dạng. Hãy liên hệ quản trị.",
    "collector_mismatch": "Người nhận không khớp với chủ hồ sơ: không trả kết quả.",
    "invalid_block": "Dải mã hồ sơ máy chủ cấp không hợp lệ. Hãy liên hệ quản trị.",
    "invalid_outcome": "Kết quả gửi dữ liệu không hợp lệ. Hãy liên hệ quản trị.",
    "invalid_print_outcome": "Kết quả in không hợp lệ. Hãy liên hệ quản trị.",
    "status_change_via_update": "Không được đổi trạng thái hồ sơ bằng thao tác sửa thông tin. Hãy liên hệ quản trị.",
    "qr_template_invalid": "Đường dẫn tra cứu in trong mã QR (mục cấu hình) không hợp lệ. Hãy liên hệ quản trị.",
    "offline_file_invalid": "Tệp dữ liệu chưa gửi không dùng được: {reason_text}.",
    "sync_error": "Đồng bộ với máy chủ tỉnh không thành công.",
    "sync_not_configured": "Chưa kết nối máy chủ tỉnh (chưa đăng ký máy trạm).",
    "sync_network": "Không kết nối được máy chủ; dữ liệu vẫn được lưu và sẽ gửi lại sau.",
    "sync_auth": "Máy chủ từ chối máy trạm này (mã xác thực sai hoặc đã bị thu hồi).",
    "sync_conflict": "Máy chủ báo xung đột dữ liệu; cần cán bộ giám sát xử lý.",
    "sync_ca_bundle": "Không đọc được tệp chứng chỉ của máy chủ tỉnh. Hãy liên hệ quản trị.",
    "protocol_error": "Máy chủ trả lời không đúng giao thức. Hãy liên hệ quản trị.",
    "protocol_version": "Phiên bản phần mềm không tương thích với máy chủ: {reason_text}.",
    # Digitisation (số hóa): scanners, imported files, OCR, the file store.
    "digitisation_error": "Không số hóa được giấy tờ này.",
    "digitisation_invalid_metadata": "Thông tin giấy tờ chưa đúng ở mục “{field}”.",
    "digitisation_page_operation": "Không thực hiện được thao tác trên trang này.",
    "digitisation_metadata_required": "Chưa nhập “{field}” của giấy tờ (đơn vị yêu cầu phải có).",
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
    # Digital signatures (issue 16). A document that cannot be signed stays "chờ ký".
    "signing_error": "Chưa ký số được. Tài liệu được lưu ở danh sách “Chờ ký” để ký sau.",
    "token_module_unavailable": (
        "{module_problem} Hãy chọn đúng tệp thư viện của nhà cung cấp (VNPT-CA, Viettel-CA, "
        "Ban Cơ yếu hoặc đơn vị khác) ở trang Chữ ký số."
    ),
    "signing_tsa_not_configured": (
        "Đơn vị chưa cấu hình máy chủ cấp dấu thời gian (TSA) nên chữ ký chưa được bổ sung "
        "dấu thời gian. Quản trị viên nhập địa chỉ máy chủ ở trang Chữ ký số."
    ),
    "token_absent": (
        "Không thấy thiết bị ký số (USB token){token_text}. Hãy cắm token vào máy rồi thử lại."
    ),
    "token_removed": (
        "Thiết bị ký số đã bị rút ra hoặc mất kết nối. Hãy cắm lại token và nhập lại mã PIN; "
        "tài liệu chưa ký được lưu ở danh sách “Chờ ký”."
    ),
    "token_pin_incorrect": "Mã PIN không đúng. {tries_text}",
    "token_pin_locked": (
        "Token đã bị khóa do nhập sai mã PIN quá số lần cho phép. Hãy liên hệ nhà cung cấp "
        "chứng thư số để mở khóa."
    ),
    "token_pin_required": "Chưa đăng nhập thiết bị ký số. Hãy nhập mã PIN của token để ký.",
    "token_certificate_not_found": (
        "Không tìm thấy chứng thư số (hoặc khóa bí mật) đã chọn trên token. Hãy chọn lại chứng "
        "thư ở trang Chữ ký số."
    ),
    "certificate_expired": (
        "Chứng thư số đã hết hạn từ {not_after}. Hãy gia hạn chứng thư với nhà cung cấp; "
        "tài liệu được lưu ở danh sách “Chờ ký”."
    ),
    "certificate_not_yet_valid": (
        "Chứng thư số chưa có hiệu lực (có hiệu lực từ {not_before}). Hãy kiểm tra ngày giờ "
        "của máy tính hoặc dùng chứng thư khác."
    ),
    "signing_failed": "Ký số không thành công. Tài liệu được lưu ở danh sách “Chờ ký” để ký sau.",
    "signing_pdf_unreadable": "Tệp PDF bị hỏng hoặc không đọc được nên không ký/kiểm tra được.",
    "signing_trust_roots_invalid": (
        "Tệp chứng thư gốc tin cậy trong cấu hình không đọc được hoặc không chứa chứng thư nào."
    ),
    "invalid_conversion_origin": "Nguồn chuyển đổi phải là bản chính hoặc bản sao.",
    "signed_file_missing": "Không tìm thấy tệp đã ký trong kho lưu trữ.",
    "signature_missing": "Tệp lưu trữ không có chữ ký số.",
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

TOKEN_TRIES: dict[str, str] = {
    "low": "Token báo chỉ còn ít lần thử; nhập sai thêm, token sẽ bị khóa.",
    "final": "Đây là lần thử cuối cùng: nhập sai một lần nữa, token sẽ bị khóa.",
    "locked": "Token đã bị khóa.",
    "unknown": "Hãy nhập lại cẩn thận: nhập sai nhiều lần, token sẽ bị khóa.",
}

#: Business rules (``RuleViolationError``: the ``rule`` in its data, or its code).
RULES: dict[str, str] = {
    "second_extension": "Hồ sơ đã được gia hạn một lần. Theo quy định chỉ được xin lỗi và hẹn lại ngày trả kết quả một lần.",
    "apology_too_late": "Đã quá thời hạn lập phiếu xin lỗi và hẹn lại: chậm nhất là ngày {latest} (một ngày làm việc trước ngày hẹn trả).",
    "new_due_not_later": "Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại ({due_at}).",
    "no_due_date": "Hồ sơ không có ngày hẹn trả đang chạy nên không gia hạn được.",
    "supplement_pending": "Hồ sơ đang chờ bổ sung: hãy ghi nhận “Đã bổ sung đủ” (thời hạn giải quyết tính lại) trước khi chuyển xử lý.",
    "supplement_late": "Lưu ý: yêu cầu bổ sung đã quá thời hạn quy định (sau ngày {deadline}); hồ sơ sẽ bị tính là chậm.",
    "second_supplement": "Lưu ý: đây là lần yêu cầu bổ sung thứ hai trở lên; chỉ được yêu cầu bổ sung một lần.",
    "result_not_ready": "Hồ sơ chưa có kết quả để trả.",
    "already_returned": "Hồ sơ này đã trả kết quả.",
    "postal_discrepancies": "Chưa chốt được: còn {count} sai lệch (bấm “Kiểm tra sai lệch”).",
    "postal_empty_batch": "Lô chưa có bưu gửi nào.",
    "refusal_not_appraised": "Hồ sơ chưa chuyển cơ quan giải quyết nên chưa thẩm định: hãy từ chối ngay khi tiếp nhận, hoặc chuyển xử lý trước.",
    "refusal_late": "Lưu ý: phiếu từ chối lập sau ngày hẹn trả; hồ sơ bị tính là chậm.",
    "no_payment_due": "Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính.",
}

#: The ``reason`` of a postal scan refused, or of a discrepancy in a batch.
POSTAL_REASONS: dict[str, str] = {
    "dossier_first": "Hãy quét mã hồ sơ trước, rồi đến số hiệu bưu gửi.",
    "item_code_expected": "Đang chờ số hiệu bưu gửi của hồ sơ vừa quét.",
    "invalid_item_code": "Số hiệu bưu gửi không hợp lệ (sai định dạng hoặc sai số kiểm tra S10).",
    "duplicate_item_code": "Số hiệu bưu gửi này đã được dùng.",
    "duplicate_dossier": "Hồ sơ này đã có trong lô.",
    "not_found": "Không tìm thấy hồ sơ có mã này.",
    "other_unit": "Hồ sơ thuộc đơn vị khác.",
    "not_ready": "Hồ sơ chưa có kết quả để trả.",
    "already_returned": "Hồ sơ đã trả kết quả.",
    "batch_closed": "Lô đã chốt; hãy mở lô mới.",
    "unknown_scan": "Mã vừa quét không phải mã hồ sơ hay số hiệu bưu gửi.",
    "missing_item_code": "thiếu số hiệu bưu gửi",
    "not_registered": "chưa tiếp nhận hồ sơ",
    "outcome_recorded": "Đã ghi kết quả phát cho dòng này.",
    "no_outcome_here": "Chỉ ghi kết quả phát cho lô gửi kết quả đã chốt.",
    "unknown_outcome": "Kết quả phát không hợp lệ.",
    "no_registration_here": "Chỉ tiếp nhận hồ sơ từ lô nhận hồ sơ đang mở.",
    "already_registered": "Bưu gửi này đã được tiếp nhận thành hồ sơ {code}.",
    "in_other_batch": "Kết quả của hồ sơ này đang nằm trong một lô bưu chính khác chưa chốt.",
    "already_posted": "Kết quả của hồ sơ này đã giao bưu điện và chưa được chuyển hoàn.",
    "counter_pickup": "Công dân đăng ký nhận kết quả tại Bộ phận Một cửa, không qua bưu chính. Chỉ gửi bưu điện khi công dân đã đồng ý.",
    "no_postal_address": "Hồ sơ không có địa chỉ nhận kết quả nên không gửi bưu điện được.",
    "attempts_missing": "Mới ghi {attempts}/{required} lần phát không thành công; ghi đủ các lần phát hoặc ghi lý do chuyển hoàn.",
    "attempt_too_soon": "Lần phát lại phải cách lần trước hai ngày làm việc (từ ngày {earliest}).",
    "attempts_done": "Đã ghi đủ {attempts} lần phát không thành công; hãy ghi chuyển hoàn.",
    "no_calendar": "Chưa có lịch làm việc để tính ngày phát lại.",
}

#: Why the collector of a result was refused (NĐ 61 Art. 20: the holder or an authorised proxy).
COLLECTOR_REASONS: dict[str, str] = {
    "id_mismatch": "Số định danh không khớp với chủ hồ sơ: không trả kết quả. Nếu là người được "
    "ủy quyền, hãy chọn “Người được ủy quyền” và ghi giấy ủy quyền.",
    "name_mismatch": "Họ tên không khớp với chủ hồ sơ (hồ sơ không lưu số định danh): "
    "không trả kết quả.",
    "proxy_required": "Chủ hồ sơ là tổ chức: người nhận phải là người được ủy quyền hoặc "
    "giới thiệu, có giấy tờ chứng minh.",
}

OFFLINE_FILE_REASONS: dict[str, str] = {
    "too_large": "tệp quá lớn",
    "not_json": "tệp không đúng định dạng",
    "unknown_format": "không phải tệp dữ liệu chưa gửi của phần mềm",
    "unsupported_version": "phiên bản tệp không được hỗ trợ",
    "unknown_device": "tệp của máy trạm chưa đăng ký",
    "bad_signature": "chữ ký số của tệp không đúng (tệp đã bị sửa?)",
    "nesting_too_deep": "tệp có cấu trúc lồng nhau quá sâu",
    "wrong_unit": "tệp của đơn vị khác",
}

VERSION_REASONS: dict[str, str] = {
    "client_too_old": "phần mềm trên máy này đã cũ, cần cập nhật",
    "client_too_new": "máy chủ tỉnh chưa nâng cấp lên phiên bản này",
    "missing_or_malformed": "máy chủ không cho biết phiên bản",
}

CATALOGUE_REASONS: dict[str, str] = {
    "bad_json": "tệp không đúng định dạng JSON",
    "not_a_list": "cần một danh sách",
    "not_an_object": "cần một mục có các trường",
    "missing": "thiếu trường bắt buộc",
    "unknown_field": "có trường không được hỗ trợ",
    "empty": "trường để trống",
    "not_a_string": "cần văn bản",
    "not_an_integer": "cần số nguyên",
    "negative": "không được âm",
    "not_a_boolean": "cần đúng/sai",
    "not_a_date": "cần ngày dạng năm-tháng-ngày",
    "not_a_document": "thành phần hồ sơ không hợp lệ",
    "bad_value": "giá trị không hợp lệ",
    "bad_code": "mã thủ tục không hợp lệ",
    "bad_range": "khoảng thời gian hiệu lực không hợp lệ",
    "duplicate": "mã thủ tục bị trùng",
    "too_large": "có số quá lớn (thời hạn hoặc lệ phí vượt giới hạn)",
    "nesting_too_deep": "cấu trúc lồng nhau quá sâu",
}

#: Why a print failed (the spooler's own English text goes to the log only).
PRINT_REASONS: dict[str, str] = {
    "no_printer": "chưa chọn máy in (mục Cấu hình) và máy không có máy in mặc định",
    "printer_not_found": "không tìm thấy máy in đã chọn; hãy kiểm tra tên máy in ở mục Cấu hình",
    "printer_stopped": "máy in đang tạm dừng hoặc không nhận lệnh in; hãy kiểm tra máy in",
    "spooler_down": "dịch vụ in của máy tính không chạy; hãy khởi động lại máy hoặc báo quản trị",
    "spooler_refused": "máy in từ chối lệnh in; hãy kiểm tra máy in rồi in lại",
    "bad_document": "tệp phiếu không đọc được; hãy in lại từ hồ sơ",
}

#: Errors whose message depends on ``data['reason']``: the table of reasons for each.
REASONS: dict[str, dict[str, str]] = {
    "postal_scan": POSTAL_REASONS,
    "collector_mismatch": COLLECTOR_REASONS,
    "storage_known_error": STORAGE_REASONS,
    "known_storage_error": STORAGE_REASONS,
    "malformed_id_card_qr": QR_REASONS,
    "invalid_id_number": ID_NUMBER_REASONS,
    "offline_file_invalid": OFFLINE_FILE_REASONS,
    "protocol_version": VERSION_REASONS,
    "catalogue_import": CATALOGUE_REASONS,
    "backup_invalid": BACKUP_REASONS,
    "print_failed": PRINT_REASONS,
}
#: For these the reason's text is the whole message.
_REASON_IS_MESSAGE = frozenset(
    {"postal_scan", "collector_mismatch", "storage_known_error", "known_storage_error"}
)
#: Data keys holding an ISO day, shown as dd/mm/yyyy.
_DAY_KEYS = frozenset({"day", "latest", "due_at", "new_due", "deadline", "earliest"})
#: The postal page's name for the reasons of a refused scan, attempt or outcome.
POSTAL_SCAN_REASONS = POSTAL_REASONS


GENERIC_ERROR = "Đã xảy ra lỗi không mong muốn (mã lỗi: {code})."
UNEXPECTED_ERROR = (
    "Đã xảy ra lỗi không mong muốn. Dữ liệu đang nhập vẫn được giữ nguyên; "
    "lỗi đã được ghi vào nhật ký."
)


def audit_ok_text(checked: int) -> str:
    return f"Nhật ký toàn vẹn ({checked:,} dòng đã kiểm tra).".replace(",", ".")


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


class SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "…"


def _signing_data(code: str, data: dict[str, Any]) -> None:
    """Words for the data of the signing errors: PIN tries, certificate dates, names."""
    if code == "token_pin_incorrect":
        data["tries_text"] = TOKEN_TRIES.get(str(data.get("tries", "")), TOKEN_TRIES["unknown"])
    if code == "token_module_unavailable":
        module = str(data.get("module", ""))
        reason = str(data.get("reason", ""))
        if not module or reason == "not_configured":
            problem = "Chưa chọn trình điều khiển chữ ký số (PKCS#11) cho máy này."
        elif reason == "missing":
            problem = (
                f"Không có tệp trình điều khiển chữ ký số (PKCS#11) “{module}” trên máy này: "
                "trình điều khiển của token chưa được cài, hoặc đường dẫn không đúng."
            )
        else:
            problem = f"Không nạp được trình điều khiển chữ ký số (PKCS#11) “{module}”."
        data["module_problem"] = problem
    if code == "token_absent":
        token = str(data.get("token", ""))
        data["token_text"] = f" “{token}”" if token else ""
    for key in ("not_after", "not_before"):
        if isinstance(data.get(key), str):
            with contextlib.suppress(ValueError):
                data[key] = format_datetime(datetime.fromisoformat(data[key]))


def error_message(code: str, data: dict[str, Any] | None = None) -> str:
    """Vietnamese message for an error code and its data."""
    data = dict(data or {})
    for key in _DAY_KEYS & data.keys():
        data[key] = fmt.format_iso_day(data[key])
    if code == "validation_failed":
        fields = data.get("fields") or {}
        lines = [ERRORS["validation_failed"]]
        for name, field_code in dict(fields).items():
            lines.append(f"• {field_label(str(name))}: {field_error(str(name), str(field_code))}")
        return "\n".join(lines)
    _signing_data(code, data)
    rule = str(data.get("rule") or code)
    if code in RULES or (code == "rule_violation" and rule in RULES):
        return RULES[rule].format_map(SafeDict(data))
    table = REASONS.get(code)
    if table is not None:
        reason_text = table.get(str(data.get("reason", "")))
        if code in _REASON_IS_MESSAGE:
            return (reason_text or ERRORS[code]).format_map(SafeDict(data))
        data["reason_text"] = reason_text or "sai định dạng"
    if code == "invalid_id_number":
        data["reason_text"] = id_reason_text(str(data.get("reason", "")))
    if code == "day_closed" and len(str(data.get("day", ""))) == 10:  # ISO -> dd/mm/yyyy
        data["day"] = "/".join(reversed(str(data["day"]).split("-")))
    if code in ("digitisation_invalid_metadata", "digitisation_metadata_required"):
        data["field"] = field_label(str(data.get("field", "")))
    if code == "file_refused":
        data["reason_text"] = FILE_REASONS.get(str(data.get("reason", "")), "tệp không hợp lệ")
    if code == "malformed_id_card_qr":
        data["reason_text"] = QR_REASONS.get(str(data.get("reason", "")), "sai định dạng")
    template = ERRORS.get(code)
    if template is None:
        return GENERIC_ERROR.format(code=code)
    return template.format_map(SafeDict(data))


def exception_message(exc: BaseException) -> str:
    """Vietnamese message for any exception: typed errors by code, others generically."""
    code = getattr(exc, "code", None)
    data = getattr(exc, "data", None)
    if isinstance(code, str):
        return error_message(code, data if isinstance(data, dict) else None)
    return UNEXPECTED_ERROR
