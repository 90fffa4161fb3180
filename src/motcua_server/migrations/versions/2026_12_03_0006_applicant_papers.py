"""Index of an applicant's digitised papers per unit (reuse at intake, issue 15)

Replaces a scan of every ``attachment.put`` event of the unit at each lookup. Backfilled from the
accepted events, unit by unit, oldest first, by the rules of ``motcua_server.papers.record``
(the ID number kept only as a SHA-256 with the same prefix as ``papers.id_digest``).

Revision ID: 0006_applicant_papers
Revises: 0005_blob_store
Create Date: 2026-12-03 16:40:00
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006_applicant_papers"
down_revision = "0005_blob_store"
branch_labels = None
depends_on = None

_DOMAIN = b"motcua applicant id\x00"  # = motcua_server.papers._DOMAIN
_SHA = re.compile(r"^[0-9a-f]{64}$")

events = sa.table(
    "events",
    sa.column("event_id", sa.String),
    sa.column("unit_id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("aggregate_id", sa.String),
    sa.column("payload", sa.JSON),
    sa.column("status", sa.String),
    sa.column("received_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    papers = op.create_table(
        "applicant_papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.String(length=36), nullable=False),
        sa.Column("id_hash", sa.String(length=64), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_applicant_papers_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicant_papers")),
        sa.UniqueConstraint(
            "unit_id", "attachment_id", "id_hash", name="uq_applicant_papers_attachment"
        ),
    )
    with op.batch_alter_table("applicant_papers", schema=None) as batch_op:
        batch_op.create_index("ix_applicant_papers_unit_hash", ["unit_id", "id_hash"])
    assert papers is not None
    _backfill(papers)


def _backfill(papers: sa.Table) -> None:
    conn = op.get_bind()
    kinds = ("attachment.put", "attachment.removed")
    units = conn.execute(
        sa.select(events.c.unit_id).where(events.c.kind.in_(kinds)).distinct()
    ).scalars()
    now = datetime.now(UTC)
    for unit_id in list(units):
        rows: dict[tuple[str, str | None], dict[str, Any]] = {}  # insertion order = paper order
        removed: set[str] = set()
        found = conn.execute(
            sa.select(events.c.event_id, events.c.kind, events.c.aggregate_id, events.c.payload)
            .where(
                events.c.unit_id == unit_id,
                events.c.kind.in_(kinds),
                events.c.status == "accepted",
            )
            .order_by(events.c.received_at, events.c.seq, events.c.event_id)
        )
        for event_id, kind, aid, payload in found:
            if kind == "attachment.removed":
                removed.add(aid)
                mine = [r for (a, _), r in rows.items() if a == aid]
                for r in mine:
                    r["removed"] = True
                if not mine:
                    rows[(aid, None)] = _row(unit_id, aid, None, None, event_id, True, now)
                continue
            if not isinstance(payload, dict):
                continue
            number, sha = payload.get("applicant_id_number"), payload.get("sha256")
            if not isinstance(number, str) or not number or not sha:
                continue
            digest = hashlib.sha256(_DOMAIN + number.encode("utf-8", "surrogatepass")).hexdigest()
            held = sha if isinstance(sha, str) and _SHA.match(sha) else None
            key = (aid, digest)
            if key in rows:
                rows[key].update(sha256=held, event_id=event_id, removed=aid in removed)
            else:
                rows[key] = _row(unit_id, aid, digest, held, event_id, aid in removed, now)
        if rows:
            op.bulk_insert(papers, list(rows.values()))


def _row(
    unit_id: int,
    aid: str,
    digest: str | None,
    sha: str | None,
    event_id: str,
    removed: bool,
    now: datetime,
) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "attachment_id": aid,
        "id_hash": digest,
        "sha256": sha,
        "event_id": event_id,
        "removed": removed,
        "updated_at": now,
    }


def downgrade() -> None:
    with op.batch_alter_table("applicant_papers", schema=None) as batch_op:
        batch_op.drop_index("ix_applicant_papers_unit_hash")
    op.drop_table("applicant_papers")
