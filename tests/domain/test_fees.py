"""Fees per dossier (domain.md §9): timing proposed, intake checks, what is due at return."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_desk.domain.fees import (
    MAX_FEE_VND,
    FeeTiming,
    check_intake_fee,
    default_timing,
    fee_due_at_return,
)


def test_default_timing() -> None:
    assert default_timing(0, "at_intake") is FeeTiming.NO_FEE
    assert default_timing(50_000, "at_intake") is FeeTiming.AT_INTAKE
    assert default_timing(None, "at_return") is FeeTiming.AT_RETURN
    with pytest.raises(ValueError, match="sometimes"):
        default_timing(1, "sometimes")


@pytest.mark.parametrize(
    ("timing", "amount", "receipt", "errors"),
    [
        (FeeTiming.AT_INTAKE, 50_000, "0001234", {}),
        (FeeTiming.AT_INTAKE, 0, "", {"fee_paid_vnd": "required", "fee_receipt_no": "required"}),
        (FeeTiming.AT_INTAKE, 50_000, "", {"fee_receipt_no": "required"}),
        (FeeTiming.AT_RETURN, 0, "", {}),
        (FeeTiming.EXEMPT, 10, "", {"fee_paid_vnd": "fee_not_due_now"}),
        (FeeTiming.NO_FEE, 0, "12", {"fee_receipt_no": "fee_not_due_now"}),
        (FeeTiming.AT_INTAKE, -1, "1", {"fee_paid_vnd": "out_of_range"}),
        (FeeTiming.AT_INTAKE, MAX_FEE_VND + 1, "1", {"fee_paid_vnd": "out_of_range"}),
        (FeeTiming.AT_INTAKE, True, "1", {"fee_paid_vnd": "out_of_range"}),
        (FeeTiming.AT_INTAKE, 1, "x" * 65, {"fee_receipt_no": "out_of_range"}),
    ],
)
def test_check_intake_fee(timing: FeeTiming, amount: int, receipt: str, errors: dict) -> None:  # type: ignore[type-arg]
    assert check_intake_fee(timing, amount, receipt) == errors


def test_fee_due_at_return() -> None:
    assert fee_due_at_return(FeeTiming.AT_INTAKE, 50_000) == 0
    assert fee_due_at_return(FeeTiming.EXEMPT, 50_000) == 0
    assert fee_due_at_return(FeeTiming.NO_FEE, None) == 0
    assert fee_due_at_return(FeeTiming.AT_RETURN, 50_000) == 50_000
    assert fee_due_at_return(FeeTiming.AT_RETURN, 50_000, 30_000) == 20_000
    assert fee_due_at_return(FeeTiming.AT_RETURN, 50_000, 80_000) == 0
    assert fee_due_at_return(None, 7_000) == 7_000  # recorded before fees were tracked
    assert fee_due_at_return(FeeTiming.AT_RETURN, None) is None


@given(
    st.sampled_from(list(FeeTiming)),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200),
)
def test_intake_fee_check_never_raises(timing: FeeTiming, amount: int, receipt: str) -> None:
    errors = check_intake_fee(timing, amount, receipt)
    assert set(errors) <= {"fee_paid_vnd", "fee_receipt_no"}
    if not errors and timing is FeeTiming.AT_INTAKE:
        assert 0 < amount <= MAX_FEE_VND and 0 < len(receipt) <= 64
