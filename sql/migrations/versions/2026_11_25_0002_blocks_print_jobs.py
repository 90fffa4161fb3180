"""Code blocks leased from the server, print ledger, dossiers.updated_at

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 06:45:00

Adds ``dossiers.updated_at`` (back-filled from ``received_at`` in SQL, then made NOT NULL
through a batch table rebuild), the ``code_blocks`` table for server-leased dossier-code
numbers and the ``print_jobs`` ledger.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE dossiers SET updated_at = received_at WHERE updated_at IS NULL")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=sa.DateTime(), nullable=False)

    op.create_table('code_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.String(length=64), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('first', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.Column('next_seq', sa.Integer(), nullable=False),
    sa.Column('leased_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_blocks')),
    sa.UniqueConstraint('agency_id', 'day', 'first', name=op.f('uq_code_blocks_agency_id'))
    )

    op.create_table('print_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=32), nullable=False),
    sa.Column('printer', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reprint_reason', sa.Text(), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_path', sa.Text(), nullable=False),
    sa.Column('clerk', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], name=op.f('fk_print_jobs_dossier_id_dossiers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_print_jobs'))
    )
    with op.batch_alter_table('print_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_print_jobs_dossier_id'), ['dossier_id'], unique=False)


def downgrade() -> None:
    op.drop_table("print_jobs")
    op.drop_table("code_blocks")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
