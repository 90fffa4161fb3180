"""Import a counter's signed file of unsent events (carried offline), exactly once.

The events go through the same ``ingest.push`` as a network push, in order and in batches, so an
event already applied (by an earlier import or by the counter's own sync) answers "duplicate".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from motcua_desk.sync import protocol as p
from motcua_desk.sync.offline_file import OfflineFileError, load_bundle
from motcua_server.ingest import push
from motcua_server.models import Device, Unit


@dataclass(frozen=True, slots=True)
class ImportReport:
    device_id: str
    agency_id: str
    accepted: int
    duplicates: int
    rejected: int
    outcomes: tuple[p.EventOutcome, ...]


def import_events(engine: Engine, data: bytes) -> ImportReport:
    """Verify the file's signature with the device's registered public key, then apply it."""
    found: dict[str, tuple[Device, Unit]] = {}

    def key_of(device_id: str) -> str | None:
        with Session(engine) as s:
            device = s.get(Device, device_id)
            if device is None or device.revoked or device.offline_public_key is None:
                return None
            unit = s.get(Unit, device.unit_id)
            assert unit is not None
            s.expunge_all()
            found[device_id] = (device, unit)
            return device.offline_public_key

    bundle = load_bundle(data, key_of)
    device, unit = found[bundle.device_id]
    if bundle.agency_id != unit.agency_id:
        raise OfflineFileError(path="$.body.agency_id", reason="wrong_unit")
    outcomes: list[p.EventOutcome] = []
    events = list(bundle.events)
    for start in range(0, len(events), p.MAX_BATCH):
        batch = p.PushRequest(device.id, tuple(events[start : start + p.MAX_BATCH]))
        outcomes += push(engine, device, unit, batch).outcomes
    counts = Counter(o.status for o in outcomes)
    return ImportReport(
        device_id=device.id,
        agency_id=unit.agency_id,
        accepted=counts[p.ACCEPTED],
        duplicates=counts[p.DUPLICATE],
        rejected=counts[p.REJECTED],
        outcomes=tuple(outcomes),
    )
