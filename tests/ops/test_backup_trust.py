"""Backups and restores that never lose (issue 14 §3), on real SQLite files and processes."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from motcua_desk import bootstrap
from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths, Settings, load_settings, save_settings
from motcua_desk.instance_lock import InstanceLock, InstanceLockedError
from motcua_desk.services.backup import BackupInvalidError, BackupService, verify_backup
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.errors import KnownStorageError
from motcua_desk.storage.migrate import head_revision

from .test_backup import AGENCY, T0, count, fill, service

UNIT = Settings(
    agency_id=AGENCY,
    agency_name="UBND xã Hòa Bình",
    managing_body="UBND tỉnh",
    counter_name="Quầy 1",
    place_name="Hòa Bình",
)


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    p = AppPaths(tmp_path / "data", tmp_path / "logs")
    build_context(p, lambda: T0, seed=False)
    return p


@pytest.mark.parametrize("name", ["Sao luu #1.db", "bản sao? 50%.db", "a%23b.db"])
def test_backup_names_with_uri_characters_are_opened_as_paths(
    paths: AppPaths, tmp_path: Path, name: str
) -> None:
    fill(paths.db_file, 40)
    svc = service(paths)
    made = svc.backup_now()
    odd = tmp_path / "usb" / name
    odd.parent.mkdir()
    shutil.copyfile(made, odd)
    fill(paths.db_file, 5, start=40)
    assert verify_backup(odd).dossiers == 40
    svc.restore(odd)
    assert count(paths.db_file) == 40
    # Nothing was created beside it under a truncated name ("Sao luu ").
    assert sorted(p.name for p in odd.parent.iterdir()) == [name]


def test_a_restore_on_a_new_pc_brings_back_the_settings(paths: AppPaths, tmp_path: Path) -> None:
    ctx = build_context(paths, lambda: T0, seed=False)
    ctx.settings_store.update(**{k: getattr(UNIT, k) for k in ("agency_id", "agency_name")})
    ctx.accounts.first_run(
        bootstrap_unit(),
        "quantri",
        "Nguyễn Văn Quản",
        "mat-khau-dai-1",
    )
    backup = BackupService(paths, ctx.settings_store, lambda: T0).backup_now()
    assert verify_backup(backup).has_settings
    # A new PC: empty data directory, no settings.toml.
    new = AppPaths(tmp_path / "new-pc", tmp_path / "new-logs")
    new.ensure()
    BackupService(new, SettingsStore(Settings(), new), lambda: T0).restore(backup)
    restored = load_settings(new.settings_file)
    assert restored.agency_id == AGENCY and restored.counter_name == "Quầy 1"
    ctx2 = build_context(new, lambda: T0, seed=False)
    assert not ctx2.accounts.needs_first_run()  # no wizard that cannot finish
    assert ctx2.accounts.login("quantri", "mat-khau-dai-1").username == "quantri"
    with sqlite3.connect(new.db_file) as conn:  # the carrier table stays empty in live files
        assert conn.execute("SELECT count(*) FROM backup_files").fetchone() == (0,)


def bootstrap_unit():  # type: ignore[no-untyped-def]
    from motcua_desk.services.accounts import UnitSetup

    return UnitSetup(AGENCY, "UBND xã Hòa Bình", "UBND tỉnh", "Quầy 1", "Hòa Bình")


def test_a_file_with_a_dossiers_table_and_the_head_revision_is_not_enough(
    paths: AppPaths, tmp_path: Path
) -> None:
    fake = tmp_path / "fake.db"
    with sqlite3.connect(fake) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (head_revision(),))
        conn.execute("CREATE TABLE dossiers (id INTEGER PRIMARY KEY, code TEXT)")
    fill(paths.db_file, 10)
    assert verify_backup(fake).reason == "incomplete"
    with pytest.raises(BackupInvalidError) as info:
        service(paths).restore(fake)
    assert info.value.data["reason"] == "incomplete"
    assert count(paths.db_file) == 10


def test_a_backup_missing_one_column_is_refused(paths: AppPaths) -> None:
    fill(paths.db_file, 3)
    backup = service(paths).backup_now()
    with sqlite3.connect(backup) as conn:
        conn.execute("ALTER TABLE users DROP COLUMN locked_at")
    assert verify_backup(backup).reason == "incomplete"


def test_a_restore_never_waits_forever_on_a_lock(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(paths.db_file, 10)
    backup = service(paths).backup_now()
    # storage/__init__ re-exports the function ``migrate``: reach the module itself.
    monkeypatch.setattr(sys.modules["motcua_desk.storage.migrate"], "LOCK_WAIT_SECONDS", 1.0)
    holder = sqlite3.connect(paths.db_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program keeps the write lock
    outcome: list[BaseException | None] = []

    def restore() -> None:
        try:
            service(paths).restore(backup)
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=restore, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(60)
    holder.rollback()
    holder.close()
    assert not worker.is_alive(), "restore hung on the lock"
    assert isinstance(outcome[0], KnownStorageError) and outcome[0].reason == "locked"
    assert time.monotonic() - started < 30
    assert count(paths.db_file) == 10


def test_restore_is_refused_while_the_app_runs(paths: AppPaths) -> None:
    fill(paths.db_file, 7)
    backup = service(paths).backup_now()
    fill(paths.db_file, 2, start=7)
    with InstanceLock(paths.db_file):  # the running app holds it
        with pytest.raises(InstanceLockedError):
            service(paths).restore(backup)
        cli = subprocess.run(
            [sys.executable, "-m", "motcua_desk", "restore", str(backup)]
            + ["--data-dir", str(paths.data_dir)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert cli.returncode == 1 and "đang dùng cơ sở dữ liệu" in cli.stderr
    assert count(paths.db_file) == 9
    service(paths).restore(backup)  # once the app is closed it works
    assert count(paths.db_file) == 7


def test_leftover_partial_files_are_cleaned_up(paths: AppPaths) -> None:
    stale = paths.backup_dir / "daily-20260301.4242.partial"
    stale.write_bytes(b"half a backup")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    fresh = paths.backup_dir / "manual-x.999.partial"  # another process may be writing it
    fresh.write_bytes(b"in progress")
    assert service(paths).daily_backup() is not None
    assert not stale.exists() and fresh.exists()


def test_a_failed_backup_leaves_no_partial(
    paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motcua_desk.services import backup as backup_mod

    def broken(_path: Path):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(backup_mod, "verify_backup", broken)
    with pytest.raises(OSError, match="disk full"):
        service(paths).backup_now()
    assert list(paths.backup_dir.glob("*.partial")) == []


def _run_app(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        # --self-test: console only (the app itself would show the same text in a dialog).
        [sys.executable, "-m", "motcua_desk", "--self-test", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


@pytest.mark.parametrize("damage", ["too_new", "garbage", "foreign"])
def test_a_newer_or_unreadable_database_gives_a_clear_message(
    paths: AppPaths, damage: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    fill(paths.db_file, 3)
    if damage == "too_new":
        with sqlite3.connect(paths.db_file) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
    elif damage == "garbage":
        for extra in ("-wal", "-shm"):
            Path(f"{paths.db_file}{extra}").unlink(missing_ok=True)
        # The magic is right, the rest is noise: an unreadable file.
        paths.db_file.write_bytes(b"SQLite format 3\x00" + bytes(84) + os.urandom(8092))
    else:
        paths.db_file.unlink()
        with sqlite3.connect(paths.db_file) as conn:
            conn.execute("CREATE TABLE notes (x TEXT)")
    before = paths.db_file.read_bytes()
    shown: list[str] = []
    import motcua_desk.ui.app as ui_app

    monkeypatch.setattr(ui_app, "show_start_error", shown.append)
    monkeypatch.setattr(ui_app, "_run_main_window", lambda *_a: pytest.fail("the app started"))
    code = bootstrap.run(data_dir=paths.data_dir, temp=False, self_test=False, qt_argv=["x"])
    err = capsys.readouterr().err
    assert code == bootstrap.EXIT_START_FAILED
    assert shown and shown[0] in err
    assert "Traceback" not in err
    expected = {
        "too_new": "phiên bản mới hơn",
        "garbage": "không phải cơ sở dữ liệu",
        "foreign": "không phải của phần mềm",
    }[damage]
    assert expected in err
    assert paths.db_file.read_bytes() == before


def test_a_newer_database_from_the_command_line_has_no_traceback(paths: AppPaths) -> None:
    with sqlite3.connect(paths.db_file) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    result = _run_app(paths.data_dir)
    assert result.returncode == bootstrap.EXIT_START_FAILED
    assert "phiên bản mới hơn" in result.stderr and "Traceback" not in result.stderr


def test_a_second_instance_is_refused_before_it_migrates_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    data = tmp_path / "fresh"
    db = data / "motcua.db"
    shown: list[str] = []
    import motcua_desk.ui.app as ui_app

    monkeypatch.setattr(ui_app, "show_start_error", shown.append)
    with InstanceLock(db):
        code = bootstrap.run(data_dir=data, temp=False, self_test=False, qt_argv=["x"])
    assert code == bootstrap.EXIT_ALREADY_RUNNING
    assert not db.exists()  # not created, not migrated
    assert not (data / "backups").exists() or not list((data / "backups").iterdir())
    assert shown and "đang dùng cơ sở dữ liệu" in capsys.readouterr().err


def test_a_second_process_is_refused_while_another_holds_the_database(paths: AppPaths) -> None:
    code = (
        "import sys, time; from pathlib import Path;"
        "from motcua_desk.instance_lock import InstanceLock;"
        f"lock = InstanceLock(Path({str(paths.db_file)!r})).acquire(); print('held', flush=True);"
        "time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(InstanceLockedError):
            InstanceLock(paths.db_file).acquire()
        result = _run_app(paths.data_dir)
        assert result.returncode == bootstrap.EXIT_ALREADY_RUNNING
    finally:
        holder.kill()
        holder.communicate()
    InstanceLock(paths.db_file).acquire().release()  # the OS dropped it with the process


def test_settings_file_roundtrip_keeps_odd_text(paths: AppPaths) -> None:
    s = Settings(agency_name='UBND "xã" \\ Hòa\tBình'.replace("\t", " "), counter_name="Quầy #1")
    save_settings(paths.settings_file, s)
    assert load_settings(paths.settings_file) == s
