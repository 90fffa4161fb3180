"""Postal hand-over batches and items at the repository level (real migrated SQLite)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError

from motcua_desk.storage import NotFoundError, UnitOfWork

Factory = Callable[[], UnitOfWork]
AT = datetime(2026, 2, 12, 3, 0, tzinfo=UTC)
ICT = timezone(timedelta(hours=7))


def _batch(
    uow: UnitOfWork, code: str, direction: str = "results_out", signed_at: datetime | None = None
) -> int:
    b = uow.postal.create_batch(
        sync_id=str(uuid.uuid4()),
        code=code,
        direction=direction,
        at=AT,
        by="an",
        signed_at=signed_at,
    )
    return b.id


def test_items_get_positions_in_scan_order_and_survive_commit(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        bid = _batch(uow, "BC-X-260212-01")
        for n in range(3):
            uow.postal.add_item(bid, at=AT, dossier_code=f"D{n}")
        uow.commit()
    with uow_factory() as uow:
        items = uow.postal.items(bid)
        assert [(i.position, i.dossier_code) for i in items] == [(1, "D0"), (2, "D1"), (3, "D2")]
        assert [b.code for b in uow.postal.open_batches()] == ["BC-X-260212-01"]


def test_uncommitted_item_is_not_kept(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        bid = _batch(uow, "BC-X-260212-01")
        uow.commit()
    with uow_factory() as uow:
        uow.postal.add_item(bid, at=AT, item_code="RR123456785VN")
    with uow_factory() as uow:
        assert uow.postal.items(bid) == []
        assert uow.postal.item_by_code("RR123456785VN") is None


def test_signed_time_comes_back_in_utc(uow_factory: Factory) -> None:
    signed = datetime(2026, 2, 12, 8, 30, tzinfo=ICT)
    with uow_factory() as uow:
        bid = _batch(uow, "BC-X-260212-01", "dossiers_in", signed_at=signed)
        uow.commit()
    with uow_factory() as uow:
        b = uow.postal.batch(bid)
        assert b.signed_at == signed and b.signed_at.tzinfo == UTC
        assert b.direction == "dossiers_in" and b.state == "open"


def test_s10_number_is_unique_across_batches(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        a, b = _batch(uow, "BC-X-260212-01"), _batch(uow, "BC-X-260212-02")
        uow.postal.add_item(a, at=AT, item_code="RR123456785VN")
        uow.commit()
    with uow_factory() as uow, pytest.raises(IntegrityError):
        uow.postal.add_item(b, at=AT, item_code="RR123456785VN")


def test_close_and_outcomes_drive_awaiting_list(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        bid = _batch(uow, "BC-X-260212-01")
        first = uow.postal.add_item(bid, at=AT, dossier_code="D0", item_code="RR123456785VN")
        second = uow.postal.add_item(bid, at=AT, dossier_code="D1", item_code="RR158267802VN")
        uow.postal.close_batch(bid, at=AT, postal_unit="Bưu cục", postal_staff="Bưu tá")
        uow.commit()
    with uow_factory() as uow:
        assert uow.postal.open_batches() == []
        assert [b.id for b in uow.postal.batches_awaiting_outcome()] == [bid]
        uow.postal.set_outcome(first.id, "delivered", AT)
        uow.postal.set_outcome(second.id, "returned_to_counter", AT)
        uow.commit()
    with uow_factory() as uow:
        assert uow.postal.batches_awaiting_outcome() == []
        assert uow.postal.batch(bid).closed_at == AT
        assert uow.postal.item(second.id).outcome == "returned_to_counter"


def test_batch_count_by_prefix_and_missing_rows(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        _batch(uow, "BC-X-260212-01")
        _batch(uow, "BC-X-260212-02")
        _batch(uow, "BC-X-260213-01")
        uow.commit()
        assert uow.postal.count_batches_on("BC-X-260212-") == 2
        assert uow.postal.count_batches_on("BC-X-26021_-") == 0  # LIKE wildcards escaped
        with pytest.raises(NotFoundError):
            uow.postal.batch(9999)
        with pytest.raises(NotFoundError):
            uow.postal.item(9999)
