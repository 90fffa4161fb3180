"""Daily backups of the local database, verification and restore (issue 8).

Copies use sqlite3's online backup API, so they are consistent while the app is writing and
include pages still in the ``-wal`` file. A restore verifies the backup first (header,
``PRAGMA integrity_check``, a schema revision this build knows) and keeps the current database
as ``pre-restore-<UTC>.db``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from motcua_desk.config import AppPaths
from motcua_desk.domain.errors import DomainError
from motcua_desk.services.clock import local_now, to_local
from motcua_desk.services.context import SettingsStore
from motcua_desk.storage.filestore import FileStore
from motcua_desk.storage.migrate import (
    SQLITE_HEADER,
    backup_database,
    chain_revisions,
    script_directory,
)

log = logging.getLogger(__name__)

DAILY_PREFIX = "daily-"


class BackupInvalidError(DomainError):
    """A backup cannot be used; ``data['reason']``: missing, not_a_database, corrupt,
    unversioned, too_new."""

    code = "backup_invalid"


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    path: Path
    ok: bool
    reason: str | None
    revision: str | None
    dossiers: int | None


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    modified_at: datetime
    size: int


def _known_revision(rev: str) -> bool:
    chain = chain_revisions()
    if chain is not None:
        return rev in chain[0]
    from alembic.util.exc import CommandError

    try:
        return script_directory().get_revision(rev) is not None
    except CommandError:
        return False


def verify_backup(path: Path) -> IntegrityReport:
    """Check that ``path`` is a whole SQLite database of a schema this build can open."""

    def bad(reason: str, rev: str | None = None) -> IntegrityReport:
        return IntegrityReport(path, False, reason, rev, None)

    if not path.is_file():
        return bad("missing")
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return bad("not_a_database")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return bad("corrupt")
    try:
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError:
            return bad("corrupt")
        if result != [("ok",)]:
            return bad("corrupt")
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return bad("unversioned")
        rev = row[0] if row else None
        if rev is None:
            return bad("unversioned")
        if not _known_revision(rev):
            return bad("too_new", rev)
        dossiers = conn.execute("SELECT count(*) FROM dossiers").fetchone()[0]
    finally:
        conn.close()
    return IntegrityReport(path, True, None, rev, int(dossiers))


class BackupService:
    def __init__(
        self,
        paths: AppPaths,
        settings: SettingsStore,
        clock: Callable[[], datetime] = local_now,
    ) -> None:
        self._paths = paths
        self._settings = settings
        self._clock = clock

    def daily_backup(self, now: datetime | None = None) -> Path | None:
        """Today's backup, once per office-local day; prunes old ones. None if already done."""
        now = now or self._clock()
        path = self._paths.backup_dir / f"{DAILY_PREFIX}{to_local(now):%Y%m%d}.db"
        self.prune(now)
        if path.exists() or not self._paths.db_file.exists():
            return None
        return self._copy_verified(path)

    def backup_now(self, now: datetime | None = None) -> Path:
        now = now or self._clock()
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return self._copy_verified(self._paths.backup_dir / f"manual-{stamp}.db")

    def _copy_verified(self, dest: Path) -> Path:
        tmp = dest.with_suffix(".partial")
        tmp.unlink(missing_ok=True)
        backup_database(self._paths.db_file, tmp)
        report = verify_backup(tmp)
        if not report.ok:
            tmp.unlink(missing_ok=True)
            raise BackupInvalidError(reason=report.reason, path=str(dest))
        tmp.replace(dest)
        copied = self.backup_attachments()
        log.info(
            "backup written: %s (%s dossiers, %d new files)", dest.name, report.dossiers, copied
        )
        return dest

    def backup_attachments(self) -> int:
        """Copy digitised papers not yet in the backups' file store; content addressing makes
        this incremental and every backup database finds its files there."""
        live = FileStore(self._paths.attachments_dir)
        return live.mirror_to(FileStore(self._paths.backup_attachments_dir))

    def prune(self, now: datetime | None = None) -> list[Path]:
        """Delete daily backups older than ``Settings.backup_keep_days`` (manual ones stay)."""
        now = now or self._clock()
        keep = timedelta(days=self._settings.current.backup_keep_days)
        oldest = (to_local(now) - keep).strftime("%Y%m%d")
        removed = []
        for path in sorted(self._paths.backup_dir.glob(f"{DAILY_PREFIX}*.db")):
            day = path.stem.removeprefix(DAILY_PREFIX)
            if day.isdigit() and day < oldest:
                path.unlink()
                removed.append(path)
        return removed

    def list_backups(self) -> list[BackupInfo]:
        if not self._paths.backup_dir.is_dir():
            return []
        infos = [
            BackupInfo(p, datetime.fromtimestamp(p.stat().st_mtime, UTC), p.stat().st_size)
            for p in self._paths.backup_dir.glob("*.db")
        ]
        return sorted(infos, key=lambda i: i.modified_at, reverse=True)

    def restore(self, backup: Path, now: datetime | None = None) -> Path | None:
        """Replace the database with ``backup`` after verifying it; returns the safety copy.

        Close the application first: the copy goes through the SQLite backup API into the live
        file, so WAL and locks are honoured, but an open app would keep its old view.
        """
        report = verify_backup(backup)
        if not report.ok:
            raise BackupInvalidError(reason=report.reason, path=str(backup))
        now = now or self._clock()
        safety: Path | None = None
        db = self._paths.db_file
        if db.exists():
            stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
            safety = backup_database(db, self._paths.backup_dir / f"pre-restore-{stamp}.db")
        db.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(db)
            try:
                src.backup(dst)
                if dst.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                    raise BackupInvalidError(reason="corrupt", path=str(db))
            finally:
                dst.close()
        finally:
            src.close()
        restored = FileStore(self._paths.backup_attachments_dir).mirror_to(
            FileStore(self._paths.attachments_dir)
        )
        log.warning(
            "database restored from %s (safety copy %s, %d files back)", backup, safety, restored
        )
        return safety
