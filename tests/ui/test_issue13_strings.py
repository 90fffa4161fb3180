"""Issue 13: every new error code, rule and postal reason has Vietnamese wording."""

from __future__ import annotations

import pytest

from motcua_desk.domain.errors import RuleViolationError, ValidationFailedError
from motcua_desk.services.postal import PostalScanError
from motcua_desk.ui import strings


@pytest.mark.parametrize("reason", sorted(strings.POSTAL_SCAN_REASONS))
def test_postal_reasons_are_worded(reason: str) -> None:
    text = strings.exception_message(
        PostalScanError(
            reason=reason, attempts=1, required=2, earliest="2023-10-31", dossier_code="X"
        )
    )
    assert reason not in text and "mã lỗi" not in text
    assert "2023-10-31" not in text  # dates are shown dd/mm/yyyy


@pytest.mark.parametrize("rule", sorted(strings.RULES))
def test_rules_are_worded(rule: str) -> None:
    text = strings.exception_message(RuleViolationError(rule=rule))
    assert rule not in text and text != strings.ERRORS["rule_violation"]


def test_new_fields_and_field_errors() -> None:
    text = strings.exception_message(
        ValidationFailedError(
            {
                "fee_paid_vnd": "fee_not_due_now",
                "papers_returned": "unknown_paper",
                "amount_vnd": "required",
            }
        )
    )
    assert "Số tiền thu khi tiếp nhận" in text and "không thu phí khi tiếp nhận" in text
    assert "Giấy tờ trả lại" in text and "chưa nhập số tiền" in text.lower()
    assert "attempt_too_soon" not in strings.exception_message(
        PostalScanError(reason="attempt_too_soon", earliest="2023-10-31")
    )
    assert "31/10/2023" in strings.exception_message(
        PostalScanError(reason="attempt_too_soon", earliest="2023-10-31")
    )
