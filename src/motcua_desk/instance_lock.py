"""One process writes a database: an OS file lock beside it (issue 14 §3).

Taken by the app before it migrates, backs up or opens anything, and by the command-line
``restore`` and ``export-unsent``. The lock is an ``flock``/``LockFileEx`` on
``motcua.db.lock`` (filelock), so the OS drops it when a process dies: no stale lock after a
crash. The QLocalServer guard of the UI stays, for bringing the running window to the front.
Outside ``storage`` so that taking it does not import SQLAlchemy before the login window.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from motcua_desk.domain.errors import DomainError

log = logging.getLogger(__name__)


class InstanceLockedError(DomainError):
    """Another process (the app, another version, a restore) holds the database."""

    code = "already_running"


def lock_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".lock")


class InstanceLock:
    """Exclusive, non-waiting lock on ``db_file`` for the lifetime of this process."""

    def __init__(self, db_file: Path) -> None:
        self.path = lock_path(db_file)
        self._lock = FileLock(str(self.path), timeout=0, is_singleton=False)

    @property
    def held(self) -> bool:
        return bool(self._lock.is_locked)

    def acquire(self) -> InstanceLock:
        """Take the lock at once or raise :class:`InstanceLockedError` (never waits)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout as exc:
            raise InstanceLockedError(file=self.path.name) from exc
        log.debug("instance lock taken: %s", self.path)
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)

    def __enter__(self) -> InstanceLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
