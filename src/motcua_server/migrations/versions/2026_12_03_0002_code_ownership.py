"""code ownership: leases looked up by unit and day, the gap list of unused leased numbers

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 10:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "code_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("first", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_code_gaps_device_id_devices")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_code_gaps_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_gaps")),
        sa.UniqueConstraint("unit_id", "day", "first", name="uq_code_gaps_unit_day"),
    )
    with op.batch_alter_table("code_leases", schema=None) as batch_op:
        batch_op.create_index("ix_code_leases_unit_day", ["unit_id", "day"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("code_leases", schema=None) as batch_op:
        batch_op.drop_index("ix_code_leases_unit_day")
    op.drop_table("code_gaps")
