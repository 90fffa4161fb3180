"""An applicant's digitised papers held by a unit: the index behind reuse at intake (issue 15).

``GET /api/v1/attachments?id_number=`` answers from ``applicant_papers``, an index filled by
:func:`record` from the ``attachment.put`` / ``attachment.removed`` events of each push, in the
transaction that stores them (and backfilled from the events by migration 0006). A paper is
listed for the unit that sent it, under each ID number an ``attachment.put`` carried, with the
payload of the latest such put; never once removed; only when the unit holds its file.

The ID number is indexed as a SHA-256 (:func:`id_digest`), never in clear, and never logged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, select
from sqlalchemy.orm import Session, aliased

from motcua_desk.sync import protocol as p
from motcua_desk.sync.blob_protocol import SHA256_RE
from motcua_server.db import reading
from motcua_server.models import ApplicantPaperRow, BlobOwner, EventRow

PUT = "attachment.put"
REMOVED = "attachment.removed"
#: Migration 0006 repeats this prefix: change both together (and re-index).
_DOMAIN = b"motcua applicant id\x00"


def id_digest(id_number: str) -> str:
    """What the index holds instead of an applicant's ID number."""
    return hashlib.sha256(_DOMAIN + id_number.encode("utf-8", "surrogatepass")).hexdigest()


def paper_key(payload: object) -> tuple[str, str | None] | None:
    """``(id digest, sha256)`` of an ``attachment.put`` payload with an ID number and a file,
    else None. A file name that is not a SHA-256 is kept as None: no unit can hold it."""
    if not isinstance(payload, dict):
        return None
    number, sha = payload.get("applicant_id_number"), payload.get("sha256")
    if not isinstance(number, str) or not number or not sha:
        return None
    return id_digest(number), sha if isinstance(sha, str) and SHA256_RE.match(sha) else None


def record(s: Session, unit_id: int, events: Iterable[p.OutboxEvent]) -> None:
    """Index a push's accepted attachment events, in their order, in the session ``s``."""
    todo = [e for e in events if e.kind in (PUT, REMOVED)]
    if not todo:
        return
    rows = s.scalars(
        select(ApplicantPaperRow).where(
            ApplicantPaperRow.unit_id == unit_id,
            ApplicantPaperRow.attachment_id.in_({e.aggregate_id for e in todo}),
        )
    ).all()
    by_key: dict[tuple[str, str | None], ApplicantPaperRow] = {
        (r.attachment_id, r.id_hash): r for r in rows
    }
    removed = {r.attachment_id for r in rows if r.removed}
    now = datetime.now(UTC)
    for e in todo:
        aid = e.aggregate_id
        if e.kind == REMOVED:
            removed.add(aid)
            mine = [r for (a, _), r in by_key.items() if a == aid]
            for row in mine:
                row.removed = True
                row.updated_at = now
            if not mine:  # the removal came first: remember it
                by_key[(aid, None)] = _add(s, unit_id, aid, None, None, e.event_id, True, now)
            continue
        key = paper_key(e.payload)
        if key is None:
            continue
        digest, sha = key
        found = by_key.get((aid, digest))
        if found is None:
            by_key[(aid, digest)] = _add(
                s, unit_id, aid, digest, sha, e.event_id, aid in removed, now
            )
        else:
            found.sha256, found.event_id = sha, e.event_id
            found.removed, found.updated_at = aid in removed, now


def _add(
    s: Session,
    unit_id: int,
    aid: str,
    digest: str | None,
    sha: str | None,
    event_id: str,
    removed: bool,
    now: datetime,
) -> ApplicantPaperRow:
    row = ApplicantPaperRow(
        unit_id=unit_id,
        attachment_id=aid,
        id_hash=digest,
        sha256=sha,
        event_id=event_id,
        removed=removed,
        updated_at=now,
    )
    s.add(row)
    return row


def lookup(engine: Engine, unit_id: int, id_number: str) -> list[dict[str, Any]]:
    """The unit's papers of one applicant: payloads of the latest puts, oldest paper first."""
    gone = aliased(ApplicantPaperRow)
    # A removal recorded by a concurrent push (another worker) may have missed this row: any
    # removed row of the paper hides it (the unique key's index serves this lookup).
    removed = (
        select(gone.id)
        .where(
            gone.unit_id == ApplicantPaperRow.unit_id,
            gone.attachment_id == ApplicantPaperRow.attachment_id,
            gone.removed.is_(True),
        )
        .exists()
    )
    with reading(engine) as s:
        payloads = s.scalars(
            select(EventRow.payload)
            .join(ApplicantPaperRow, ApplicantPaperRow.event_id == EventRow.event_id)
            .join(
                BlobOwner,
                and_(
                    BlobOwner.unit_id == ApplicantPaperRow.unit_id,
                    BlobOwner.sha256 == ApplicantPaperRow.sha256,
                ),
            )
            .where(
                ApplicantPaperRow.unit_id == unit_id,
                ApplicantPaperRow.id_hash == id_digest(id_number),
                ApplicantPaperRow.removed.is_(False),
                ~removed,
            )
            .order_by(ApplicantPaperRow.id)
        ).all()
    return [dict(x) for x in payloads if isinstance(x, dict)]
