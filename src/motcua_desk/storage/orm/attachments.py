"""Digitised papers: stored files (content-addressed) and what each checklist row points to."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class StoredFileRow(Base):
    """One file in the content-addressed store, once however often it is attached."""

    __tablename__ = "stored_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Upload to the provincial server: None until the server confirmed the whole file.
    uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AttachmentRow(Base):
    """The electronic copy (or the "shown only" mark) of one checklist row of a dossier."""

    __tablename__ = "dossier_attachments"
    __table_args__ = (Index("ix_dossier_attachments_row", "dossier_id", "position", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sync_id: Mapped[str] = mapped_column(String(36), unique=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    ocr_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    ocr_state: Mapped[str] = mapped_column(String(16))
    # The copy signed with the conversion mark (what the electronic dossier holds), if any.
    signed_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    paper_type: Mapped[str] = mapped_column(Text)
    number: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    digitised_by: Mapped[str] = mapped_column(String(64))
    digitised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reused_from: Mapped[str | None] = mapped_column(String(36))
    # Copied from the dossier so reuse by applicant ID is one indexed lookup.
    applicant_id_number: Mapped[str] = mapped_column(String(32), index=True)


class AttachmentHistoryRow(Base):
    """A row's copy that was replaced or removed after intake, kept with who did it, when and
    why (nothing saved is lost silently; its file stays in the store and in backups)."""

    __tablename__ = "attachment_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sync_id: Mapped[str] = mapped_column(String(36))
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    ocr_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    signed_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_files.sha256"))
    paper_type: Mapped[str] = mapped_column(Text)
    number: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    digitised_by: Mapped[str] = mapped_column(String(64))
    digitised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reused_from: Mapped[str | None] = mapped_column(String(36))
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_by: Mapped[str] = mapped_column(String(64))  # the clerk
    replacement_sync_id: Mapped[str | None] = mapped_column(String(36))  # None: removed
    reason: Mapped[str] = mapped_column(Text)
