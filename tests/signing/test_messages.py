"""Every signing error code has its own Vietnamese message, using its data."""

from __future__ import annotations

import inspect

import pytest

from motcua_desk.signing import errors as e
from motcua_desk.storage.repositories.signed_documents import InvalidOriginError
from motcua_desk.ui import strings

CODES = sorted(
    {
        cls.code
        for _, cls in inspect.getmembers(e, inspect.isclass)
        if issubclass(cls, e.SigningError)
    }
    | {InvalidOriginError.code, "signed_file_missing", "signature_missing"}
)


DATA = {
    "certificate_expired": {"not_after": "2026-03-01T02:00:00+00:00"},
    "certificate_not_yet_valid": {"not_before": "2027-01-05T00:00:00+00:00"},
}


@pytest.mark.parametrize("code", CODES)
def test_each_code_has_a_sentence(code: str) -> None:
    message = strings.error_message(code, DATA.get(code, {}))
    assert code not in message and "…" not in message
    assert message == message.strip() and len(message) > 20


def test_pin_tries_and_dates_are_worded() -> None:
    final = strings.exception_message(e.PinIncorrectError(tries="final"))
    assert "lần thử cuối cùng" in final
    low = strings.exception_message(e.PinIncorrectError(tries="low"))
    assert "ít lần thử" in low
    expired = strings.exception_message(
        e.CertificateExpiredError(not_after="2026-03-01T02:00:00+00:00")
    )
    assert "01/03/2026 09:00" in expired  # office time
    future = strings.exception_message(
        e.CertificateNotYetValidError(not_before="2027-01-05T00:00:00+00:00")
    )
    assert "05/01/2027 07:00" in future
    module = strings.exception_message(e.TokenModuleError(module="C:\\vnpt.dll", reason="missing"))
    assert "“C:\\vnpt.dll”" in module
    assert "“clerk”" in strings.exception_message(e.TokenAbsentError(token="clerk"))
