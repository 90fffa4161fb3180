"""Dossier codes: the code first printed when the server assigned another; released code blocks

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:55:00

``dossiers.issued_code`` keeps the code on the citizen's slip (a provisional code, or a final code
the server did not confirm) once the server's code replaces it, so a lookup by either code finds
the dossier. ``code_blocks.released_at`` marks leased numbers reported back to the server as
never to be used (the ledger's gap list). Migrations use SQL and ``op`` only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issued_code", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_dossiers_issued_code"), ["issued_code"], unique=False)
    with op.batch_alter_table("code_blocks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("released_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("code_blocks", schema=None) as batch_op:
        batch_op.drop_column("released_at")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossiers_issued_code"))
        batch_op.drop_column("issued_code")
