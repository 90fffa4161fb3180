"""First-run setup, login and clerk account administration."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from motcua_desk.domain.errors import DomainError, ValidationFailedError
from motcua_desk.domain.text import name_problem, normalize
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.repositories.users import Role, User
from motcua_desk.storage.uow import UnitOfWork, reading

_AGENCY_ID = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")
_USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")


class AuthFailedError(DomainError):
    """Wrong user name or password, or an inactive account."""

    code = "auth_failed"


class PermissionDeniedError(DomainError):
    """The signed-in user's role does not allow the action."""

    code = "permission_denied"


class AccountLockedError(DomainError):
    """Too many wrong passwords: the account waits for a supervisor's unlock."""

    code = "account_locked"


def require_role(
    uow_factory: Callable[[], UnitOfWork], user: User, roles: tuple[Role, ...], action: str
) -> User:
    """The caller as the database knows it now, if active, unlocked and in ``roles``.

    The ``User`` a screen holds is only a claim: an account that does not exist, was
    deactivated or demoted (by the server) since login has no rights (issue 14 §5).
    """
    with reading(uow_factory) as uow:
        current = uow.users.get(user.username)
    if (
        current is None
        or current.id != user.id
        or not current.active
        or current.locked
        or current.role not in roles
    ):
        raise PermissionDeniedError(action=action)
    return current


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
    elif problem := name_problem(full_name):
        errors["full_name"] = problem
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
        with reading(self._uow_factory) as uow:
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
        """Check the password outside any transaction, then record the attempt briefly.

        argon2 takes ~0.1 s by design; holding SQLite's write lock meanwhile made every save
        of another process wait (issue 14 §4). Wrong passwords in a row lock the account.
        """
        name = username.strip().casefold()
        with reading(self._uow_factory) as uow:
            cred = uow.users.credentials(name)
            passwords = uow.passwords
        if cred is None:
            passwords.burn(password)
            ok = False
        else:
            ok = passwords.verify(cred.password_hash, password)
        rehash = None
        if ok and cred is not None and passwords.needs_rehash(cred.password_hash):
            rehash = passwords.hash(password)
        with self._uow_factory() as uow:
            user, outcome = uow.users.record_login(name, ok, at=self._clock(), rehash=rehash)
            uow.audit.append(
                actor=name,
                action=outcome,
                entity="user",
                entity_id=name,
                detail={},
                at=self._clock(),
            )
            uow.commit()
        if outcome in ("login_locked", "account_locked"):
            raise AccountLockedError()
        if user is None:
            raise AuthFailedError()
        return user

    def unlock_user(self, actor: User, username: str) -> User:
        """A supervisor or administrator lifts a lockout (audited)."""
        me = require_role(self._uow_factory, actor, (Role.SUPERVISOR, Role.ADMIN), "unlock_user")
        with self._uow_factory() as uow:
            user = uow.users.unlock(username)
            uow.audit.append(
                actor=me.username,
                action="unlock_user",
                entity="user",
                entity_id=user.username,
                detail={},
                at=self._clock(),
            )
            uow.commit()
        return user

    def current(self, user: User) -> User:
        """``user`` re-read from the database; PermissionDeniedError if gone or inactive."""
        return require_role(self._uow_factory, user, tuple(Role), "session")

    def create_user(
        self, admin: User, username: str, full_name: str, password: str, role: Role
    ) -> User:
        admin = require_role(self._uow_factory, admin, (Role.ADMIN,), "create_user")
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
        with reading(self._uow_factory) as uow:
            return uow.users.list()

    def reset_password(self, admin: User, username: str, password: str) -> None:
        """An administrator sets a new password for an account (the user changes it later)."""
        if admin.role is not Role.ADMIN:
            raise PermissionDeniedError(action="reset_password")
        if len(password) < 8:
            raise ValidationFailedError({"password": "weak_password"})
        with self._uow_factory() as uow:
            uow.users.set_password(username, password)
            uow.audit.append(
                actor=admin.username,
                action="reset_password",
                entity="user",
                entity_id=username.strip().casefold(),
                detail={},
                at=self._clock(),
            )
            uow.commit()

    def set_active(self, admin: User, username: str, active: bool) -> User:
        """Deactivate (or reactivate) an account; an administrator cannot lock himself out."""
        if admin.role is not Role.ADMIN:
            raise PermissionDeniedError(action="set_active")
        if not active and username.strip().casefold() == admin.username:
            raise PermissionDeniedError(action="deactivate_self")
        with self._uow_factory() as uow:
            user = uow.users.set_active(username, active)
            uow.audit.append(
                actor=admin.username,
                action="activate_user" if active else "deactivate_user",
                entity="user",
                entity_id=user.username,
                detail={},
                at=self._clock(),
            )
            uow.commit()
        return user
