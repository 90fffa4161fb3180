"""Return of results at the counter, satisfaction ratings and closed days (issue 5)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class ReturnRow(Base):
    """Who collected a dossier's result, what was paid and what was handed back."""

    __tablename__ = "dossier_returns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    clerk: Mapped[str] = mapped_column(String(64))
    collector_kind: Mapped[str] = mapped_column(String(16))  # applicant | proxy
    collector_name: Mapped[str] = mapped_column(Text)
    collector_id_number: Mapped[str] = mapped_column(String(32))
    verified_by: Mapped[str] = mapped_column(String(16))  # typed | id_card_qr
    authorisation: Mapped[str] = mapped_column(Text)
    fee_collected_vnd: Mapped[int] = mapped_column(Integer)
    fee_receipt_no: Mapped[str] = mapped_column(String(64))
    originals_returned: Mapped[str] = mapped_column(Text)  # canonical JSON list of names
    results: Mapped[str] = mapped_column(Text)  # canonical JSON list of result papers
    note: Mapped[str] = mapped_column(Text)


class RatingRow(Base):
    """A citizen's satisfaction rating of one dossier (criteria scored 2/1/0)."""

    __tablename__ = "dossier_ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    scores: Mapped[str] = mapped_column(Text)  # canonical JSON object criterion -> 0..2
    comment: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))  # counter | citizen_screen


class DayCloseRow(Base):
    """An office day closed by a supervisor; reopening keeps the row and records who and why."""

    __tablename__ = "day_closes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    closed: Mapped[bool] = mapped_column(Boolean)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by: Mapped[str] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)  # canonical JSON object of the counts
    note: Mapped[str] = mapped_column(Text)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by: Mapped[str | None] = mapped_column(String(64))
    reopen_reason: Mapped[str | None] = mapped_column(Text)
