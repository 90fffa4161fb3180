"""Clerk accounts with argon2 hashes and roles."""

from __future__ import annotations

import builtins
import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from motcua_desk.domain.text import normalize

from ..errors import DuplicateError, NotFoundError, StorageError
from ..orm import UserRow
from ..passwords import Passwords, check_policy


class Role(enum.Enum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class InvalidUsernameError(StorageError):
    """Empty, too long or containing whitespace."""

    code = "invalid_username"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    created_at: datetime
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a login needs, read in a read-only unit of work; the hash is checked outside."""

    user: User
    password_hash: str


#: Wrong passwords in a row before an account is locked until a supervisor unlocks it.
MAX_FAILED_LOGINS = 5


def canonical_username(username: str) -> str:
    name = normalize(username).casefold()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise InvalidUsernameError(length=len(name))
    return name


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        active=row.active,
        created_at=row.created_at,
        locked=row.locked_at is not None,
    )


class UserRepository:
    def __init__(
        self, session: Session, clock: Callable[[], datetime], passwords: Passwords
    ) -> None:
        self._s = session
        self._clock = clock
        self._pw = passwords

    def _row(self, username: str) -> UserRow | None:
        return self._s.scalars(
            select(UserRow).where(UserRow.username == canonical_username(username))
        ).one_or_none()

    def _require(self, username: str) -> UserRow:
        row = self._row(username)
        if row is None:
            raise NotFoundError(entity="user", username=username)
        return row

    def create(self, username: str, full_name: str, password: str, role: Role) -> User:
        name = canonical_username(username)
        check_policy(password)
        if self._row(name) is not None:
            raise DuplicateError(entity="user", username=name)
        row = UserRow(
            username=name,
            full_name=normalize(full_name),
            password_hash=self._pw.hash(password),
            role=role.value,
            active=True,
            created_at=self._clock(),
        )
        self._s.add(row)
        self._s.flush()
        return _user(row)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password matches and the account is active, else None."""
        try:
            row = self._row(username)
        except InvalidUsernameError:
            row = None
        if row is None:
            self._pw.burn(password)
            return None
        if not self._pw.verify(row.password_hash, password):
            return None
        if not row.active:
            return None
        if self._pw.needs_rehash(row.password_hash):
            row.password_hash = self._pw.hash(password)
            self._s.flush()
        return _user(row)

    def credentials(self, username: str) -> Credentials | None:
        try:
            row = self._row(username)
        except InvalidUsernameError:
            return None
        return None if row is None else Credentials(_user(row), row.password_hash)

    def record_login(
        self, username: str, ok: bool, *, at: datetime, rehash: str | None = None
    ) -> tuple[User | None, str]:
        """Count the attempt; returns (user or None, outcome).

        outcome: ``login``, ``login_failed``, ``login_locked`` (refused: the account is
        locked) or ``account_locked`` (this failure reached :data:`MAX_FAILED_LOGINS`).
        """
        try:
            row = self._row(username)
        except InvalidUsernameError:
            row = None
        if row is None:
            return None, "login_failed"
        if row.locked_at is not None:
            return None, "login_locked"
        if ok and row.active:
            row.failed_logins = 0
            if rehash is not None:
                row.password_hash = rehash
            self._s.flush()
            return _user(row), "login"
        row.failed_logins = (row.failed_logins or 0) + 1
        outcome = "login_failed"
        if row.failed_logins >= MAX_FAILED_LOGINS:
            row.locked_at = at
            outcome = "account_locked"
        self._s.flush()
        return None, outcome

    def unlock(self, username: str) -> User:
        row = self._require(username)
        row.failed_logins = 0
        row.locked_at = None
        self._s.flush()
        return _user(row)

    def get(self, username: str) -> User | None:
        row = self._row(username)
        return None if row is None else _user(row)

    def list(self) -> builtins.list[User]:
        return [_user(r) for r in self._s.scalars(select(UserRow).order_by(UserRow.username))]

    def set_password(self, username: str, password: str) -> None:
        check_policy(password)
        self._require(username).password_hash = self._pw.hash(password)
        self._s.flush()

    def set_active(self, username: str, active: bool) -> User:
        row = self._require(username)
        row.active = active
        self._s.flush()
        return _user(row)

    def set_role(self, username: str, role: Role) -> User:
        row = self._require(username)
        row.role = role.value
        self._s.flush()
        return _user(row)

    def count(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(UserRow)) or 0)
