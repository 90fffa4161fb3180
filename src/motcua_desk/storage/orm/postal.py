"""Public postal service hand-over batches and their items (issue 6)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class PostalBatchRow(Base):
    __tablename__ = "postal_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sync_id: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    direction: Mapped[str] = mapped_column(String(16))  # results_out | dossiers_in
    state: Mapped[str] = mapped_column(String(16), index=True)  # open | closed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    postal_unit: Mapped[str] = mapped_column(Text, default="")
    postal_staff: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class PostalItemRow(Base):
    __tablename__ = "postal_items"
    __table_args__ = (UniqueConstraint("batch_id", "dossier_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("postal_batches.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    dossier_code: Mapped[str | None] = mapped_column(String(64))
    item_code: Mapped[str | None] = mapped_column(String(13), unique=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(24))  # delivered | returned_to_counter
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The fee the post collected from the citizen on delivery and handed over (QĐ 45/2016).
    fee_collected_vnd: Mapped[int] = mapped_column(Integer, server_default="0")
    fee_receipt_no: Mapped[str] = mapped_column(String(64), server_default="")


class PostalAttemptRow(Base):
    """A failed delivery attempt of a result item (two, two working days apart)."""

    __tablename__ = "postal_attempts"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("postal_items.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, ...
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
