"""Issue 13 §3: postal rules (one result in one batch, counter pickup flagged, lookup by item
number, delivery attempts and the fee handed over, incoming registration in one transaction,
closed day), against a real application context on a temporary SQLite file."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from motcua_desk.domain.dossier import Status
from motcua_desk.domain.errors import DayClosedError, RuleViolationError, ValidationFailedError
from motcua_desk.domain.postal import make_item_code
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.lookup import SearchCriteria
from motcua_desk.services.postal import PostalScanError
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.storage.repositories.postal import PostalRepository

from .conftest import HOA, push_to_server
from .test_postal import BY_POST, processed, reason

S10 = [make_item_code("RR", f"{n:08d}") for n in (31000001, 31000002, 31000003, 31000004)]


def ready(ctx, admin, draft: IntakeDraft) -> str:  # type: ignore[no-untyped-def]
    """A dossier whose result is back at the counter, through the real transitions."""
    d = ctx.reception.receive(draft, admin)
    ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
    ctx.lifecycle.result_received(d.id, admin)
    return str(d.code)


def test_one_result_in_one_open_batch(ctx, admin) -> None:  # type: ignore[no-untyped-def]
    (code,) = processed(ctx, admin, 1)
    first = ctx.postal.start_results_batch(admin)
    ctx.postal.scan(first.id, code, admin)
    ctx.postal.scan(first.id, S10[0], admin)
    second = ctx.postal.start_results_batch(admin)
    assert reason(ctx, second.id, code, admin) == "in_other_batch"
    ctx.postal.close_batch(
        first.id, admin, postal_unit="Bưu điện Hạc Thành", postal_staff="Phạm Văn Bưu"
    )
    assert reason(ctx, second.id, code, admin) == "already_posted"  # on its way to the citizen
    item = ctx.postal.items(first.id)[0]
    ctx.postal.record_outcome(item.id, "returned_to_counter", admin, note="Sai địa chỉ")
    ctx.postal.scan(second.id, code, admin)  # back at the counter: it may be posted again
    ctx.postal.scan(second.id, S10[1], admin)
    assert ctx.postal.discrepancies(second.id) == []


def test_a_result_already_in_two_batches_cannot_close_both(ctx, admin) -> None:  # type: ignore[no-untyped-def]
    (code,) = processed(ctx, admin, 1)
    first = ctx.postal.start_results_batch(admin)
    second = ctx.postal.start_results_batch(admin)
    d = ctx.reception.get_by_code(code)
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001 - rows written by the old release
        for batch, s10 in ((first, S10[0]), (second, S10[1])):
            item = uow.postal.add_item(batch.id, at=ctx.clock(), dossier_id=d.id, dossier_code=code)
            uow.postal.set_item_code(item.id, s10)
        uow.commit()
    assert [x.reason for x in ctx.postal.discrepancies(first.id)] == ["in_other_batch"]
    with pytest.raises(RuleViolationError):
        ctx.postal.close_batch(
            first.id, admin, postal_unit="Bưu điện Hạc Thành", postal_staff="Phạm Văn Bưu"
        )


def test_counter_pickup_is_flagged_and_can_be_confirmed(ctx, admin) -> None:  # type: ignore[no-untyped-def]
    code = ready(ctx, admin, IntakeDraft("1.014137", HOA))  # collects at the counter
    batch = ctx.postal.start_results_batch(admin)
    assert reason(ctx, batch.id, code, admin) == "counter_pickup"
    assert ctx.postal.items(batch.id) == []
    ctx.postal.scan(batch.id, code, admin, counter_pickup_confirmed=True)
    # No address at all: nowhere to post it, confirmed or not.
    bare = ready(ctx, admin, BY_POST)
    d = ctx.reception.get_by_code(bare)
    from dataclasses import replace

    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        uow.dossiers.update(
            replace(d, return_address="", applicant=replace(d.applicant, address=""))
        )
        uow.commit()
    ctx.postal.scan(batch.id, S10[0], admin)
    with pytest.raises(PostalScanError) as info:
        ctx.postal.scan(batch.id, bare, admin, counter_pickup_confirmed=True)
    assert info.value.data["reason"] == "no_postal_address"


def test_a_dossier_is_found_by_its_postal_item_number(ctx, admin) -> None:  # type: ignore[no-untyped-def]
    (code,) = processed(ctx, admin, 1)
    batch = ctx.postal.start_results_batch(admin)
    ctx.postal.scan(batch.id, code, admin)
    ctx.postal.scan(batch.id, S10[2], admin)
    found = ctx.lookup.open_by_code(S10[2])
    assert found is not None and found.dossier.code == code
    typed = ctx.lookup.open_by_code(" " + S10[2][:6].lower() + " " + S10[2][6:].lower())
    assert typed is not None and typed.dossier.code == code
    assert ctx.lookup.open_by_code(S10[3]) is None


def test_delivery_attempts_and_the_fee_handed_over(ctx, admin, clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    codes = [ready(ctx, admin, BY_POST) for _ in range(2)]
    batch = ctx.postal.start_results_batch(admin)
    for code, s10 in zip(codes, S10, strict=False):
        ctx.postal.scan(batch.id, code, admin)
        ctx.postal.scan(batch.id, s10, admin)
    ctx.postal.close_batch(
        batch.id, admin, postal_unit="Bưu điện Hạc Thành", postal_staff="Phạm Văn Bưu"
    )
    away, home = ctx.postal.items(batch.id)
    with pytest.raises(PostalScanError) as info:  # no attempt recorded, no reason given
        ctx.postal.record_outcome(away.id, "returned_to_counter", admin)
    assert info.value.data["reason"] == "attempts_missing"
    assert ctx.postal.record_attempt(away.id, admin, "Không có người nhận").attempts == 1
    with pytest.raises(PostalScanError) as info:  # Fri 27/10/2023: too soon
        ctx.postal.record_attempt(away.id, admin)
    assert info.value.data == {"reason": "attempt_too_soon", "earliest": "2023-10-31"}
    clock.now = clock.now + timedelta(days=4)  # Tue 31/10/2023: two working days later
    assert ctx.postal.record_attempt(away.id, admin, "Vắng nhà").attempts == 2
    with pytest.raises(PostalScanError) as info:
        ctx.postal.record_attempt(away.id, admin)
    assert info.value.data["reason"] == "attempts_done"
    back = ctx.postal.record_outcome(away.id, "returned_to_counter", admin)
    assert back.outcome == "returned_to_counter" and back.attempts == 2
    timeline = ctx.lookup.open_by_code(codes[0]).timeline
    assert [e.detail["number"] for e in timeline if e.kind == "postal_attempt_failed"] == [1, 2]

    with pytest.raises(ValidationFailedError):  # a fee without its receipt number
        ctx.postal.record_outcome(home.id, "delivered", admin, fee_collected_vnd=50_000)
    done = ctx.postal.record_outcome(
        home.id, "delivered", admin, fee_collected_vnd=50_000, fee_receipt_no="BL-0000321"
    )
    assert (done.value.fee_collected_vnd, done.value.fee_receipt_no) == (50_000, "BL-0000321")
    returned = [
        e for e in ctx.lookup.open_by_code(codes[1]).timeline if e.status_to is Status.RETURNED
    ]
    assert returned[-1].detail["fee_collected_vnd"] == 50_000
    push_to_server(ctx, tmp_path / "srv")  # postal.attempt and the rest are accepted


def test_incoming_registration_is_one_transaction(ctx, admin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    signed = datetime(2023, 10, 27, 14, 10, tzinfo=OFFICE_TZ)
    batch = ctx.postal.start_incoming_batch(admin, signed, "Phạm Văn Bưu")
    item = ctx.postal.scan(batch.id, S10[0], admin)

    def crash(self, item_id: int, dossier_id: int, dossier_code: str):  # type: ignore[no-untyped-def]
        raise OSError("power cut")

    monkeypatch.setattr(PostalRepository, "set_item_dossier", crash)
    with pytest.raises(OSError, match="power cut"):
        ctx.postal.register_incoming(item.id, IntakeDraft("1.014137", HOA), admin, ctx.reception)
    assert ctx.lookup.search(SearchCriteria()) == []
    assert ctx.postal.items(batch.id)[0].dossier_id is None
    monkeypatch.undo()
    d = ctx.postal.register_incoming(item.id, IntakeDraft("1.014137", HOA), admin, ctx.reception)
    assert ctx.postal.items(batch.id)[0].dossier_code == d.code
    with pytest.raises(PostalScanError):
        ctx.postal.register_incoming(item.id, IntakeDraft("1.014137", HOA), admin, ctx.reception)


def test_a_closed_day_takes_no_new_batch_or_scan(ctx, admin) -> None:  # type: ignore[no-untyped-def]
    (code,) = processed(ctx, admin, 1)
    batch = ctx.postal.start_results_batch(admin)
    today = ctx.clock().date()
    ctx.day_close.close(today, "admin", "mat-khau-2026", "", admin)
    with pytest.raises(DayClosedError):
        ctx.postal.scan(batch.id, code, admin)
    with pytest.raises(DayClosedError):
        ctx.postal.start_results_batch(admin)
    assert ctx.postal.items(batch.id) == [] and len(ctx.postal.open_batches()) == 1
