"""Schema migrations at start-up: refuse newer databases, back up, then ``upgrade head``.

Every schema, the first included, comes from Alembic; the app never calls ``create_all``.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect

from motcua_desk.resources import sql_dir

from .errors import KnownStorageError, StorageError, translate_error
from .orm import Base

if TYPE_CHECKING:  # Alembic is imported only when a migration is due (start-up time)
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
FILE_TEMPLATE = "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s"


class SchemaTooNewError(StorageError):
    """The database was written by a newer release; ``data`` has ``db_revision`` and ``head``."""

    code = "schema_too_new"


class UnversionedDatabaseError(StorageError):
    """The file is SQLite and holds tables, but no Alembic revision: not ours."""

    code = "unversioned_database"


class IntegrityCheckError(StorageError):
    """A migration left rows violating foreign keys; ``data['violations']`` counts them."""

    code = "migration_integrity"


@dataclass(frozen=True, slots=True)
class MigrationResult:
    from_rev: str | None
    to_rev: str
    backup_path: Path | None


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic config built in code, so a frozen app needs no ``alembic.ini`` on disk."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(sql_dir() / "migrations"))
    cfg.set_main_option("file_template", FILE_TEMPLATE)
    cfg.attributes["target_metadata"] = Base.metadata
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*['"]([^'"]+)['"]""", re.MULTILINE)
_DOWN = re.compile(r"""^down_revision\s*(?::[^=]*)?=\s*(None|['"][^'"]+['"])\s*$""", re.MULTILINE)


@lru_cache(maxsize=1)
def chain_revisions() -> tuple[frozenset[str], str] | None:
    """Every revision of the migration scripts and the single head, read from the scripts'
    ``revision`` / ``down_revision`` lines without loading Alembic (about 0.1 s of imports);
    None when the chain is not a plain line (a merge, a branch, an unusual file), so the
    caller asks Alembic instead."""
    down_of: dict[str, str | None] = {}
    for script in sorted((sql_dir() / "migrations" / "versions").glob("*.py")):
        text = script.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN.search(text)
        if rev is None or down is None or rev.group(1) in down_of:
            return None
        value = down.group(1)
        down_of[rev.group(1)] = None if value == "None" else value[1:-1]
    parents = [d for d in down_of.values() if d is not None]
    heads = set(down_of) - set(parents)
    roots = [r for r, d in down_of.items() if d is None]
    if len(heads) != 1 or len(roots) != 1 or len(set(parents)) != len(parents):
        return None
    if not set(parents) <= set(down_of):
        return None
    return frozenset(down_of), heads.pop()


def head_revision() -> str:
    """The newest revision this build knows."""
    chain = chain_revisions()
    if chain is not None:
        return chain[1]
    head = script_directory().get_current_head()
    assert head is not None, "migration chain is empty"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or None for a fresh (or unversioned) file."""
    try:
        with engine.connect() as conn:
            return _stamped_revision(conn)
    except Exception as exc:
        raise _known_or_original(exc) from exc


def _stamped_revision(conn: Connection) -> str | None:
    # What Alembic's MigrationContext.get_current_revision reads, without importing Alembic.
    has_table = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first()
    if has_table is None:
        return None
    rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    if len(rows) > 1:
        raise KnownStorageError("corrupt", detail="several alembic_version rows")
    return None if not rows else str(rows[0][0])


def _known_or_original(exc: Exception) -> BaseException:
    translated = translate_error(exc)
    return translated


def _check_header(db_file: Path) -> None:
    if not db_file.exists() or db_file.stat().st_size == 0:
        return
    with db_file.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise KnownStorageError("not_a_database", file=db_file.name)


#: How long a copy waits for another connection's lock before giving up (issue 14: a restore
#: hung for more than nine minutes, because sqlite3's backup loop retries BUSY forever).
LOCK_WAIT_SECONDS = 10.0


def connect_file(
    path: Path, *, read_only: bool = False, timeout: float = 5.0
) -> sqlite3.Connection:
    """Open ``path`` as a file path, never as an SQLite URI.

    A name such as ``Sao luu #1.db`` given to ``sqlite3.connect("file:...", uri=True)`` opens
    ``Sao luu `` (issue 14 §3); :meth:`Path.as_uri` percent-encodes ``#``, ``?`` and ``%``.
    """
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        return sqlite3.connect(uri, uri=True, timeout=timeout)
    return sqlite3.connect(str(path), timeout=timeout)


def copy_database(
    src: sqlite3.Connection, dst: sqlite3.Connection, *, wait: float | None = None
) -> None:
    """sqlite3's online backup, abandoned with ``KnownStorageError('locked')`` after ``wait``
    seconds (default :data:`LOCK_WAIT_SECONDS`) of the other side being locked."""
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)

    def progress(status: int, _remaining: int, _total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise KnownStorageError("locked")

    try:
        src.backup(dst, pages=256, progress=progress, sleep=0.05)
    except KnownStorageError:
        raise
    except sqlite3.Error as exc:
        translated = translate_error(exc)
        if isinstance(translated, KnownStorageError):
            raise translated from exc
        raise


def backup_database(db_file: Path, dest: Path) -> Path:
    """Copy ``db_file`` with sqlite3's online backup API (a file copy misses pages in ``-wal``)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = connect_file(db_file)
    try:
        dst = connect_file(dest)
        try:
            copy_database(src, dst)
        finally:
            dst.close()
    finally:
        src.close()
    return dest


def _backup_path(backup_dir: Path, rev: str, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = backup_dir / f"{rev}-{stamp}.db"
    n = 1
    while path.exists():
        path = backup_dir / f"{rev}-{stamp}-{n}.db"
        n += 1
    return path


def migrate(
    engine: Engine,
    db_file: Path,
    backup_dir: Path,
    *,
    now: Callable[[], datetime] | None = None,
) -> MigrationResult:
    """Bring ``db_file`` to the head revision.

    Raises:
        KnownStorageError: the file is not a database, is locked, read-only, corrupt...
        SchemaTooNewError: the database carries a revision this build does not know.
        UnversionedDatabaseError: an SQLite file with tables but no revision.
    """
    _check_header(db_file)
    chain = chain_revisions()
    if chain is not None and _peek_revision(db_file) == chain[1]:
        current = current_revision(engine)
        if current == chain[1]:
            return MigrationResult(current, current, None)  # the usual start: Alembic not loaded
    from alembic.util import CommandError

    script = script_directory()
    head = script.get_current_head()
    assert head is not None
    _precheck_read_only(db_file, script, head)
    current = current_revision(engine)
    if current is not None:
        try:
            known = script.get_revision(current)
        except CommandError:
            known = None
        if known is None:
            raise SchemaTooNewError(db_revision=current, head=head)
    if current == head:
        return MigrationResult(current, head, None)
    if current is None:
        try:
            with engine.connect() as conn:
                tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        except Exception as exc:
            raise _known_or_original(exc) from exc
        if tables:
            raise UnversionedDatabaseError(tables=len(tables))
    backup: Path | None = None
    if current is not None:
        clock = now or (lambda: datetime.now(UTC))
        backup = backup_database(db_file, _backup_path(backup_dir, current, clock()))
        log.info("backed up database at revision %s to %s", current, backup)
    try:
        _upgrade(engine, head)
    except StorageError:
        raise
    except Exception as exc:
        raise _known_or_original(exc) from exc
    log.info("migrated database from %s to %s", current, head)
    return MigrationResult(current, head, backup)


def _peek_revision(db_file: Path) -> str | None:
    """The stamped revision read through a read-only connection (the file stays untouched);
    None when there is none or the file cannot be read (the full check then says why)."""
    if not db_file.exists() or db_file.stat().st_size == 0:
        return None
    try:
        conn = connect_file(db_file, read_only=True)
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return None if row is None else str(row[0])


def _precheck_read_only(db_file: Path, script: ScriptDirectory, head: str) -> None:
    """Refuse a foreign or newer database before the engine opens it.

    The engine's first connection switches the file to WAL, which rewrites its header; a file
    that is not ours must stay byte for byte as it was (issue 14 §3).
    """
    if not db_file.exists() or db_file.stat().st_size == 0:
        return
    try:
        conn = connect_file(db_file, read_only=True)
    except sqlite3.Error as exc:
        raise _known_or_original(exc) from exc
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not str(r[0]).startswith("sqlite_")
        ]
        current = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            current = None if row is None else str(row[0])
    except sqlite3.Error as exc:
        raise _known_or_original(exc) from exc
    finally:
        conn.close()
    if current is None:
        others = [t for t in tables if t != "alembic_version"]
        if others:
            raise UnversionedDatabaseError(tables=len(others))
        return
    from alembic.util import CommandError

    try:
        known = script.get_revision(current)
    except CommandError:
        known = None
    if known is None:
        raise SchemaTooNewError(db_revision=current, head=head)


def _upgrade(engine: Engine, target: str) -> None:
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        # Batch mode recreates tables; with foreign keys on, dropping a parent table would
        # cascade. The pragma is a no-op inside a transaction, so it is set before BEGIN.
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            from alembic import command

            command.upgrade(alembic_config(conn), target)
            if conn.in_transaction():
                conn.commit()
            violations = raw.execute("PRAGMA foreign_key_check").fetchall()
            if violations:
                raise IntegrityCheckError(violations=len(violations))
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
