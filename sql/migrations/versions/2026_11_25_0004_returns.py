"""Return of results, satisfaction ratings, closed days and the status board index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 09:05:32

One return row and at most one rating per dossier; a closed day keeps its row when a supervisor
reopens it. The board reads open dossiers by (status, due_at) and refreshes by updated_at; reports read
by returned_at.
Migrations use SQL and ``op`` only, never the current ORM classes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "day_closes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.Column("closed_by", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reopened_at", sa.DateTime(), nullable=True),
        sa.Column("reopened_by", sa.String(length=64), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_closes")),
        sa.UniqueConstraint("day", name=op.f("uq_day_closes_day")),
    )
    op.create_table(
        "dossier_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("scores", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_dossier_ratings_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_ratings")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_dossier_ratings_dossier_id")),
    )
    op.create_table(
        "dossier_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("clerk", sa.String(length=64), nullable=False),
        sa.Column("collector_kind", sa.String(length=16), nullable=False),
        sa.Column("collector_name", sa.Text(), nullable=False),
        sa.Column("collector_id_number", sa.String(length=32), nullable=False),
        sa.Column("verified_by", sa.String(length=16), nullable=False),
        sa.Column("authorisation", sa.Text(), nullable=False),
        sa.Column("fee_collected_vnd", sa.Integer(), nullable=False),
        sa.Column("fee_receipt_no", sa.String(length=64), nullable=False),
        sa.Column("originals_returned", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_dossier_returns_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_returns")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_dossier_returns_dossier_id")),
    )
    with op.batch_alter_table("dossier_returns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_returns_at"), ["at"], unique=False)

    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.create_index("ix_dossiers_board", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossiers_returned_at"), ["returned_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_dossiers_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossiers_updated_at"))
        batch_op.drop_index(batch_op.f("ix_dossiers_returned_at"))
        batch_op.drop_index("ix_dossiers_board")

    with op.batch_alter_table("dossier_returns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_returns_at"))

    op.drop_table("dossier_returns")
    op.drop_table("dossier_ratings")
    op.drop_table("day_closes")
