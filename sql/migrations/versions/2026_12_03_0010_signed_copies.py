"""Digitised papers: the copy signed with the conversion mark

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 16:30:00

Each checklist row's electronic copy may point to the copy signed with the clerk's conversion
mark (Luật Giao dịch điện tử 2023 Art. 12); that copy is what is shown and sent to the server.
Migrations use SQL and ``op`` only.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossier_attachments") as batch:
        batch.add_column(sa.Column("signed_sha256", sa.String(length=64), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_dossier_attachments_signed_sha256_stored_files"),
            "stored_files",
            ["signed_sha256"],
            ["sha256"],
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier_attachments") as batch:
        batch.drop_constraint(
            batch.f("fk_dossier_attachments_signed_sha256_stored_files"), type_="foreignkey"
        )
        batch.drop_column("signed_sha256")
