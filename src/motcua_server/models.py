"""The server's own SQLAlchemy models (the desk database has a different schema)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Unit(Base):
    """An agency (đơn vị) with its e-ID; dossier codes are per unit and day."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[str] = mapped_column(String(35), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Device(Base):
    """A counter PC. Only hashes of the enrolment code and of the token are stored."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    enrol_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrol_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(default=False)
    # Token rotation: the token the device had before its last rotation stays valid until the
    # new one is first used, so a reply lost on the way cannot lock the counter out.
    prev_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rotate_requested: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Ed25519 public key (base64) that verifies the device's offline events files.
    offline_public_key: Mapped[str | None] = mapped_column(String(64))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("unit_id", "username", name="uq_users_unit_username"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    username: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)


class Procedure(Base):
    __tablename__ = "procedures"
    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class Holiday(Base):
    __tablename__ = "holidays"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))


class ChangeRow(Base):
    """Append-only change log; its id is the pull cursor. ``unit_id`` NULL = for every unit."""

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_unit_id_id", "unit_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    entity: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DossierRow(Base):
    __tablename__ = "dossiers"
    __table_args__ = (UniqueConstraint("unit_id", "code", name="uq_dossiers_unit_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    sync_id: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str] = mapped_column(String(60))
    provisional_code: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EventRow(Base):
    """Every pushed event with its outcome: the idempotency store and the dossier history."""

    __tablename__ = "events"
    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(50))
    aggregate_id: Mapped[str] = mapped_column(String(36), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    payload_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(2000))
    assigned_code: Mapped[str | None] = mapped_column(String(60))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SequenceRow(Base):
    """Next free number of a unit's daily dossier sequence."""

    __tablename__ = "sequences"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    next_seq: Mapped[int] = mapped_column(Integer)


class LeaseRow(Base):
    """A block of numbers handed to a device: who owns which final codes of a day."""

    __tablename__ = "code_leases"
    __table_args__ = (Index("ix_code_leases_unit_day", "unit_id", "day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    day: Mapped[date] = mapped_column(Date)
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RateLimitHit(Base):
    """One failed attempt counted against a key (``enrol:<address>``); shared by all workers."""

    __tablename__ = "rate_limit_hits"
    __table_args__ = (Index("ix_rate_limit_hits_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CodeGapRow(Base):
    """Leased numbers a device reported it will never use: the day's gaps for the ledger."""

    __tablename__ = "code_gaps"
    __table_args__ = (UniqueConstraint("unit_id", "day", "first", name="uq_code_gaps_unit_day"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    day: Mapped[date] = mapped_column(Date)
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BlobOwner(Base):
    """A digitised paper's file held for a unit (issue 15): only that unit's devices may fetch it.

    The bytes live behind the blob storage port (``motcua_server.blobs``), once per SHA-256
    however many units hold it.
    """

    __tablename__ = "blob_owners"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BlobRow(Base):
    """A file of the database blob store (``serve --blob-store db``): its upload state."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    received: Mapped[int] = mapped_column(BigInteger)
    complete: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class BlobChunkRow(Base):
    """The bytes of one accepted upload chunk of a file in the database blob store."""

    __tablename__ = "blob_chunks"
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ApplicantPaperRow(Base):
    """Index of a unit's digitised papers by applicant (reuse at intake, issue 15).

    One row per attachment and applicant ID it was sent with; filled from ``attachment.put`` /
    ``attachment.removed`` events in the transaction that stores them. ``event_id`` is the
    latest such put (its payload is the answer). The ID number is kept only as a hash
    (``motcua_server.papers.id_digest``). A removal seen before any put leaves a row with no
    hash (``removed`` true), so a late put cannot bring the paper back.
    """

    __tablename__ = "applicant_papers"
    __table_args__ = (
        UniqueConstraint(
            "unit_id", "attachment_id", "id_hash", name="uq_applicant_papers_attachment"
        ),
        Index("ix_applicant_papers_unit_hash", "unit_id", "id_hash"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    attachment_id: Mapped[str] = mapped_column(String(36))
    id_hash: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(36))
    removed: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
