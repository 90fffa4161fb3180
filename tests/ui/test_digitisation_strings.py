"""Every digitisation error code and file-refusal reason has Vietnamese wording."""

from __future__ import annotations

import pytest

from motcua_desk.imaging import errors as imaging_errors
from motcua_desk.ui import strings

CODES = sorted(
    {
        cls.code
        for cls in vars(imaging_errors).values()
        if isinstance(cls, type)
        and issubclass(cls, Exception)
        and cls.__module__ == imaging_errors.__name__
    }
    | {
        "digitisation_error",
        "digitisation_invalid_metadata",
        "digitisation_page_operation",
        "digitisation_no_pages",
        "digitisation_not_received",
        "digitisation_metadata_required",
        "file_store_error",
    }
)


@pytest.mark.parametrize("code", CODES)
def test_codes_are_worded(code: str) -> None:
    assert strings.error_message(code, {}) != strings.GENERIC_ERROR.format(code=code)


@pytest.mark.parametrize("reason", sorted(strings.FILE_REASONS))
def test_file_refusal_reasons_are_worded(reason: str) -> None:
    message = strings.exception_message(imaging_errors.FileRefusedError(reason=reason))
    assert strings.FILE_REASONS[reason] in message and reason not in message


def test_a_required_field_is_named_in_vietnamese() -> None:
    from motcua_desk.domain.digitisation import MetadataRequiredError

    message = strings.exception_message(MetadataRequiredError(field="issued_on"))
    assert "“Ngày cấp”" in message and "issued_on" not in message


@pytest.mark.parametrize("code", ["invalid_ocr_language", "unknown_metadata_field"])
def test_scanner_setting_errors_are_worded(code: str) -> None:
    assert strings.field_error("ocr_language", code) != "Giá trị không hợp lệ (" + code + ")."
