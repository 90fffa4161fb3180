"""Signed documents and documents waiting for the clerk's token ("chờ ký")

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 13:40:00

One row per document to sign (a form the unit signs, or a digitised paper with its conversion
mark); the same bytes of the same type are one row. Migrations use SQL and ``op`` only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signed_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("doc_type", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("last_error", sa.String(length=64), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("signed_by", sa.String(length=64), nullable=True),
        sa.Column("signer_name", sa.Text(), nullable=True),
        sa.Column("signer_cert_sha256", sa.String(length=64), nullable=True),
        sa.Column("level", sa.String(length=8), nullable=True),
        sa.Column("signed_path", sa.Text(), nullable=True),
        sa.Column("signed_sha256", sa.String(length=64), nullable=True),
        sa.Column("converted_by", sa.String(length=64), nullable=True),
        sa.Column("converted_at", sa.DateTime(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_signed_documents_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_documents")),
        sa.UniqueConstraint(
            "doc_type", "source_sha256", name=op.f("uq_signed_documents_doc_type")
        ),
    )
    with op.batch_alter_table("signed_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signed_documents_dossier_id"), ["dossier_id"], unique=False
        )
        batch_op.create_index("ix_signed_documents_state", ["state", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("signed_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_signed_documents_state")
        batch_op.drop_index(batch_op.f("ix_signed_documents_dossier_id"))
    op.drop_table("signed_documents")
