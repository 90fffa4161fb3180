"""The server's code replaces the one on the slip; the slip's code stays findable (issue 14).

A provisional code, or a final code the server did not confirm (another counter's number, a
clash from numbering before enrolment), is replaced by the code the server assigned. The code
the citizen holds stays on the dossier as ``issued_code``, so a lookup by either code finds it;
the timeline says why and the receipt is flagged for reprint.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from motcua_desk.storage.orm import DossierEventRow, DossierRow, OutboxRow
from motcua_desk.storage.uow import UnitOfWork


def _event(row: DossierRow, at: datetime, detail: dict[str, object]) -> DossierEventRow:
    return DossierEventRow(
        dossier_id=row.id,
        kind="code_assigned",
        at=at,
        actor="sync",
        status_from=None,
        status_to=None,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
    )


def replace_codes(
    uow: UnitOfWork, assigned: dict[str, tuple[str, str | None]], now: datetime
) -> list[str]:
    """Apply ``{event_id: (assigned code, reason)}``; return the sync ids to reprint.

    ``reason`` is why a final code was not confirmed (``code_conflict``, ``code_not_owned``,
    ``code_not_leased``), None for a provisional code. Set-based: an offline day can leave
    thousands. Two passes, because an assigned code may be one another dossier of this counter
    still carries (numbered alone before enrolment): that dossier's own replacement is in the
    same batch, or, if not yet sent, it is set aside as provisional until its answer comes.
    """
    s = uow.session
    by_event: dict[str, str] = {
        event_id: aggregate_id
        for event_id, aggregate_id in s.execute(
            select(OutboxRow.event_id, OutboxRow.aggregate_id).where(
                OutboxRow.event_id.in_(list(assigned))
            )
        )
    }
    rows = {
        r.sync_id: r
        for r in s.scalars(select(DossierRow).where(DossierRow.sync_id.in_(by_event.values())))
    }
    todo: list[tuple[DossierRow, str, str | None]] = []
    for event_id, (code, reason) in assigned.items():
        row = rows.get(by_event.get(event_id, ""))
        if row is None or (row.code == code and not row.provisional_code):
            continue
        todo.append((row, code, reason))
    printed: dict[int, str] = {}
    for row, _, _ in todo:  # pass 1: free every code this batch moves
        printed[row.id] = row.code
        if row.issued_code is None:
            row.issued_code = row.code
        row.code = f"~{row.sync_id}"
    s.flush()
    moving = {row.id for row, _, _ in todo}
    holders = {
        r.code: r
        for r in s.scalars(select(DossierRow).where(DossierRow.code.in_([c for _, c, _ in todo])))
        if r.id not in moving
    }
    for holder in holders.values():  # numbered alone, not answered yet: provisional for now
        if holder.issued_code is None:
            holder.issued_code = holder.code
        holder.code = f"{holder.issued_code}~{holder.id}"
        holder.provisional_code = True
    s.flush()
    reprint: list[str] = []
    for row, code, reason in todo:  # pass 2: the server's codes
        row.code = code
        row.provisional_code = False
        detail: dict[str, object] = {
            "provisional_code": printed[row.id],
            "code": code,
            "code_reason": reason or "provisional",
            "reprint_required": True,
        }
        s.add(_event(row, now, detail))
        reprint.append(row.sync_id)
    s.flush()
    return reprint
