"""The command line: --version and the frozen-build smoke test path (--self-test)."""

from __future__ import annotations

import os
import subprocess
import sys

from motcua_desk import __version__
from motcua_desk.storage.migrate import head_revision


def _run(*args: str, data_dir=None) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "motcua_desk", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )


def test_version_names_app_and_schema() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"motcua_desk {__version__} (schema {head_revision()})"


def test_self_test_on_a_fresh_data_dir(tmp_path) -> None:
    result = _run("--data-dir", str(tmp_path / "d"), "--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SELF-TEST OK" in result.stdout
    assert (tmp_path / "d" / "motcua.db").exists()
    assert list((tmp_path / "d" / "archive").rglob("*_receipt_*.pdf"))


def test_invalid_settings_file_is_reported_not_crashed(tmp_path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    (data / "settings.toml").write_text('cutoff = "25:99"\n', encoding="utf-8")
    result = _run("--data-dir", str(data), "--self-test")
    assert result.returncode == 2
    assert "cutoff" in result.stderr and "không hợp lệ" in result.stderr


def test_context_carries_a_sync_service_that_sees_the_outbox(tmp_path) -> None:
    from motcua_desk.bootstrap import build_context
    from motcua_desk.config import AppPaths
    from motcua_desk.services.reception import IntakeDraft

    from .conftest import HOA, UNIT

    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    assert ctx.sync is not None
    assert ctx.sync.health().pending == 0
    ctx.reception.receive(IntakeDraft("1.014137", HOA), admin)
    health = ctx.sync.health()
    assert health.pending == 1 and not health.online
    report = ctx.sync.run_once().value  # no server configured: reported, nothing lost
    assert report.error_code == "sync_not_configured"
    assert ctx.sync.health().pending == 1
