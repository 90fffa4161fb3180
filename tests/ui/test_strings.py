"""Every error code the UI can meet has a Vietnamese message; data is used, not dropped."""

from __future__ import annotations

import pytest

from motcua_desk.config import ConfigError
from motcua_desk.domain.errors import (
    IllegalTransitionError,
    InvalidIdNumberError,
    MalformedIdCardQRError,
    RuleViolationError,
    ValidationFailedError,
)
from motcua_desk.ui import strings

CODES = [
    "auth_failed",
    "validation_failed",
    "malformed_id_card_qr",
    "invalid_id_number",
    "invalid_item_code",
    "invalid_dossier_code",
    "illegal_transition",
    "rule_violation",
    "known_storage_error",
    "storage_known_error",
    "sequence_exhausted",
    "font_missing",
    "config_error",
    "calendar_error",
    "print_failed",
]


@pytest.mark.parametrize("code", CODES)
def test_known_codes_have_specific_messages(code: str) -> None:
    message = strings.error_message(code, {})
    assert message
    assert code not in message  # a real sentence, not the generic fallback
    assert "…" not in message or code in {
        "config_error",
        "illegal_transition",
        "print_failed",
        "rule_violation",
    }


def test_unknown_code_falls_back_and_shows_code() -> None:
    assert "some_new_code" in strings.error_message("some_new_code")


def test_validation_failed_lists_each_field() -> None:
    exc = ValidationFailedError(
        {"applicant.full_name": "required", "applicant.phone": "invalid_phone"}
    )
    message = strings.exception_message(exc)
    assert "Họ và tên" in message
    assert "Số điện thoại không hợp lệ" in message


@pytest.mark.parametrize(
    ("reason", "fragment"),
    [
        ("length", "12 chữ số"),
        ("province", "mã tỉnh"),
        ("century", "thế kỷ"),
        ("zzz", "sai định dạng"),
    ],
)
def test_invalid_id_number_reasons(reason: str, fragment: str) -> None:
    assert fragment in strings.exception_message(InvalidIdNumberError(reason=reason))
    assert fragment in strings.field_error("applicant.id_number", f"invalid_id_number:{reason}")


@pytest.mark.parametrize(
    "reason", ["locked", "disk_full", "read_only", "corrupt", "not_a_database"]
)
def test_storage_reasons_are_distinct(reason: str) -> None:
    from motcua_desk.storage.errors import KnownStorageError

    message = strings.exception_message(KnownStorageError(reason))  # type: ignore[arg-type]
    assert message != strings.ERRORS["storage_known_error"]
    assert message in strings.STORAGE_REASONS.values()


@pytest.mark.parametrize(
    ("reason", "fragment"), [("field_count", "thiếu"), ("id_mismatch", "không khớp")]
)
def test_malformed_qr_reasons(reason: str, fragment: str) -> None:
    assert fragment in strings.exception_message(MalformedIdCardQRError(reason=reason))


def test_data_is_interpolated() -> None:
    assert "2" in strings.exception_message(IllegalTransitionError(current=2, target=10))
    assert "cutoff" in strings.exception_message(ConfigError(key="cutoff", value="x"))
    # A rule is worded, never shown by its code.
    assert "gia hạn một lần" in strings.exception_message(
        RuleViolationError(rule="second_extension")
    )
    assert "căn cước" in strings.exception_message(MalformedIdCardQRError(fields=3))


def test_plain_exceptions_get_the_generic_message() -> None:
    assert strings.exception_message(RuntimeError("boom")) == strings.UNEXPECTED_ERROR


@pytest.mark.parametrize(
    ("field", "code", "fragment"),
    [
        ("applicant.full_name", "required", "họ và tên"),
        ("checklist", "incomplete_checklist", "giấy tờ"),
        ("applicant.birth_date", "birth_date_mismatch", "Ngày sinh"),
        ("applicant.email", "invalid_email", "thư điện tử"),
        ("x", "never_heard_of", "never_heard_of"),
    ],
)
def test_field_errors(field: str, code: str, fragment: str) -> None:
    assert fragment in strings.field_error(field, code)


def test_fee_and_duration() -> None:
    assert strings.format_fee(None) == "Chưa rõ"
    assert strings.format_fee(0) == "Không thu phí"
    assert strings.format_fee(75000) == "75.000 đồng"
    assert strings.format_duration(5, "working_days") == "5 ngày làm việc"
    assert strings.format_duration(None, "same_day") == "Trong ngày"
    assert strings.format_duration(0, "working_days") == "Trong ngày"
    assert strings.format_duration(None, "working_days") == "Chưa rõ"


def test_levels_and_service_field_codes() -> None:
    assert strings.level_label("commune") == "Cấp xã"
    assert strings.level_label("province/commune") == "Cấp tỉnh, cấp xã"
    assert strings.level_label("Cấp huyện") == "Cấp huyện"
    for code in ("sex_mismatch", "future_date", "unknown_processing_time", "weak_password"):
        assert "Giá trị không hợp lệ" not in strings.field_error("x", code)


@pytest.mark.parametrize(
    "code",
    [
        "already_running",
        "schema_too_new",
        "unversioned_database",
        "migration_integrity",
        "backup_invalid",
        "account_locked",
        "nesting_too_deep",
        "audit_chain_broken",
        "catalogue_import",
        "read_only_unit_of_work",
    ],
)
def test_issue_14_codes_have_vietnamese_wording(code: str) -> None:
    message = strings.error_message(code, {"reason": "incomplete", "first_bad_id": 3})
    assert code not in message and message != strings.GENERIC_ERROR.format(code=code)


@pytest.mark.parametrize(
    "code", ["insecure_url", "hours_out_of_order", "control_chars", "too_long", "out_of_range"]
)
def test_issue_14_field_codes_have_vietnamese_wording(code: str) -> None:
    assert "Giá trị không hợp lệ (" not in strings.field_error("server_url", code)


def test_backup_reasons_are_spelled_out() -> None:
    assert "không phải bản dữ liệu đầy đủ" in strings.error_message(
        "backup_invalid", {"reason": "incomplete"}
    )
