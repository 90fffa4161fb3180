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
    | {
        InvalidOriginError.code,
        "signed_file_missing",
        "signature_missing",
        "signing_tsa_not_configured",
    }
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


def test_module_path_that_does_not_exist_is_named_in_vietnamese(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.signing.drivers import KNOWN_MODULES
    from motcua_desk.signing.pkcs11_token import Pkcs11Tokens

    missing = str(tmp_path / "vnptca_p11_v8.dll")
    with pytest.raises(e.TokenModuleError) as info:
        Pkcs11Tokens(lambda: None).tokens(missing)  # type: ignore[arg-type, return-value]
    message = strings.exception_message(info.value)
    assert f"Không có tệp trình điều khiển chữ ký số (PKCS#11) “{missing}” trên máy này" in message
    assert "chưa được cài" in message
    unset = strings.exception_message(e.TokenModuleError(module="", reason="not_configured"))
    assert unset.startswith("Chưa chọn trình điều khiển")
    broken = tmp_path / "broken.so"
    broken.write_bytes(b"not a library")
    with pytest.raises(e.TokenModuleError) as info:
        Pkcs11Tokens(lambda: None).tokens(str(broken))  # type: ignore[arg-type, return-value]
    assert strings.exception_message(info.value).startswith("Không nạp được trình điều khiển")
    # Every suggested path says where it comes from (docs/signing.md lists them).
    assert all(m.vendor and m.path for m in KNOWN_MODULES)


def test_upgrade_results_are_worded() -> None:
    from motcua_desk.ui.screens.signing.controller import upgrade_text

    assert upgrade_text((0, None))[0] == "Không có chữ ký nào cần bổ sung dấu thời gian."
    assert upgrade_text((2, None)) == ("Đã bổ sung dấu thời gian cho 2 chữ ký.", "info")
    text, kind = upgrade_text((1, "signing_failed"))
    assert text.startswith("Đã bổ sung dấu thời gian cho 1 chữ ký; còn chữ ký chưa bổ sung")
    assert kind == "warning"
    text, _ = upgrade_text((0, "signing_tsa_not_configured"))
    assert "máy chủ cấp dấu thời gian" in text
