"""Password hashing with argon2id (argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import StorageError

MIN_PASSWORD_LENGTH = 8


class WeakPasswordError(StorageError):
    """The password breaks the policy; ``data['min_length']`` gives the minimum."""

    code = "weak_password"


def check_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPasswordError(min_length=MIN_PASSWORD_LENGTH)


def default_hasher() -> PasswordHasher:
    """argon2id with the library's RFC 9106 low-memory defaults."""
    return PasswordHasher()


def fast_hasher() -> PasswordHasher:
    """Cheap parameters for tests and benchmarks only."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class Passwords:
    """Hashes and verifies passwords; a dummy hash keeps unknown-user logins as slow as others."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or default_hasher()
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True

    def burn(self, password: str) -> None:
        """Spend the time of one verification (for unknown usernames)."""
        if self._dummy is None:
            self._dummy = self.hasher.hash("motcua-dummy-password")
        self.verify(self._dummy, password)
