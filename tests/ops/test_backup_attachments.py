"""Backups include the digitised papers (issue 15): each file once, and a restore brings them back."""

from __future__ import annotations

import shutil
from pathlib import Path

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths, Settings
from motcua_desk.services.backup import BackupService
from motcua_desk.services.context import SettingsStore
from motcua_desk.storage.filestore import FileStore

from .test_backup import T0, fill


def test_backup_copies_attachments_once_and_restore_brings_them_back(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "data", tmp_path / "logs")
    build_context(paths, lambda: T0, seed=False)
    fill(paths.db_file, 3)
    live = FileStore(paths.attachments_dir)
    a = live.put_bytes(b"%PDF-1.7 scanned page").sha256
    svc = BackupService(paths, SettingsStore(Settings()), lambda: T0)
    first = svc.backup_now()
    backup_store = FileStore(paths.backup_attachments_dir)
    assert list(backup_store.all_hashes()) == [a]
    b = live.put_bytes(b"%PDF-1.7 another").sha256
    assert svc.backup_attachments() == 1  # only the new file is copied
    assert svc.backup_attachments() == 0
    # The disk loses the attachments folder; restoring the backup brings every file back.
    shutil.rmtree(paths.attachments_dir)
    svc.restore(first)
    assert sorted(live.all_hashes()) == sorted([a, b])
    assert live.verify(a) and live.verify(b)
