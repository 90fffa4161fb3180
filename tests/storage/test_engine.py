"""Engine pragmas, BEGIN IMMEDIATE and error translation."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from motcua_desk.storage import KnownStorageError, make_engine, translate_error
from motcua_desk.storage.errors import known_reason


def test_pragmas_are_set_on_every_connection(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(IntegrityError):
        conn.execute(
            text(
                "INSERT INTO dossier_checklist (dossier_id, position, name, form, copies,"
                " required, received, note) VALUES (999, 0, 'x', 'original', 1, 1, 0, '')"
            )
        )


def test_transactions_take_the_write_lock_up_front(engine: Engine, db_file: Path) -> None:
    other = sqlite3.connect(db_file, timeout=0, isolation_level=None)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))  # a read alone already holds RESERVED
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            conn.rollback()
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_locked_database_becomes_known_error(db_file: Path, engine: Engine) -> None:
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    fast = make_engine(db_file)
    try:
        with fast.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA busy_timeout=50")  # before any BEGIN: do not wait 5 s
            with pytest.raises(KnownStorageError) as info:
                conn.execute(text("SELECT 1"))
        assert info.value.reason == "locked"
        assert info.value.code == "storage_known_error"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        fast.dispose()


def test_not_a_database_is_known(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is a text file, not SQLite, padded " * 40)
    eng = make_engine(bogus)
    try:
        with pytest.raises(KnownStorageError) as info, eng.connect():
            pass
        assert info.value.reason == "not_a_database"
    finally:
        eng.dispose()


def test_real_read_only_error_is_known(engine: Engine, db_file: Path) -> None:
    ro = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as info:
            ro.execute("INSERT INTO sync_state (key, value) VALUES ('k', 'v')")
        translated = translate_error(info.value)
        assert isinstance(translated, KnownStorageError)
        assert translated.reason == "read_only"
    finally:
        ro.close()


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("database is locked", "locked"),
        ("database or disk is full", "disk_full"),
        ("attempt to write a readonly database", "read_only"),
        ("database disk image is malformed", "corrupt"),
        ("file is not a database", "not_a_database"),
    ],
)
def test_translate_error_by_message(message: str, reason: str) -> None:
    exc = sqlite3.OperationalError(message)
    translated = translate_error(exc)
    assert isinstance(translated, KnownStorageError)
    assert translated.reason == reason
    assert translated.__cause__ is exc


def test_translate_error_wrapped_by_sqlalchemy() -> None:
    wrapped = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    assert known_reason(wrapped) == "locked"


def test_bugs_are_not_translated() -> None:
    bug = sqlite3.OperationalError("no such table: dossierz")
    assert translate_error(bug) is bug
    other = ValueError("boom")
    assert translate_error(other) is other
