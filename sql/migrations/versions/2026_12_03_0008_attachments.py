"""Digitised papers: content-addressed stored files and the attachment of each checklist row

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:30:00

A file is stored once however often it is attached (keyed by SHA-256); an attachment row says how
a checklist row was digitised (scanned, imported, reused, or only shown) with the paper's
metadata (NĐ 107/2021, TT 01/2023/TT-VPCP). Migrations use SQL and ``op`` only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_stored_files")),
    )
    op.create_table(
        "dossier_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sync_id", sa.String(length=36), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("ocr_sha256", sa.String(length=64), nullable=True),
        sa.Column("ocr_state", sa.String(length=16), nullable=False),
        sa.Column("paper_type", sa.Text(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("digitised_by", sa.String(length=64), nullable=False),
        sa.Column("digitised_at", sa.DateTime(), nullable=False),
        sa.Column("reused_from", sa.String(length=36), nullable=True),
        sa.Column("applicant_id_number", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_dossier_attachments_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_sha256"],
            ["stored_files.sha256"],
            name=op.f("fk_dossier_attachments_file_sha256_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["ocr_sha256"],
            ["stored_files.sha256"],
            name=op.f("fk_dossier_attachments_ocr_sha256_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_attachments")),
        sa.UniqueConstraint("sync_id", name=op.f("uq_dossier_attachments_sync_id")),
    )
    op.create_index(
        "ix_dossier_attachments_row",
        "dossier_attachments",
        ["dossier_id", "position"],
        unique=True,
    )
    op.create_index(
        op.f("ix_dossier_attachments_applicant_id_number"),
        "dossier_attachments",
        ["applicant_id_number"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_dossier_attachments_applicant_id_number"), table_name="dossier_attachments"
    )
    op.drop_index("ix_dossier_attachments_row", table_name="dossier_attachments")
    op.drop_table("dossier_attachments")
    op.drop_table("stored_files")
