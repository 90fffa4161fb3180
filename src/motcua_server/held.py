"""``POST /api/v1/sync/held``: which of a device's events the server holds, and where its change
log ends, so a desk can tell that the server was restored from a backup (issue 17).

A restored server has forgotten what it acknowledged after the dump; the desk sends those events
again (ingest applies each event once, so what the server does hold comes back as a duplicate)
and moves its pull cursor back to the restored change log's end. See ``motcua_desk.sync.held``.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from motcua_desk.sync.held import HeldRequest, HeldResponse
from motcua_server.db import reading
from motcua_server.models import ChangeRow, EventRow, Unit


def held(engine: Engine, unit: Unit, req: HeldRequest) -> HeldResponse:
    """The ids of ``req`` stored as events of the device's unit (in the order asked), and the
    change log's head. The unit, not the device: a counter enrolled again gets a new device id,
    and its events stored under the old one must not look lost (sending them again under the
    new id would be refused as a reused event id)."""
    with reading(engine) as s:
        found = set(
            s.scalars(
                select(EventRow.event_id).where(
                    EventRow.event_id.in_(req.event_ids), EventRow.unit_id == unit.id
                )
            )
        )
        head = s.scalar(select(func.max(ChangeRow.id))) or 0
    return HeldResponse(tuple(e for e in dict.fromkeys(req.event_ids) if e in found), int(head))
