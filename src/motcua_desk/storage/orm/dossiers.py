"""Dossiers, their checklist rows and their timeline."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime


class DossierRow(Base):
    __tablename__ = "dossiers"
    # The status board selects open dossiers by status, in order of due time.
    __table_args__ = (Index("ix_dossiers_board", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sync_id: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    agency_id: Mapped[str] = mapped_column(String(64))
    procedure_code: Mapped[str] = mapped_column(String(64), index=True)
    procedure_name: Mapped[str] = mapped_column(Text)
    # Applicant (owner of the dossier); search_key is casefolded and diacritic-free.
    applicant_name: Mapped[str] = mapped_column(Text)
    applicant_search_key: Mapped[str] = mapped_column(Text, index=True)
    applicant_id_number: Mapped[str] = mapped_column(String(32), index=True)
    applicant_birth_date: Mapped[date | None] = mapped_column(Date)
    applicant_sex: Mapped[str | None] = mapped_column(String(8))
    applicant_phone: Mapped[str] = mapped_column(String(32), index=True)
    applicant_email: Mapped[str] = mapped_column(Text)
    applicant_address: Mapped[str] = mapped_column(Text)
    applicant_kind: Mapped[int] = mapped_column(Integer)
    # Submitter (proxy or service) when not the applicant; all None when absent.
    submitter_name: Mapped[str | None] = mapped_column(Text)
    submitter_id_number: Mapped[str | None] = mapped_column(String(32))
    submitter_birth_date: Mapped[date | None] = mapped_column(Date)
    submitter_sex: Mapped[str | None] = mapped_column(String(8))
    submitter_phone: Mapped[str | None] = mapped_column(String(32))
    submitter_email: Mapped[str | None] = mapped_column(Text)
    submitter_address: Mapped[str | None] = mapped_column(Text)
    submitter_kind: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[int] = mapped_column(Integer, index=True)
    channel: Mapped[int] = mapped_column(Integer)
    return_method: Mapped[str] = mapped_column(String(16))
    return_address: Mapped[str] = mapped_column(Text)
    sets_count: Mapped[int] = mapped_column(Integer)
    fee_vnd: Mapped[int | None] = mapped_column(Integer)
    clerk_username: Mapped[str] = mapped_column(String(64))
    regime: Mapped[str] = mapped_column(String(16))
    provisional_code: Mapped[bool] = mapped_column(Boolean)
    # The code on the citizen's slip when the server assigned another (lookup finds both).
    issued_code: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    note: Mapped[str] = mapped_column(Text)
    extensions: Mapped[int] = mapped_column(Integer)
    supplement_requests: Mapped[int] = mapped_column(Integer)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    fee_timing: Mapped[str | None] = mapped_column(String(16))  # domain.fees.FeeTiming
    fee_paid_vnd: Mapped[int] = mapped_column(Integer, server_default="0")  # paid at intake
    fee_receipt_no: Mapped[str] = mapped_column(String(64), server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # board refresh

    checklist: Mapped[list[ChecklistRow]] = relationship(
        order_by="ChecklistRow.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class ChecklistRow(Base):
    __tablename__ = "dossier_checklist"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    form: Mapped[str] = mapped_column(String(16))
    copies: Mapped[int] = mapped_column(Integer)
    required: Mapped[bool] = mapped_column(Boolean)
    received: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text)


class DossierEventRow(Base):
    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    status_from: Mapped[int | None] = mapped_column(Integer)
    status_to: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON object
