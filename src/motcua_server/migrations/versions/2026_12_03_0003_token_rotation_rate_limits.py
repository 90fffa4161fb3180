"""token rotation, offline file keys, rate limits in the database

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("token_issued_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("rotate_requested", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("offline_public_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_devices_prev_token_hash"), ["prev_token_hash"]
        )
    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hits")),
    )
    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.create_index("ix_rate_limit_hits_key_at", ["key", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("rate_limit_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_limit_hits_key_at")
    op.drop_table("rate_limit_hits")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_devices_prev_token_hash"), type_="unique")
        batch_op.drop_column("offline_public_key")
        batch_op.drop_column("rotate_requested")
        batch_op.drop_column("token_issued_at")
        batch_op.drop_column("prev_token_hash")
