"""Postal hand-over batches: every scan is its own committed row, so nothing scanned is lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import NotFoundError
from ..orm import PostalAttemptRow, PostalBatchRow, PostalItemRow


@dataclass(frozen=True, slots=True)
class PostalBatch:
    id: int
    sync_id: str
    code: str
    direction: str  # "results_out" | "dossiers_in"
    state: str  # "open" | "closed"
    created_at: datetime
    created_by: str
    signed_at: datetime | None
    closed_at: datetime | None
    postal_unit: str
    postal_staff: str
    note: str


@dataclass(frozen=True, slots=True)
class PostalItem:
    id: int
    batch_id: int
    position: int
    dossier_id: int | None
    dossier_code: str | None
    item_code: str | None
    scanned_at: datetime
    outcome: str | None
    outcome_at: datetime | None
    fee_collected_vnd: int = 0  # handed over by the post after delivery
    fee_receipt_no: str = ""
    attempts: int = 0  # failed delivery attempts recorded


@dataclass(frozen=True, slots=True)
class PostalAttempt:
    item_id: int
    number: int
    at: datetime
    recorded_by: str
    note: str


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _batch(r: PostalBatchRow) -> PostalBatch:
    return PostalBatch(
        r.id,
        r.sync_id,
        r.code,
        r.direction,
        r.state,
        r.created_at.astimezone(UTC),
        r.created_by,
        _utc(r.signed_at),
        _utc(r.closed_at),
        r.postal_unit,
        r.postal_staff,
        r.note,
    )


def _item(r: PostalItemRow, attempts: int = 0) -> PostalItem:
    return PostalItem(
        r.id,
        r.batch_id,
        r.position,
        r.dossier_id,
        r.dossier_code,
        r.item_code,
        r.scanned_at.astimezone(UTC),
        r.outcome,
        _utc(r.outcome_at),
        r.fee_collected_vnd or 0,
        r.fee_receipt_no or "",
        attempts,
    )


class PostalRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def create_batch(
        self,
        *,
        sync_id: str,
        code: str,
        direction: str,
        at: datetime,
        by: str,
        signed_at: datetime | None = None,
        postal_unit: str = "",
        postal_staff: str = "",
    ) -> PostalBatch:
        row = PostalBatchRow(
            sync_id=sync_id,
            code=code,
            direction=direction,
            state="open",
            created_at=at,
            created_by=by,
            signed_at=signed_at,
            postal_unit=postal_unit,
            postal_staff=postal_staff,
            note="",
        )
        self._s.add(row)
        self._s.flush()
        return _batch(row)

    def _row(self, batch_id: int) -> PostalBatchRow:
        row = self._s.get(PostalBatchRow, batch_id)
        if row is None:
            raise NotFoundError(entity="postal_batch", id=batch_id)
        return row

    def batch(self, batch_id: int) -> PostalBatch:
        return _batch(self._row(batch_id))

    def open_batches(self) -> list[PostalBatch]:
        rows = self._s.scalars(
            select(PostalBatchRow).where(PostalBatchRow.state == "open").order_by(PostalBatchRow.id)
        )
        return [_batch(r) for r in rows]

    def batches_awaiting_outcome(self) -> list[PostalBatch]:
        """Closed result batches with an item whose delivery outcome is not recorded yet."""
        waiting = select(PostalItemRow.batch_id).where(PostalItemRow.outcome.is_(None)).distinct()
        rows = self._s.scalars(
            select(PostalBatchRow)
            .where(
                PostalBatchRow.state == "closed",
                PostalBatchRow.direction == "results_out",
                PostalBatchRow.id.in_(waiting),
            )
            .order_by(PostalBatchRow.id)
        )
        return [_batch(r) for r in rows]

    def count_batches_on(self, prefix: str) -> int:
        return int(
            self._s.scalar(
                select(func.count()).where(PostalBatchRow.code.startswith(prefix, autoescape=True))
            )
            or 0
        )

    def close_batch(
        self, batch_id: int, *, at: datetime, postal_unit: str, postal_staff: str
    ) -> PostalBatch:
        row = self._row(batch_id)
        row.state = "closed"
        row.closed_at = at
        row.postal_unit = postal_unit
        row.postal_staff = postal_staff
        self._s.flush()
        return _batch(row)

    def _attempt_counts(self, item_ids: list[int]) -> dict[int, int]:
        if not item_ids:
            return {}
        rows = self._s.execute(
            select(PostalAttemptRow.item_id, func.count())
            .where(PostalAttemptRow.item_id.in_(item_ids))
            .group_by(PostalAttemptRow.item_id)
        )
        return {int(item_id): int(n) for item_id, n in rows}

    def _items(self, rows: list[PostalItemRow]) -> list[PostalItem]:
        counts = self._attempt_counts([r.id for r in rows])
        return [_item(r, counts.get(r.id, 0)) for r in rows]

    def items(self, batch_id: int) -> list[PostalItem]:
        rows = self._s.scalars(
            select(PostalItemRow)
            .where(PostalItemRow.batch_id == batch_id)
            .order_by(PostalItemRow.position)
        )
        return self._items(list(rows))

    def add_item(
        self,
        batch_id: int,
        *,
        at: datetime,
        dossier_id: int | None = None,
        dossier_code: str | None = None,
        item_code: str | None = None,
    ) -> PostalItem:
        position = (
            self._s.scalar(
                select(func.max(PostalItemRow.position)).where(PostalItemRow.batch_id == batch_id)
            )
            or 0
        ) + 1
        row = PostalItemRow(
            batch_id=batch_id,
            position=position,
            dossier_id=dossier_id,
            dossier_code=dossier_code,
            item_code=item_code,
            scanned_at=at,
        )
        self._s.add(row)
        self._s.flush()
        return _item(row)

    def _item_row(self, item_id: int) -> PostalItemRow:
        row = self._s.get(PostalItemRow, item_id)
        if row is None:
            raise NotFoundError(entity="postal_item", id=item_id)
        return row

    def set_item_code(self, item_id: int, item_code: str) -> PostalItem:
        row = self._item_row(item_id)
        row.item_code = item_code
        self._s.flush()
        return _item(row)

    def set_item_dossier(self, item_id: int, dossier_id: int, dossier_code: str) -> PostalItem:
        row = self._item_row(item_id)
        row.dossier_id = dossier_id
        row.dossier_code = dossier_code
        self._s.flush()
        return _item(row)

    def set_outcome(
        self,
        item_id: int,
        outcome: str,
        at: datetime,
        *,
        fee_collected_vnd: int = 0,
        fee_receipt_no: str = "",
    ) -> PostalItem:
        row = self._item_row(item_id)
        row.outcome = outcome
        row.outcome_at = at
        row.fee_collected_vnd = fee_collected_vnd
        row.fee_receipt_no = fee_receipt_no
        self._s.flush()
        return self.item(item_id)

    def item(self, item_id: int) -> PostalItem:
        return self._items([self._item_row(item_id)])[0]

    def item_by_code(self, item_code: str) -> PostalItem | None:
        row = self._s.scalars(
            select(PostalItemRow).where(PostalItemRow.item_code == item_code)
        ).one_or_none()
        return None if row is None else self._items([row])[0]

    def items_for_dossier(self, dossier_id: int) -> list[PostalItem]:
        rows = self._s.scalars(
            select(PostalItemRow)
            .where(PostalItemRow.dossier_id == dossier_id)
            .order_by(PostalItemRow.id)
        )
        return self._items(list(rows))

    def add_attempt(self, item_id: int, *, at: datetime, by: str, note: str) -> PostalAttempt:
        """Record the next failed delivery attempt of the item (numbered from 1)."""
        number = (
            self._s.scalar(
                select(func.max(PostalAttemptRow.number)).where(PostalAttemptRow.item_id == item_id)
            )
            or 0
        ) + 1
        row = PostalAttemptRow(item_id=item_id, number=number, at=at, recorded_by=by, note=note)
        self._s.add(row)
        self._s.flush()
        return PostalAttempt(item_id, number, at.astimezone(UTC), by, note)

    def attempts(self, item_id: int) -> list[PostalAttempt]:
        rows = self._s.scalars(
            select(PostalAttemptRow)
            .where(PostalAttemptRow.item_id == item_id)
            .order_by(PostalAttemptRow.number)
        )
        return [
            PostalAttempt(r.item_id, r.number, r.at.astimezone(UTC), r.recorded_by, r.note)
            for r in rows
        ]
