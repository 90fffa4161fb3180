"""Procedure catalogue and the working-day calendar table."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ProcedureRow(Base):
    __tablename__ = "procedures"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    search_key: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(32))
    processing_days: Mapped[int | None] = mapped_column(Integer)
    time_unit: Mapped[str] = mapped_column(String(16))
    fee_vnd: Mapped[int | None] = mapped_column(Integer)
    required_documents: Mapped[str] = mapped_column(Text)  # JSON list of objects
    verified: Mapped[bool] = mapped_column(Boolean)
    same_day_cutoff: Mapped[bool] = mapped_column(Boolean)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean)


class CalendarDayRow(Base):
    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # holiday | substitute_day_off | makeup_workday
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(8))  # seed | admin
