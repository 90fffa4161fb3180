"""Applying pulled changes on the desk: one change never jams the others (issue 14).

Each change is applied in its own savepoint. One the desk cannot apply — a value its database
cannot hold (a fee of 2^63), a malformed field, a status the lifecycle refuses, a change dated on
a day the supervisor closed — becomes a *conflict* the sync page shows, and the cursor moves on,
so later changes (next year's holidays) still arrive.

Conflict reasons (Vietnamese wording in ``ui/sync_text.PULL_CONFLICT_REASONS``):
``local_changes_pending``, ``illegal_transition``, ``day_closed``, ``invalid_change``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from motcua_desk.domain.calendar import CalendarDay, DayKind
from motcua_desk.domain.dossier import Status
from motcua_desk.domain.errors import IllegalTransitionError
from motcua_desk.services.clock import local_date
from motcua_desk.storage.catalogue_import import parse_catalogue_json
from motcua_desk.storage.orm import UserRow
from motcua_desk.storage.uow import UnitOfWork
from motcua_desk.sync import protocol as p

log = logging.getLogger(__name__)

ROLES = frozenset({"clerk", "supervisor", "admin"})
LOCAL_CHANGES_PENDING = "local_changes_pending"
ILLEGAL_TRANSITION = "illegal_transition"
DAY_CLOSED = "day_closed"
INVALID_CHANGE = "invalid_change"
#: Conflicts that may apply later (the day reopened, the local events sent) keep the change.
RETRYABLE = frozenset({LOCAL_CHANGES_PENDING, ILLEGAL_TRANSITION, DAY_CLOSED})


def apply_change_safely(uow: UnitOfWork, c: p.Change, agency: str) -> dict[str, Any] | None:
    """Apply ``c`` (pulled by a counter of ``agency``) in a savepoint; return the conflict to
    record, or ``None`` if applied."""
    try:
        with uow.session.begin_nested():
            conflict = apply_change(uow, c, agency)
            uow.session.flush()
    except Exception as exc:  # noqa: BLE001 - whatever the change holds, it must not jam sync
        log.warning("pulled change %s not applied: %s", c.entity, type(exc).__name__)
        return {
            "entity": c.entity,
            "key": c.key[:100],
            "reason": INVALID_CHANGE,
            "error": type(exc).__name__,
        }
    if conflict is not None and conflict["reason"] in RETRYABLE:
        conflict["data"] = c.data
    return conflict


def apply_change(uow: UnitOfWork, c: p.Change, agency: str) -> dict[str, Any] | None:
    if c.entity == "procedure":
        uow.procedures.upsert_many(parse_catalogue_json(json.dumps([c.data])))
    elif c.entity == "holiday":
        day = CalendarDay(
            date.fromisoformat(c.data["date"]), DayKind(c.data["kind"]), str(c.data["name"])
        )
        if uow.day_closes.is_closed(day.day):
            # A closed day's figures were computed on its calendar; they stay as closed.
            return {"entity": c.entity, "key": c.key, "reason": DAY_CLOSED, "day": c.key}
        uow.calendar.upsert(day, source="admin")
    elif c.entity == "user":
        upsert_user(uow, c.data, agency)
    elif c.entity == "dossier_status":
        return apply_status(uow, c)
    return None


def upsert_user(uow: UnitOfWork, data: dict[str, Any], agency: str) -> None:
    """A user pulled from the server; a missing hash is fine.

    The server may leave out hashes this counter does not need; a hash of a user of another
    unit is never stored. Without one, the account exists (names in the audit log resolve) but
    cannot log in here; an existing local hash is kept.
    """
    role = data["role"] if data["role"] in ROLES else "clerk"
    username = str(data["username"]).casefold()
    row = uow.session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
    if row is None:  # first seen here
        row = UserRow(username=username, created_at=datetime.now(UTC), password_hash="")
        uow.session.add(row)
    row.full_name = str(data["full_name"])
    unit = data.get("agency_id")
    same_unit = unit is None or unit == agency
    pulled_hash = data.get("password_hash")
    if same_unit and isinstance(pulled_hash, str) and pulled_hash:
        row.password_hash = pulled_hash
    elif not same_unit:
        row.password_hash = ""  # never keep another unit's hash
    row.role = role
    row.active = bool(data.get("active", True)) and same_unit
    uow.session.flush()


def apply_status(uow: UnitOfWork, c: p.Change) -> dict[str, Any] | None:
    dossier = uow.dossiers.by_sync_id(c.key)
    if dossier is None or dossier.id is None:
        return None  # received at another counter of the unit
    target = Status(int(c.data["status"]))
    if dossier.status is target:
        return None
    at = datetime.fromisoformat(str(c.data["at"]))
    if at.tzinfo is None:
        raise ValueError("naive_datetime")
    base = {"entity": c.entity, "key": c.key, "code": dossier.code, "server_status": int(target)}
    day = local_date(at)
    if uow.day_closes.is_closed(day):
        # The timeline entry would land on a closed day: a supervisor reopens it first.
        return {**base, "reason": DAY_CLOSED, "day": day.isoformat()}
    if uow.outbox.has_unacked(c.key):
        return {**base, "reason": LOCAL_CHANGES_PENDING}
    try:
        uow.dossiers.set_status(
            dossier.id,
            target,
            actor=str(c.data.get("actor", "server")),
            at=at,
            detail={"source": "server"},
        )
    except IllegalTransitionError:
        return {**base, "reason": ILLEGAL_TRANSITION, "local_status": int(dossier.status)}
    return None
