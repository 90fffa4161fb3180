"""Public postal service hand-over batches and their items

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 07:52:08

A batch is one Biên bản giao nhận with the post (results going out, or dossiers coming in);
each scanned item is a row committed at once, so a crash or power cut loses no scan.
Migrations use SQL and ``op`` only, never the current ORM classes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "postal_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sync_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("postal_unit", sa.Text(), nullable=False),
        sa.Column("postal_staff", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postal_batches")),
        sa.UniqueConstraint("code", name=op.f("uq_postal_batches_code")),
        sa.UniqueConstraint("sync_id", name=op.f("uq_postal_batches_sync_id")),
    )
    with op.batch_alter_table("postal_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postal_batches_state"), ["state"], unique=False)

    op.create_table(
        "postal_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("dossier_code", sa.String(length=64), nullable=True),
        sa.Column("item_code", sa.String(length=13), nullable=True),
        sa.Column("scanned_at", sa.DateTime(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("outcome_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["postal_batches.id"],
            name=op.f("fk_postal_items_batch_id_postal_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_postal_items_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postal_items")),
        sa.UniqueConstraint("batch_id", "dossier_code", name=op.f("uq_postal_items_batch_id")),
        sa.UniqueConstraint("item_code", name=op.f("uq_postal_items_item_code")),
    )
    with op.batch_alter_table("postal_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_postal_items_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_postal_items_dossier_id"), ["dossier_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("postal_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postal_items_dossier_id"))
        batch_op.drop_index(batch_op.f("ix_postal_items_batch_id"))

    op.drop_table("postal_items")
    with op.batch_alter_table("postal_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postal_batches_state"))

    op.drop_table("postal_batches")
