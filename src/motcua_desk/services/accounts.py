"""First-run setup, login and clerk account administration."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from motcua_desk.domain.errors import DomainError, ValidationFailedError
from motcua_desk.domain.text import normalize
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.repositories.users import Role, User
from motcua_desk.storage.uow import UnitOfWork

_AGENCY_ID = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")
_USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")


class AuthFailedError(DomainError):
    """Wrong user name or password, or an inactive account."""

    code = "auth_failed"


class PermissionDeniedError(DomainError):
    """The signed-in user's role does not allow the action."""

    code = "permission_denied"


@dataclass(frozen=True, slots=True)
class UnitSetup:
    """The unit details the first-run wizard asks for."""

    agency_id: str
    agency_name: str
    managing_body: str
    counter_name: str
    place_name: str
    province: str = ""


def validate_unit(unit: UnitSetup) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not _AGENCY_ID.match(unit.agency_id.strip()) or len(unit.agency_id.strip()) > 35:
        errors["agency_id"] = "invalid_agency_id"
    for name in ("agency_name", "managing_body", "counter_name", "place_name"):
        if not normalize(getattr(unit, name)):
            errors[name] = "required"
    return errors


def validate_account(username: str, full_name: str, password: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not _USERNAME.match(username.strip().casefold()):
        errors["username"] = "invalid_username"
    if not normalize(full_name):
        errors["full_name"] = "required"
    if len(password) < 8:
        errors["password"] = "weak_password"
    return errors


class AccountService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        settings: SettingsStore,
        clock: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._settings = settings
        self._clock = clock

    def needs_first_run(self) -> bool:
        """True until the unit is configured and an account exists."""
        if not self._settings.current.agency_id:
            return True
        with self._uow_factory() as uow:
            return uow.users.count() == 0

    def first_run(
        self, unit: UnitSetup, admin_username: str, admin_full_name: str, password: str
    ) -> User:
        """Save the unit settings and create the first administrator, or raise with every error."""
        errors = validate_unit(unit) | validate_account(admin_username, admin_full_name, password)
        if errors:
            raise ValidationFailedError(errors)
        with self._uow_factory() as uow:
            if uow.users.count() > 0:
                raise PermissionDeniedError(action="first_run")
            user = uow.users.create(
                admin_username.strip().casefold(), normalize(admin_full_name), password, Role.ADMIN
            )
            uow.audit.append(
                actor=user.username,
                action="first_run",
                entity="unit",
                entity_id=unit.agency_id.strip(),
                detail={"agency_name": normalize(unit.agency_name)},
                at=self._clock(),
            )
            uow.commit()
        self._settings.update(
            agency_id=unit.agency_id.strip(),
            agency_name=normalize(unit.agency_name),
            managing_body=normalize(unit.managing_body),
            counter_name=normalize(unit.counter_name),
            place_name=normalize(unit.place_name),
            province=normalize(unit.province),
        )
        return user

    def login(self, username: str, password: str) -> User:
        with self._uow_factory() as uow:
            user = uow.users.authenticate(username.strip().casefold(), password)
            uow.audit.append(
                actor=username.strip().casefold(),
                action="login" if user else "login_failed",
                entity="user",
                entity_id=username.strip().casefold(),
                detail={},
                at=self._clock(),
            )
            uow.commit()
        if user is None:
            raise AuthFailedError()
        return user

    def create_user(
        self, admin: User, username: str, full_name: str, password: str, role: Role
    ) -> User:
        if admin.role is not Role.ADMIN:
            raise PermissionDeniedError(action="create_user")
        errors = validate_account(username, full_name, password)
        if errors:
            raise ValidationFailedError(errors)
        with self._uow_factory() as uow:
            user = uow.users.create(
                username.strip().casefold(), normalize(full_name), password, role
            )
            uow.audit.append(
                actor=admin.username,
                action="create_user",
                entity="user",
                entity_id=user.username,
                detail={"role": role.value},
                at=self._clock(),
            )
            uow.commit()
        return user

    def verify_supervisor(self, username: str, password: str) -> User:
        """Check a supervisor's (or admin's) credentials for an approval."""
        user = self.login(username, password)
        if user.role not in (Role.SUPERVISOR, Role.ADMIN):
            raise PermissionDeniedError(action="supervisor_approval")
        return user

    def list_users(self) -> list[User]:
        with self._uow_factory() as uow:
            return uow.users.list()
