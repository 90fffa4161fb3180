"""Fees per dossier: when they are collected and what the counter checks (Luật Phí và lệ phí 97/2015/QH13).

Timing follows the values real provincial systems record per dossier: "Thu trước" (at intake),
"Thu sau" (at return), "Đối tượng miễn phí" (an exempt person, e.g. on-time birth registration,
Luật Hộ tịch Art. 11) and "Không thu phí" (the procedure has no fee). A fee paid at intake needs
its amount and the receipt number (NĐ 123/2020 Art. 30–32); the number format varies by
province and receipt provider, so only its length is checked.
"""

from __future__ import annotations

import enum

MAX_FEE_VND = 1_000_000_000
MAX_RECEIPT_NO = 64


class FeeTiming(enum.Enum):
    """When the dossier's fee is collected."""

    AT_INTAKE = "at_intake"  # Thu trước
    AT_RETURN = "at_return"  # Thu sau
    EXEMPT = "exempt"  # Đối tượng miễn phí
    NO_FEE = "no_fee"  # Không thu phí


def default_timing(fee_vnd: int | None, configured: str) -> FeeTiming:
    """The timing proposed for a new dossier: no fee when the catalogue says 0, else the
    unit's configured default (``Settings.default_fee_timing``)."""
    if fee_vnd == 0:
        return FeeTiming.NO_FEE
    return FeeTiming(configured)


def check_intake_fee(timing: FeeTiming, amount: int, receipt_no: str) -> dict[str, str]:
    """Field errors of the fee recorded at intake ({} when consistent).

    Paid at intake: a positive amount and a receipt number. Otherwise nothing is collected now,
    so an amount or a receipt number would be a mistake.
    """
    errors: dict[str, str] = {}
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 <= amount <= MAX_FEE_VND:
        return {"fee_paid_vnd": "out_of_range"}
    if len(receipt_no) > MAX_RECEIPT_NO:
        errors["fee_receipt_no"] = "out_of_range"
    if timing is FeeTiming.AT_INTAKE:
        if amount == 0:
            errors["fee_paid_vnd"] = "required"
        if not receipt_no:
            errors["fee_receipt_no"] = "required"
    elif amount or receipt_no:
        errors["fee_paid_vnd" if amount else "fee_receipt_no"] = "fee_not_due_now"
    return errors


def fee_due_at_return(
    timing: FeeTiming | None, fee_vnd: int | None, paid_vnd: int = 0
) -> int | None:
    """What the counter still collects when the result is handed back (None: unknown amount).

    ``None`` timing (a dossier recorded before fees were tracked) keeps the old behaviour: the
    catalogue amount is due at return. What was already paid (at a payment request, status 6)
    is deducted.
    """
    if timing in (FeeTiming.AT_INTAKE, FeeTiming.EXEMPT, FeeTiming.NO_FEE):
        return 0
    if fee_vnd is None:
        return None
    return max(0, fee_vnd - paid_vnd)
