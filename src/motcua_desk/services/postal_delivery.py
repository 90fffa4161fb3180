"""Postal rules added by issue 13 (QĐ 45/2016, QĐ 45/2016/QĐ-TTg, TT 17/2017/TT-BTTTT), kept apart from the scanning flow.

* one result in one batch: a result already in an open batch, or posted and not come back, is
  refused when scanned into another batch, and flagged again when a batch is closed;
* a result the citizen collects at the counter, or with no address to post it to, is flagged;
* failed delivery attempts (by default two, two working days apart, both settings) are
  recorded before the result goes back to the counter;
* on delivery, the fee the post collected and handed over is written on the item.
"""

from __future__ import annotations

from datetime import date

from motcua_desk.domain.dossier import Dossier, ReturnMethod
from motcua_desk.domain.fees import MAX_FEE_VND, MAX_RECEIPT_NO
from motcua_desk.domain.text import normalize
from motcua_desk.domain.workcalendar import WorkCalendar
from motcua_desk.storage.repositories.postal import PostalItem
from motcua_desk.storage.uow import UnitOfWork

#: An item whose result came back may be posted again; any other earlier item blocks it.
CAME_BACK = "returned_to_counter"


def posting_conflict(uow: UnitOfWork, dossier: Dossier, batch_id: int) -> str | None:
    """Why ``dossier``'s result cannot go into batch ``batch_id``: "in_other_batch" (another
    open batch holds it) or "already_posted" (a closed batch sent it and it has not come
    back); None when it is free."""
    assert dossier.id is not None
    for other in uow.postal.items_for_dossier(dossier.id):
        if other.batch_id == batch_id:
            continue
        if uow.postal.batch(other.batch_id).state == "open":
            return "in_other_batch"
        if other.outcome != CAME_BACK:
            return "already_posted"
    return None


def postal_address(dossier: Dossier) -> str:
    """Where the post takes the result: the return address, else the applicant's address."""
    return normalize(dossier.return_address) or normalize(dossier.applicant.address)


def address_problem(dossier: Dossier, *, counter_pickup_confirmed: bool) -> str | None:
    """ "no_postal_address" when there is nowhere to post to; "counter_pickup" when the citizen
    chose to collect at the counter and the clerk has not confirmed the posting."""
    if not postal_address(dossier):
        return "no_postal_address"
    if dossier.return_method is not ReturnMethod.POST and not counter_pickup_confirmed:
        return "counter_pickup"
    return None


def attempt_problem(
    item: PostalItem,
    last_attempt_on: date | None,
    today: date,
    calendar: WorkCalendar,
    *,
    max_attempts: int,
    gap_days: int,
) -> tuple[str, dict[str, object]] | None:
    """Why another failed attempt cannot be recorded today (reason, data), or None."""
    if item.attempts >= max_attempts:
        return "attempts_done", {"attempts": item.attempts}
    if last_attempt_on is not None:
        earliest = calendar.add_working_days(last_attempt_on, gap_days)
        if today < earliest:
            return "attempt_too_soon", {"earliest": earliest.isoformat()}
    return None


def check_fee(fee_vnd: int, receipt_no: str) -> dict[str, str]:
    """Field errors of the fee the post hands over on delivery."""
    if isinstance(fee_vnd, bool) or not isinstance(fee_vnd, int) or not 0 <= fee_vnd <= MAX_FEE_VND:
        return {"fee_collected_vnd": "out_of_range"}
    if len(receipt_no) > MAX_RECEIPT_NO:
        return {"fee_receipt_no": "out_of_range"}
    if fee_vnd > 0 and not receipt_no:
        return {"fee_receipt_no": "required"}
    return {}
