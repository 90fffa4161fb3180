"""Daily backup, verification and restore on real SQLite files (issue 8)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths, Settings
from motcua_desk.domain.dossier import Dossier, Person, Status
from motcua_desk.services.backup import BackupInvalidError, BackupService, verify_backup
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.engine import make_engine
from motcua_desk.storage.orm import DossierRow
from motcua_desk.storage.repositories.dossiers import dossier_columns

AGENCY = "000.00.06.H56"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=OFFICE_TZ)


def fill(db: Path, n: int, start: int = 0) -> None:
    rows = []
    for i in range(start, start + n):
        at = T0 + timedelta(minutes=i)
        d = Dossier(
            sync_id=str(uuid.UUID(int=i + 1)),
            code=f"{AGENCY}-260302-{i + 1:05d}",
            agency_id=AGENCY,
            procedure_code="1.001193",
            procedure_name="Thủ tục đăng ký khai sinh",
            applicant=Person(f"Nguyễn Thị Hằng {i}", f"{i:012d}"),
            received_at=at,
            due_at=at + timedelta(days=5),
            status=Status.RECEIVED,
        )
        rows.append(dossier_columns(d) | {"updated_at": at})
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(insert(DossierRow), rows)
    engine.dispose()


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM dossiers").fetchone()[0])


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    p = AppPaths(tmp_path / "data", tmp_path / "logs")
    build_context(p, lambda: T0, seed=False)  # migrates a fresh database
    return p


def service(paths: AppPaths, keep_days: int = 30) -> BackupService:
    return BackupService(paths, SettingsStore(Settings(backup_keep_days=keep_days)), lambda: T0)


def test_round_trip_with_10000_dossiers(paths: AppPaths) -> None:
    fill(paths.db_file, 10_000)
    svc = service(paths)
    backup = svc.daily_backup()
    assert backup is not None and backup.name == "daily-20260302.db"
    report = verify_backup(backup)
    assert report.ok and report.dossiers == 10_000
    fill(paths.db_file, 5, start=10_000)  # work after the backup...
    assert count(paths.db_file) == 10_005
    safety = svc.restore(backup)
    assert count(paths.db_file) == 10_000  # ...is gone from the live file
    assert safety is not None and count(safety) == 10_005  # but kept in the safety copy
    with sqlite3.connect(paths.db_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_includes_pages_still_in_the_wal(paths: AppPaths) -> None:
    holder = sqlite3.connect(paths.db_file)  # keeps the WAL from being checkpointed away
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("SELECT count(*) FROM dossiers").fetchone()  # opens the WAL index
    fill(paths.db_file, 50)
    assert Path(f"{paths.db_file}-wal").stat().st_size > 0
    backup = service(paths).backup_now()
    assert verify_backup(backup).dossiers == 50
    holder.close()


def test_one_daily_backup_per_day_and_pruning(paths: AppPaths) -> None:
    svc = service(paths, keep_days=7)
    assert svc.daily_backup(T0) is not None
    assert svc.daily_backup(T0 + timedelta(hours=3)) is None  # same office day
    for days in (1, 2, 8):
        assert svc.daily_backup(T0 + timedelta(days=days)) is not None
    names = sorted(p.name for p in paths.backup_dir.glob("daily-*.db"))
    # The backup of 10/03 pruned everything older than 7 days (before 03/03).
    assert names == ["daily-20260303.db", "daily-20260304.db", "daily-20260310.db"]
    removed = svc.prune(T0 + timedelta(days=10))  # 12/03: keep from 05/03
    assert [p.name for p in removed] == ["daily-20260303.db", "daily-20260304.db"]
    assert [p.name for p in paths.backup_dir.glob("daily-*.db")] == ["daily-20260310.db"]
    svc.backup_now()
    svc.prune(T0 + timedelta(days=400))
    assert [p.name for p in paths.backup_dir.glob("manual-*.db")]  # manual ones stay


@pytest.mark.parametrize("damage", ["truncate", "flip", "not_a_db", "too_new", "missing"])
def test_a_damaged_backup_is_refused_and_the_database_kept(paths: AppPaths, damage: str) -> None:
    fill(paths.db_file, 300)
    svc = service(paths)
    backup = svc.backup_now()
    data = backup.read_bytes()
    expected = {
        "truncate": "corrupt",
        "flip": "corrupt",
        "not_a_db": "not_a_database",
        "too_new": "too_new",
        "missing": "missing",
    }[damage]
    if damage == "truncate":
        backup.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        page = 4096
        backup.write_bytes(
            data[: 3 * page] + bytes(b ^ 0xFF for b in data[3 * page : 6 * page]) + data[6 * page :]
        )
    elif damage == "not_a_db":
        backup.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 100)
    elif damage == "too_new":
        with sqlite3.connect(backup) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
    else:
        backup.unlink()
    assert verify_backup(backup).reason == expected
    with pytest.raises(BackupInvalidError) as info:
        svc.restore(backup)
    assert info.value.data["reason"] == expected
    assert count(paths.db_file) == 300


def test_cli_backup_list_and_restore(paths: AppPaths) -> None:
    fill(paths.db_file, 20)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "motcua_desk", *args, "--data-dir", str(paths.data_dir)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    made = run("backup")
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip())
    assert backup.exists() and verify_backup(backup).dossiers == 20
    assert str(backup) in run("list-backups").stdout
    fill(paths.db_file, 3, start=20)
    restored = run("restore", str(backup))
    assert restored.returncode == 0 and "Đã khôi phục" in restored.stdout
    assert count(paths.db_file) == 20
    bad = paths.data_dir / "bad.db"
    bad.write_bytes(b"not a database at all")
    refused = run("restore", str(bad))
    assert refused.returncode == 1 and "not_a_database" in refused.stderr
    assert count(paths.db_file) == 20
    assert run("restore").returncode == 2


def test_cli_export_unsent_needs_enrolment(paths: AppPaths) -> None:
    out = paths.data_dir / "su-kien.motcua"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "motcua_desk",
            "export-unsent",
            str(out),
            "--data-dir",
            str(paths.data_dir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1 and "chưa đăng ký" in result.stderr
    assert not out.exists()
