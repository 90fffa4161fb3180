"""Alembic chain, upgrades from empty and from the frozen first schema, backups, refusals."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, text

from motcua_desk.storage import (
    KnownStorageError,
    SchemaTooNewError,
    UnversionedDatabaseError,
    current_revision,
    head_revision,
    make_engine,
    make_uow_factory,
    migrate,
)
from motcua_desk.storage.migrate import script_directory
from motcua_desk.storage.orm import Base

FROZEN_0001 = Path(__file__).parent / "data" / "schema_0001.sql"
FIXED_NOW = datetime(2026, 11, 25, 1, 2, 3, tzinfo=UTC)


@pytest.fixture
def frozen_db(tmp_path: Path) -> Path:
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    con.executescript(FROZEN_0001.read_text(encoding="utf-8"))
    con.close()
    return db


@pytest.fixture
def fresh_engine(db_file: Path) -> Iterator[Engine]:
    eng = make_engine(db_file)
    yield eng
    eng.dispose()


def _no_diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))


def test_chain_is_linear_with_one_base_and_head() -> None:
    script = script_directory()
    assert len(script.get_bases()) == 1
    assert script.get_heads() == [head_revision()]
    revs = list(script.walk_revisions())
    for rev in revs:
        downs = rev.down_revision
        assert downs is None or isinstance(downs, str), f"{rev.revision} merges branches"
    # walk_revisions goes head -> base; every revision is reached exactly once.
    assert len({r.revision for r in revs}) == len(revs)
    assert revs[-1].down_revision is None


def test_revision_files_are_date_prefixed() -> None:
    for rev in script_directory().walk_revisions():
        name = Path(rev.path).name
        assert name[:11].replace("_", "").isdigit() and name[4] == "_", name


def test_upgrade_from_empty(fresh_engine: Engine, db_file: Path, tmp_path: Path) -> None:
    result = migrate(fresh_engine, db_file, tmp_path / "backups")
    assert result.from_rev is None
    assert result.to_rev == head_revision()
    assert result.backup_path is None  # nothing to lose
    assert current_revision(fresh_engine) == head_revision()
    assert _no_diff(fresh_engine) == []


def test_second_start_is_a_no_op(fresh_engine: Engine, db_file: Path, tmp_path: Path) -> None:
    migrate(fresh_engine, db_file, tmp_path / "backups")
    again = migrate(fresh_engine, db_file, tmp_path / "backups")
    assert again.from_rev == again.to_rev == head_revision()
    assert again.backup_path is None
    assert not (tmp_path / "backups").exists()


def test_upgrade_from_frozen_first_schema(frozen_db: Path, tmp_path: Path) -> None:
    eng = make_engine(frozen_db)
    try:
        assert current_revision(eng) == "0001"
        result = migrate(eng, frozen_db, tmp_path / "backups", now=lambda: FIXED_NOW)
        assert (result.from_rev, result.to_rev) == ("0001", head_revision())
        assert _no_diff(eng) == []
        with eng.connect() as conn:
            rows = conn.execute(
                text("SELECT code, updated_at, received_at FROM dossiers ORDER BY id")
            ).all()
            assert [r.code for r in rows] == [
                "000.00.06.H56-231027-0361",
                "000.00.06.H56-260212-0001",
            ]
            assert all(r.updated_at == r.received_at for r in rows)  # back-filled in SQL
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        factory = make_uow_factory(eng)
        with factory() as uow:
            old = uow.dossiers.by_code("000.00.06.H56-231027-0361")
            assert old is not None
            assert old.applicant.full_name == "Lê Thị Hoa"
            assert [i.name for i in old.checklist] == [
                "Tờ khai đăng ký khai sinh",
                "Giấy chứng sinh",
            ]
            assert old.received_at == datetime(2023, 10, 27, 2, 32, tzinfo=UTC)
            assert uow.audit.verify().ok
            assert [e.state for e in uow.outbox.pending()] == ["pending"]
            assert uow.sync_state.get("pull_cursor") == "42"
            assert uow.sequences.next_seq("000.00.06.H56", datetime(2026, 2, 12).date()) == 2
            assert len(uow.dossiers.timeline(2)) == 1
    finally:
        eng.dispose()


def test_backup_is_taken_before_upgrade_and_restorable(frozen_db: Path, tmp_path: Path) -> None:
    eng = make_engine(frozen_db)
    try:
        result = migrate(eng, frozen_db, tmp_path / "backups", now=lambda: FIXED_NOW)
    finally:
        eng.dispose()
    assert result.backup_path == tmp_path / "backups" / "0001-20261125T010203Z.db"
    assert result.backup_path.is_file()
    restored = tmp_path / "restored.db"
    restored.write_bytes(result.backup_path.read_bytes())
    eng2 = make_engine(restored)
    try:
        assert current_revision(eng2) == "0001"
        with eng2.connect() as conn:
            cols = [r[1] for r in conn.execute(text("PRAGMA table_info(dossiers)"))]
            assert "updated_at" not in cols  # the backup is the old schema, untouched
            assert conn.execute(text("SELECT count(*) FROM dossiers")).scalar() == 2
        # ...and it can be migrated again.
        assert migrate(eng2, restored, tmp_path / "b2").to_rev == head_revision()
    finally:
        eng2.dispose()


def test_backup_names_do_not_collide(frozen_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(frozen_db.read_bytes())
    paths = []
    for db in (frozen_db, copy):
        eng = make_engine(db)
        try:
            paths.append(migrate(eng, db, tmp_path / "backups", now=lambda: FIXED_NOW).backup_path)
        finally:
            eng.dispose()
    assert paths[0] != paths[1]
    assert all(p is not None and p.is_file() for p in paths)


def test_newer_schema_is_refused(fresh_engine: Engine, db_file: Path, tmp_path: Path) -> None:
    migrate(fresh_engine, db_file, tmp_path / "backups")
    with fresh_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaTooNewError) as info:
        migrate(fresh_engine, db_file, tmp_path / "backups")
    assert info.value.data == {"db_revision": "9999", "head": head_revision()}
    assert not (tmp_path / "backups").exists()
    with fresh_engine.connect() as conn:  # untouched
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"


def test_non_database_file_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "motcua.db"
    bogus.write_text("Đây không phải cơ sở dữ liệu\n" * 100, encoding="utf-8")
    before = bogus.read_bytes()
    eng = make_engine(bogus)
    try:
        with pytest.raises(KnownStorageError) as info:
            migrate(eng, bogus, tmp_path / "backups")
    finally:
        eng.dispose()
    assert info.value.reason == "not_a_database"
    assert bogus.read_bytes() == before


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE things (x)")
    con.close()
    eng = make_engine(other)
    try:
        with pytest.raises(UnversionedDatabaseError):
            migrate(eng, other, tmp_path / "backups")
    finally:
        eng.dispose()


def test_audit_triggers_exist_after_upgrade(engine: Engine) -> None:
    with engine.connect() as conn:
        names = set(
            conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
        )
    assert {"audit_log_no_update", "audit_log_no_delete"} <= names


def test_locked_database_at_start_is_known(
    fresh_engine: Engine, db_file: Path, tmp_path: Path
) -> None:
    migrate(fresh_engine, db_file, tmp_path / "backups")
    fresh_engine.dispose()
    holder = sqlite3.connect(db_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    eng = make_engine(db_file)

    @event.listens_for(eng, "connect")
    def _short_wait(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=50")  # runs after the app's own hook

    try:
        with pytest.raises(KnownStorageError) as info:
            migrate(eng, db_file, tmp_path / "backups")
        assert info.value.reason == "locked"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        eng.dispose()


def test_env_uses_batch_mode_in_both_configure_calls() -> None:
    env = (Path(script_directory().dir) / "env.py").read_text(encoding="utf-8")
    assert env.count("render_as_batch=True,") == 2
    assert env.count("context.configure(") == 2
