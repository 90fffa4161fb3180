"""Append-only audit log with a hash chain (issue 3 §3).

Each row stores ``prev_hash`` (the previous row's ``row_hash``, or 64 zeros for the first) and
``row_hash = sha256(prev_hash + canonical JSON of the row)``. Triggers refuse UPDATE and DELETE;
:meth:`AuditRepository.verify` still finds rows edited or removed with the triggers dropped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from .. import _json
from ..orm import AuditRow
from ..orm.base import NaiveDatetimeError

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]
    prev_hash: str
    row_hash: str


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """``reason``: gap | chain_broken | content_modified | tail_deleted | bad_detail."""

    ok: bool
    checked: int
    first_bad_id: int | None
    reason: str | None


def row_hash(
    prev_hash: str,
    *,
    row_id: int,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    detail: dict[str, Any],
) -> str:
    body = _json.dumps(
        {
            "id": row_id,
            "at": at.astimezone(UTC).isoformat(),
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "detail": detail,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        actor=row.actor,
        action=row.action,
        entity=row.entity,
        entity_id=row.entity_id,
        detail=_json.loads_object(row.detail),
        prev_hash=row.prev_hash,
        row_hash=row.row_hash,
    )


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def append(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str,
        detail: dict[str, Any],
        at: datetime,
    ) -> AuditEntry:
        """Add a row chained to the last one. Writers are serialised by BEGIN IMMEDIATE."""
        last = self._s.execute(
            select(AuditRow.id, AuditRow.row_hash).order_by(AuditRow.id.desc()).limit(1)
        ).one_or_none()
        prev = GENESIS_HASH if last is None else last.row_hash
        new_id = 1 if last is None else last.id + 1
        # Round-trip through JSON so the hash covers exactly what is stored and read back.
        detail_json = _json.dumps(detail)
        stored_detail = _json.loads_object(detail_json)
        if at.tzinfo is None or at.utcoffset() is None:
            raise NaiveDatetimeError("naive datetime")
        at_utc = at.astimezone(UTC)
        row = AuditRow(
            id=new_id,
            at=at_utc,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail_json,
            prev_hash=prev,
            row_hash=row_hash(
                prev,
                row_id=new_id,
                at=at_utc,
                actor=actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                detail=stored_detail,
            ),
        )
        self._s.add(row)
        self._s.flush()
        return _entry(row)

    def entries(
        self, *, entity: str | None = None, entity_id: str | None = None, limit: int = 500
    ) -> list[AuditEntry]:
        """Newest first, optionally for one entity."""
        stmt = select(AuditRow)
        if entity is not None:
            stmt = stmt.where(AuditRow.entity == entity)
        if entity_id is not None:
            stmt = stmt.where(AuditRow.entity_id == entity_id)
        rows = self._s.scalars(stmt.order_by(AuditRow.id.desc()).limit(limit))
        return [_entry(r) for r in rows]

    def verify(self) -> AuditVerification:
        """Walk the chain from the first row and report the first row that does not fit."""
        expected_prev = GENESIS_HASH
        expected_id = 1
        checked = 0
        rows = self._s.execute(
            select(AuditRow).order_by(AuditRow.id).execution_options(yield_per=1000)
        )
        for (row,) in rows:
            checked += 1
            if row.id != expected_id:
                return AuditVerification(False, checked, row.id, "gap")
            if row.prev_hash != expected_prev:
                return AuditVerification(False, checked, row.id, "chain_broken")
            try:
                detail = _json.loads_object(row.detail)
            except ValueError:
                return AuditVerification(False, checked, row.id, "bad_detail")
            recomputed = row_hash(
                row.prev_hash,
                row_id=row.id,
                at=row.at,
                actor=row.actor,
                action=row.action,
                entity=row.entity,
                entity_id=row.entity_id,
                detail=detail,
            )
            if recomputed != row.row_hash:
                return AuditVerification(False, checked, row.id, "content_modified")
            expected_prev = row.row_hash
            expected_id += 1
        # AUTOINCREMENT remembers the largest id ever used: a deleted last row shows here.
        seq = self._s.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'")
        ).scalar_one_or_none()
        if seq is not None and int(seq) >= expected_id:
            return AuditVerification(False, checked, expected_id, "tail_deleted")
        return AuditVerification(True, checked, None, None)

    def count(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(AuditRow)) or 0)
