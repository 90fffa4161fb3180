"""Fees per dossier and postal delivery attempts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:40:00

A dossier records when its fee is collected (at intake, at return, exempt person, no fee) and,
when paid at intake, the amount and the receipt number. A postal result item records the fee the
post collected and handed over, and every failed delivery attempt (two, two working days apart,
before the result goes back to the agency: QĐ 45/2016).
Migrations use SQL and ``op`` only, never the current ORM classes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee_timing", sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column("fee_paid_vnd", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("fee_receipt_no", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("postal_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fee_collected_vnd", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("fee_receipt_no", sa.String(length=64), nullable=False, server_default="")
        )
    op.create_table(
        "postal_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["postal_items.id"],
            name=op.f("fk_postal_attempts_item_id_postal_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postal_attempts")),
        sa.UniqueConstraint("item_id", "number", name=op.f("uq_postal_attempts_item_id")),
    )


def downgrade() -> None:
    op.drop_table("postal_attempts")
    with op.batch_alter_table("postal_items", schema=None) as batch_op:
        batch_op.drop_column("fee_receipt_no")
        batch_op.drop_column("fee_collected_vnd")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("fee_receipt_no")
        batch_op.drop_column("fee_paid_vnd")
        batch_op.drop_column("fee_timing")
