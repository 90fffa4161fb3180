"""Settings an administrator changes in the app (issue 8), validated, audited, saved atomically."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from motcua_desk.config import (
    ConfigError,
    Settings,
    settings_from_mapping,
    url_is_secure_enough,
)
from motcua_desk.domain.calendar import CalendarDay
from motcua_desk.domain.codes import DossierCodeFormat, InvalidCodePatternError
from motcua_desk.domain.digitisation import DigitisationError, parse_required
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.domain.text import normalize
from motcua_desk.printing.paper_layouts import PAPERS_BY_DOC
from motcua_desk.services.accounts import require_role
from motcua_desk.services.calendar_service import CalendarService
from motcua_desk.services.changes import DOSSIER, NOTHING, SETTINGS, Changed, ChangeSet
from motcua_desk.services.clock import utc_now
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.repositories.users import Role, User
from motcua_desk.storage.uow import UnitOfWork, reading

PAPERS = frozenset({"A5", "A4", "80mm"})
DOC_TYPES = ("receipt", "supplement", "refusal")
_AGENCY_ID = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")
#: Due dates and the board's urgency follow the calendar: dossiers change with it.
_CALENDAR = ChangeSet.of(SETTINGS, DOSSIER)


def _raw(value: Any) -> Any:
    """A settings value as settings.toml holds it (times as "HH:MM")."""
    return value.strftime("%H:%M") if isinstance(value, time) else value


def validate_changes(current: Settings, changes: dict[str, Any]) -> tuple[Settings, dict[str, str]]:
    """The new settings and every invalid field at once (field -> error code)."""
    errors: dict[str, str] = {}
    known = {f.name for f in fields(Settings)}
    raw = {f.name: _raw(getattr(current, f.name)) for f in fields(Settings)}
    for key, value in changes.items():
        if key not in known:
            errors[key] = "unknown_setting"
            continue
        raw[key] = normalize(value) if isinstance(value, str) else value
    for key in changes.keys() & known - {"code_pattern"}:  # the pattern is checked below
        try:
            settings_from_mapping({key: raw[key]}, cross_check=False)
        except ConfigError as exc:
            errors[key] = str(exc.data.get("problem", "invalid_value"))
            raw[key] = _raw(getattr(current, key))
    if "agency_name" in changes and not raw["agency_name"]:
        errors["agency_name"] = "required"  # printed at the top of every slip (issue 12 §3)
    agency = raw["agency_id"]
    if agency and (not _AGENCY_ID.match(agency) or len(agency) > 35):
        errors["agency_id"] = "invalid_agency_id"
    pattern = raw["code_pattern"]
    try:
        if not isinstance(pattern, str):
            raise InvalidCodePatternError(reason="type")
        DossierCodeFormat(pattern).format("000.00.00.H00", date(2026, 1, 2), 1)
    except (InvalidCodePatternError, KeyError, ValueError, IndexError, AttributeError):
        errors["code_pattern"] = "invalid_code_pattern"
    if "code_pattern" in changes and "code_pattern" not in errors:
        try:
            settings_from_mapping({"code_pattern": pattern}, cross_check=False)
        except ConfigError as exc:
            errors["code_pattern"] = str(exc.data.get("problem", "invalid_code_pattern"))
    template = raw["qr_lookup_template"]
    if template and "{code}" not in template:
        errors["qr_lookup_template"] = "missing_code_placeholder"
    url = raw["server_url"]
    if url and not re.match(r"^https?://[^\s/]+", url):
        errors["server_url"] = "invalid_url"
    elif url and not url_is_secure_enough(url, bool(raw["allow_insecure_http"])):
        errors["server_url"] = "insecure_url"
    bundle = raw["ca_bundle"]
    if bundle and not Path(bundle).is_file():
        errors["ca_bundle"] = "file_not_found"
    if not re.match(r"^[a-z_]{3,16}(\+[a-z_]{3,16}){0,3}$", str(raw["ocr_language"])):
        errors["ocr_language"] = "invalid_ocr_language"
    try:
        parse_required(str(raw["digitisation_required_fields"]))
    except DigitisationError:
        errors["digitisation_required_fields"] = "unknown_metadata_field"
    papers = raw["paper_sizes"]
    if not isinstance(papers, dict) or any(
        v not in PAPERS_BY_DOC.get(k, tuple(PAPERS)) for k, v in papers.items()
    ):
        errors["paper_sizes"] = "invalid_paper"
    if errors:
        return current, errors
    try:
        return settings_from_mapping(raw), {}
    except ConfigError as exc:
        problem = str(exc.data.get("problem", "invalid_value"))
        return current, {str(exc.data.get("key", "settings")): problem}


class SettingsAdminService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        store: SettingsStore,
        calendar: CalendarService,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._uow_factory = uow_factory
        self._store = store
        self._calendar = calendar
        self._clock = clock

    def _require_admin(self, user: User) -> User:
        """The caller re-read from the database (issue 14 §5), if still an active admin."""
        return require_role(self._uow_factory, user, (Role.ADMIN,), "settings")

    def update(self, admin: User, **changes: Any) -> Changed[Settings]:
        """Apply ``changes`` (raw values: times as "HH:MM") or raise with every bad field."""
        admin = self._require_admin(admin)
        current = self._store.current
        new, errors = validate_changes(current, changes)
        if errors:
            raise ValidationFailedError(errors)
        diff = {
            f.name: [_raw(getattr(current, f.name)), _raw(getattr(new, f.name))]
            for f in fields(Settings)
            if getattr(current, f.name) != getattr(new, f.name)
        }
        if not diff:
            return Changed(current, NOTHING)
        with self._uow_factory() as uow:
            uow.audit.append(
                actor=admin.username,
                action="settings.update",
                entity="settings",
                entity_id="settings.toml",
                detail={"changes": diff},
                at=self._clock(),
            )
            uow.commit()
        return Changed(
            self._store.update(**{k: getattr(new, k) for k in diff}), ChangeSet.of(SETTINGS)
        )

    def calendar_days(self) -> list[Any]:
        with reading(self._uow_factory) as uow:
            return uow.calendar.stored()

    def add_calendar_day(self, admin: User, day: CalendarDay) -> ChangeSet:
        """Add or replace a holiday, substitute day off or make-up working day."""
        admin = self._require_admin(admin)
        with self._uow_factory() as uow:
            uow.calendar.upsert(day, source="admin")
            uow.audit.append(
                actor=admin.username,
                action="calendar.upsert",
                entity="calendar_day",
                entity_id=day.day.isoformat(),
                detail={"kind": day.kind.value, "name": day.name},
                at=self._clock(),
            )
            uow.commit()
        self._calendar.invalidate()
        return _CALENDAR

    def remove_calendar_day(self, admin: User, day: date) -> ChangeSet:
        admin = self._require_admin(admin)
        with self._uow_factory() as uow:
            uow.calendar.delete(day)
            uow.audit.append(
                actor=admin.username,
                action="calendar.delete",
                entity="calendar_day",
                entity_id=day.isoformat(),
                detail={},
                at=self._clock(),
            )
            uow.commit()
        self._calendar.invalidate()
        return _CALENDAR
