"""Admin operations behind the CLI: units, devices, users, catalogue, calendar, statuses."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine, delete, select, text
from sqlalchemy.orm import Session

from motcua_desk.domain.dossier import Status, check_transition
from motcua_desk.domain.text import normalize
from motcua_server.catalogue import AdminError as AdminError
from motcua_server.catalogue import check_procedure, check_text
from motcua_server.db import transaction
from motcua_server.models import ChangeRow, Device, DossierRow, Holiday, Procedure, Unit, User
from motcua_server.security import digest, new_enrolment_code

HOLIDAY_KINDS = frozenset({"holiday", "substitute_day_off", "makeup_workday"})
ROLES = frozenset({"clerk", "supervisor", "admin"})


def _now() -> datetime:
    return datetime.now(UTC)


def lock_changes(session: Session) -> None:
    """Serialise change-log writers so cursors become visible in id order (PostgreSQL).

    Sequence ids are allocated before commit; without this a reader could see id 11 commit
    before id 10 and skip 10 forever. SQLite's BEGIN IMMEDIATE already serialises writers.
    """
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        session.execute(text("LOCK TABLE changes IN SHARE ROW EXCLUSIVE MODE"))


def add_change(session: Session, unit_id: int | None, entity: str, key: str, data: Any) -> None:
    session.add(ChangeRow(unit_id=unit_id, entity=entity, key=key, data=data, created_at=_now()))


def unit_by_agency(session: Session, agency_id: str) -> Unit:
    unit = session.scalars(select(Unit).where(Unit.agency_id == agency_id)).one_or_none()
    if unit is None:
        raise AdminError(reason="unknown_unit", agency_id=agency_id)
    return unit


def create_unit(engine: Engine, agency_id: str, name: str) -> int:
    agency_id = agency_id.strip()
    if not agency_id or len(agency_id) > 35 or not all(c.isalnum() or c == "." for c in agency_id):
        raise AdminError(reason="bad_agency_id", agency_id=agency_id)
    with transaction(engine) as s:
        if s.scalars(select(Unit).where(Unit.agency_id == agency_id)).first() is not None:
            raise AdminError(reason="unit_exists", agency_id=agency_id)
        unit = Unit(agency_id=agency_id, name=normalize(name), created_at=_now())
        s.add(unit)
        s.flush()
        return unit.id


def enrol_device(engine: Engine, agency_id: str, name: str, ttl_hours: int = 72) -> tuple[str, str]:
    """Create a device awaiting enrolment; return ``(device_id, one-time code)``."""
    code = new_enrolment_code()
    device_id = str(uuid.uuid4())
    with transaction(engine) as s:
        unit = unit_by_agency(s, agency_id)
        s.add(
            Device(
                id=device_id,
                unit_id=unit.id,
                name=normalize(name)[:100],
                enrol_code_hash=digest(code),
                enrol_expires_at=_now() + timedelta(hours=ttl_hours),
                revoked=False,
            )
        )
    return device_id, code


def revoke_device(engine: Engine, device_id: str) -> None:
    """Refuse the device's token from now on (lost or replaced counter PC)."""
    with transaction(engine) as s:
        device = s.get(Device, device_id)
        if device is None:
            raise AdminError(reason="unknown_device", device_id=device_id)
        device.revoked = True
        device.enrol_code_hash = None


def request_token_rotation(engine: Engine, device_id: str) -> None:
    """Make the device rotate its token at its next sync (the old one works until then)."""
    with transaction(engine) as s:
        device = s.get(Device, device_id)
        if device is None or device.revoked:
            raise AdminError(reason="unknown_device", device_id=device_id)
        device.rotate_requested = True


def create_user(
    engine: Engine, agency_id: str, username: str, full_name: str, password: str, role: str
) -> None:
    if role not in ROLES:
        raise AdminError(reason="bad_role", role=role)
    if not username or len(username) > 64 or len(password) < 8:
        raise AdminError(reason="bad_user")
    pw_hash = PasswordHasher().hash(password)
    with transaction(engine) as s:
        lock_changes(s)
        unit = unit_by_agency(s, agency_id)
        user = s.scalars(
            select(User).where(User.unit_id == unit.id, User.username == username)
        ).one_or_none()
        if user is None:
            user = User(unit_id=unit.id, username=username)
            s.add(user)
        user.full_name = normalize(full_name)
        user.role = role
        user.password_hash = pw_hash
        user.active = True
        data = {"username": username, "full_name": user.full_name, "role": role}
        # Earlier entries of this account carry its old password hashes: a counter enrolled
        # later must not receive them (docs/sync-protocol.md, "Accounts on the counters").
        s.execute(
            delete(ChangeRow).where(
                ChangeRow.unit_id == unit.id, ChangeRow.entity == "user", ChangeRow.key == username
            )
        )
        add_change(s, unit.id, "user", username, {**data, "active": True, "password_hash": pw_hash})


def load_catalogue(engine: Engine, items: object) -> int:
    """Upsert procedures from the ``resources/seed/procedures.json`` format."""
    if not isinstance(items, list):
        raise AdminError(reason="not_list")
    # Every entry is checked before any is stored: a desk must be able to apply what it pulls.
    rows: list[dict[str, Any]] = [check_procedure(item, i) for i, item in enumerate(items)]
    with transaction(engine) as s:
        lock_changes(s)
        for row in rows:
            # Seed entries without a known national code still sync, keyed by their name.
            key = row.get("code") or "nocode:" + digest(row["name"])[:16]
            s.merge(Procedure(code=key, data=row))
            add_change(s, None, "procedure", key, row)
    return len(rows)


def load_calendar(engine: Engine, items: object) -> int:
    """Upsert calendar days: ``[{"date": "2026-02-16", "kind": "holiday", "name": "Tết"}]``."""
    if not isinstance(items, list):
        raise AdminError(reason="not_list")
    parsed: list[tuple[date, str, str]] = []
    for i, item in enumerate(items):
        try:
            day = date.fromisoformat(item["date"])
            kind = item["kind"]
        except (TypeError, KeyError, ValueError) as exc:
            raise AdminError(reason="bad_item", index=i) from exc
        if not 1970 <= day.year <= 2199:
            raise AdminError(reason="bad_item", index=i, field="date")
        if kind not in HOLIDAY_KINDS:
            raise AdminError(reason="bad_kind", index=i)
        name = check_text(item.get("name", ""), i, "name", max_len=200)
        parsed.append((day, kind, name))
    with transaction(engine) as s:
        lock_changes(s)
        for day, kind, name in parsed:
            s.merge(Holiday(day=day, kind=kind, name=name))
            data = {"date": day.isoformat(), "kind": kind, "name": name}
            add_change(s, None, "holiday", day.isoformat(), data)
    return len(parsed)


def set_status(engine: Engine, agency_id: str, code: str, status: int, actor: str) -> None:
    """A processing department moves a dossier; counters pull the change."""
    try:
        target = Status(status)
    except ValueError as exc:
        raise AdminError(reason="bad_status", status=status) from exc
    with transaction(engine) as s:
        lock_changes(s)
        unit = unit_by_agency(s, agency_id)
        row = s.scalars(
            select(DossierRow).where(DossierRow.unit_id == unit.id, DossierRow.code == code)
        ).one_or_none()
        if row is None:
            raise AdminError(reason="unknown_dossier", code=code)
        check_transition(Status(row.status), target)
        now = _now()
        row.status = int(target)
        row.updated_at = now
        data = {"code": row.code, "status": int(target), "at": now.isoformat(), "actor": actor}
        add_change(s, unit.id, "dossier_status", row.sync_id, data)
