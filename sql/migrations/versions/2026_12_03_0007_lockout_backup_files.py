"""Login lockout counters and the files a backup carries besides the database

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:30:00

``users.failed_logins`` counts wrong passwords since the last good one; ``users.locked_at`` is
set when the count reaches the limit, and only a supervisor's unlock clears it (issue 14 §5).
``backup_files`` is empty in the live database; a backup copy holds settings.toml in it, so a
restore brings back the whole counter (issue 14 §3).
Migrations use SQL and ``op`` only, never the current ORM classes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_at", sa.DateTime(), nullable=True))
    op.create_table(
        "backup_files",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_backup_files")),
    )


def downgrade() -> None:
    op.drop_table("backup_files")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_at")
        batch_op.drop_column("failed_logins")
