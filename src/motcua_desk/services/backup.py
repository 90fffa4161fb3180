"""Daily backups of the local database, verification and restore (issue 8).

Copies use sqlite3's online backup API, so they are consistent while the app is writing and
include pages still in the ``-wal`` file. A restore verifies the backup first (header,
``PRAGMA integrity_check``, a schema revision this build knows) and keeps the current database
as ``pre-restore-<UTC>.db``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from motcua_desk.config import AppPaths, ConfigError, settings_from_text
from motcua_desk.domain.errors import DomainError
from motcua_desk.instance_lock import InstanceLock
from motcua_desk.services.clock import local_now, to_local
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.engine import make_engine
from motcua_desk.storage.filestore import FileStore
from motcua_desk.storage.migrate import (
    SQLITE_HEADER,
    backup_database,
    chain_revisions,
    connect_file,
    copy_database,
    head_revision,
    migrate,
    script_directory,
)
from motcua_desk.storage.orm import Base

log = logging.getLogger(__name__)

DAILY_PREFIX = "daily-"
SETTINGS_NAME = "settings.toml"
#: A ``.partial`` older than this is the leftover of a backup that was interrupted.
STALE_PARTIAL_SECONDS = 3600


class BackupInvalidError(DomainError):
    """A backup cannot be used; ``data['reason']``: missing, not_a_database, corrupt,
    unversioned, too_new, incomplete, bad_settings."""

    code = "backup_invalid"


@dataclass(frozen=True, slots=True)
class IntegrityReport:
    path: Path
    ok: bool
    reason: str | None
    revision: str | None
    dossiers: int | None
    has_settings: bool = False


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


def _missing_schema(conn: sqlite3.Connection) -> list[str]:
    """Tables and columns of this build's schema that ``conn`` lacks ("table" or "table.col")."""
    missing: list[str] = []
    for table in Base.metadata.sorted_tables:
        cols = {row[1] for row in conn.execute(f'PRAGMA table_info("{table.name}")')}
        if not cols:
            missing.append(table.name)
            continue
        missing += [f"{table.name}.{c.name}" for c in table.columns if c.name not in cols]
    return missing


def _complete_after_upgrade(path: Path, rev: str) -> bool:
    """Whether a copy of the backup, upgraded to head, holds the whole schema of this build.

    A file with a ``dossiers`` table and the right revision stamp used to be accepted, and
    the next start crashed on the first missing table (issue 14 §3).
    """
    with tempfile.TemporaryDirectory(prefix="motcua-verify-") as tmp:
        copy = Path(tmp) / "verify.db"
        src = connect_file(path, read_only=True)
        try:
            dst = connect_file(copy)
            try:
                copy_database(src, dst)
            finally:
                dst.close()
        finally:
            src.close()
        if rev != head_revision():
            engine = make_engine(copy)
            try:
                migrate(engine, copy, Path(tmp) / "b")
            except Exception:  # any failure to upgrade means the file is not usable here
                log.warning("backup %s does not upgrade cleanly", path.name, exc_info=True)
                return False
            finally:
                engine.dispose()
        conn = connect_file(copy, read_only=True)
        try:
            missing = _missing_schema(conn)
        finally:
            conn.close()
    if missing:
        log.warning(
            "backup %s lacks %d tables/columns, e.g. %s", path.name, len(missing), missing[0]
        )
    return not missing


def _settings_text(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute(
            "SELECT content FROM backup_files WHERE name = ?", (SETTINGS_NAME,)
        ).fetchone()
    except sqlite3.DatabaseError:
        return None  # a backup made before settings were carried
    return None if row is None else str(row[0])


def verify_backup(path: Path) -> IntegrityReport:
    """Check that ``path`` is a whole SQLite database of this app, of a schema this build knows."""

    def bad(reason: str, rev: str | None = None) -> IntegrityReport:
        return IntegrityReport(path, False, reason, rev, None)

    if not path.is_file():
        return bad("missing")
    with path.open("rb") as fh:
        if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            return bad("not_a_database")
    try:
        conn = connect_file(path, read_only=True)
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
        try:
            dossiers = conn.execute("SELECT count(*) FROM dossiers").fetchone()[0]
        except sqlite3.DatabaseError:
            return bad("incomplete", rev)
        settings_text = _settings_text(conn)
    finally:
        conn.close()
    if settings_text is not None:
        try:
            settings_from_text(settings_text)
        except ConfigError:
            return bad("bad_settings", rev)
    if not _complete_after_upgrade(path, rev):
        return bad("incomplete", rev)
    return IntegrityReport(path, True, None, rev, int(dossiers), settings_text is not None)


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
        self.cleanup_partials()
        tmp = dest.with_name(f"{dest.stem}.{os.getpid()}.partial")
        tmp.unlink(missing_ok=True)
        try:
            backup_database(self._paths.db_file, tmp)
            self._embed_settings(tmp)
            report = verify_backup(tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
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

    def _embed_settings(self, copy: Path) -> None:
        """Put settings.toml into the copy, so a restore brings back the whole counter.

        The copy is also switched out of WAL: a backup is one self-contained file that can be
        carried on a USB stick without its ``-wal``.
        """
        settings = self._paths.settings_file
        conn = connect_file(copy)
        try:
            conn.execute("PRAGMA journal_mode=DELETE")
            if not settings.is_file():
                return
            with conn:
                conn.execute(
                    "INSERT OR REPLACE INTO backup_files (name, content) VALUES (?, ?)",
                    (SETTINGS_NAME, settings.read_text(encoding="utf-8")),
                )
        finally:
            conn.close()

    def cleanup_partials(self, now: float | None = None) -> list[Path]:
        """Delete ``.partial`` files left by interrupted backups (older than an hour)."""
        if not self._paths.backup_dir.is_dir():
            return []
        limit = (now if now is not None else time.time()) - STALE_PARTIAL_SECONDS
        removed = []
        for path in self._paths.backup_dir.glob("*.partial"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed.append(path)
            except FileNotFoundError:
                continue
        if removed:
            log.info("removed %d leftover partial backups", len(removed))
        return removed

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
        """Replace the database (and settings.toml) with ``backup``; returns the safety copy.

        Refused while the app (or anything else holding the instance lock) runs: the lock is
        taken without waiting. Copies give up after a bounded wait on SQLite locks.
        """
        with InstanceLock(self._paths.db_file):
            return self._restore_locked(backup, now)

    def _restore_locked(self, backup: Path, now: datetime | None) -> Path | None:
        report = verify_backup(backup)
        if not report.ok:
            raise BackupInvalidError(reason=report.reason, path=str(backup))
        now = now or self._clock()
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        safety: Path | None = None
        db = self._paths.db_file
        if db.exists():
            safety = backup_database(db, self._paths.backup_dir / f"pre-restore-{stamp}.db")
            self._embed_settings(safety)
        db.parent.mkdir(parents=True, exist_ok=True)
        src = connect_file(backup, read_only=True)
        try:
            settings_text = _settings_text(src)
            dst = connect_file(db)
            try:
                copy_database(src, dst)
                if dst.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                    raise BackupInvalidError(reason="corrupt", path=str(db))
                with dst:
                    dst.execute("DELETE FROM backup_files")
            finally:
                dst.close()
        finally:
            src.close()
        if settings_text is not None:
            self._restore_settings(settings_text, stamp)
        restored = FileStore(self._paths.backup_attachments_dir).mirror_to(
            FileStore(self._paths.attachments_dir)
        )
        log.warning(
            "database restored from %s (safety copy %s, %d files back)",
            backup.name,
            safety,
            restored,
        )
        return safety

    def _restore_settings(self, text: str, stamp: str) -> None:
        target = self._paths.settings_file
        if target.is_file():
            target.replace(target.with_name(f"settings.pre-restore-{stamp}.toml"))
        tmp = target.with_name(target.name + ".partial")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
