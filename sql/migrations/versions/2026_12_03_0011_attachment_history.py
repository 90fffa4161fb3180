"""Digitised papers replaced or removed after intake: the previous copy kept with who, when, why

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:30:00

A clerk who replaces a wrong scan from the lookup page does not lose the old one: its row moves
here (the file itself stays in the content-addressed store and in backups). Migrations use SQL
and ``op`` only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "attachment_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sync_id", sa.String(length=36), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("ocr_sha256", sa.String(length=64), nullable=True),
        sa.Column("signed_sha256", sa.String(length=64), nullable=True),
        sa.Column("paper_type", sa.Text(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("digitised_by", sa.String(length=64), nullable=False),
        sa.Column("digitised_at", sa.DateTime(), nullable=False),
        sa.Column("reused_from", sa.String(length=36), nullable=True),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.Column("replaced_by", sa.String(length=64), nullable=False),
        sa.Column("replacement_sync_id", sa.String(length=36), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_attachment_history_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_sha256"],
            ["stored_files.sha256"],
            name=op.f("fk_attachment_history_file_sha256_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["ocr_sha256"],
            ["stored_files.sha256"],
            name=op.f("fk_attachment_history_ocr_sha256_stored_files"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_sha256"],
            ["stored_files.sha256"],
            name=op.f("fk_attachment_history_signed_sha256_stored_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_history")),
    )
    op.create_index(
        op.f("ix_attachment_history_dossier_id"),
        "attachment_history",
        ["dossier_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_attachment_history_dossier_id"), table_name="attachment_history")
    op.drop_table("attachment_history")
