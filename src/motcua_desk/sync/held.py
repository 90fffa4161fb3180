"""Does the server still hold what it acknowledged? (issue 17: a server restored from a backup)

``POST /api/v1/sync/held`` with ``{"event_ids": [...]}`` (this device's events, at most
``MAX_HELD``) answers ``{"held": [...], "change_head": N}``: the ids the server has stored for
the device's unit, and the highest id of its change log. A server restored from a dump has forgotten
the events acknowledged after the dump, and its change log may end before a desk's pull cursor;
the engine checks both before each push (``SyncEngine``) and sends lost events again, which
exactly-once ingest makes safe. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua_desk.sync.validation import as_int, as_list, as_obj, as_uuid, exact_keys, fail

MAX_HELD = 500
HELD_PATH = "/api/v1/sync/held"


@dataclass(frozen=True, slots=True)
class HeldRequest:
    event_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"event_ids": list(self.event_ids)}

    @classmethod
    def from_dict(cls, value: object, path: str = "$") -> HeldRequest:
        d = as_obj(value, path)
        exact_keys(d, path, {"event_ids"})
        raw = as_list(d["event_ids"], f"{path}.event_ids", MAX_HELD)
        return cls(tuple(as_uuid(e, f"{path}.event_ids[{i}]") for i, e in enumerate(raw)))


@dataclass(frozen=True, slots=True)
class HeldResponse:
    held: tuple[str, ...]
    change_head: int

    def to_dict(self) -> dict[str, Any]:
        return {"held": list(self.held), "change_head": self.change_head}

    @classmethod
    def from_dict(
        cls, value: object, path: str = "$", asked: HeldRequest | None = None
    ) -> HeldResponse:
        d = as_obj(value, path)
        exact_keys(d, path, {"held", "change_head"})
        raw = as_list(d["held"], f"{path}.held", MAX_HELD)
        held = tuple(as_uuid(e, f"{path}.held[{i}]") for i, e in enumerate(raw))
        if asked is not None and not set(held) <= set(asked.event_ids):
            raise fail(f"{path}.held", "not_asked")
        return cls(held, as_int(d["change_head"], f"{path}.change_head"))
