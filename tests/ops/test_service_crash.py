"""kill -9 during saves through the service layer, at least 100 rounds (issue 14 §6).

The storage-level crash test (tests/storage/test_crash.py) writes rows by hand; this one
kills a process running the real ``ReceptionService`` at random moments and checks, after
every round, that what the clerk saw printed is stored and nothing is half-written. Marked
``slow``; ``MOTCUA_CRASH_ROUNDS`` changes the number of rounds (default 100).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.storage.uow import reading

from .service_crash_child import NOW

CHILD = Path(__file__).parent / "service_crash_child.py"
SRC = Path(__file__).resolve().parents[2] / "src"
ROUNDS = int(os.environ.get("MOTCUA_CRASH_ROUNDS", "100"))


def _round(data: Path, tag: str, rng: random.Random) -> list[str]:
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), str(data), tag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    codes: list[str] = []
    try:
        for _ in range(rng.randint(1, 4)):
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"child exited early: {proc.stderr.read().decode()}")
            codes.append(line.decode().strip())
        time.sleep(rng.uniform(0, 0.03))  # land anywhere inside the next save
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        rest = proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    codes += [c for c in rest.decode().split("\n")[:-1] if c]
    return codes


def _check(db: Path) -> tuple[set[str], int]:
    raw = sqlite3.connect(db)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        bad = raw.execute(
            "SELECT d.code, count(o.seq) FROM dossiers d "
            "LEFT JOIN outbox o ON o.aggregate_id = d.sync_id "
            "GROUP BY d.id HAVING count(o.seq) != 1"
        ).fetchall()
        assert bad == []
        orphans = raw.execute(
            "SELECT count(*) FROM outbox o WHERE NOT EXISTS "
            "(SELECT 1 FROM dossiers d WHERE d.sync_id = o.aggregate_id)"
        ).fetchone()
        assert orphans == (0,)
        n = raw.execute("SELECT count(*) FROM dossiers").fetchone()[0]
        received = raw.execute(
            "SELECT count(*) FROM audit_log WHERE action = 'dossier.received'"
        ).fetchone()[0]
        assert received == n
        codes = {r[0] for r in raw.execute("SELECT code FROM dossiers")}
        assert len(codes) == n
    finally:
        raw.close()
    return codes, n


@pytest.mark.slow
def test_sigkill_through_the_services_loses_nothing(tmp_path: Path) -> None:
    paths = AppPaths(tmp_path / "data", tmp_path / "logs")
    ctx = build_context(paths, lambda: NOW)  # migrated, catalogue seeded
    ctx.accounts.first_run(_unit(), "admin", "Quản trị", "mat-khau-2026")
    rng = random.Random(20261203)
    printed: list[str] = []
    for round_no in range(ROUNDS):
        printed += _round(paths.data_dir, f"r{round_no}", rng)
        stored, _n = _check(paths.db_file)
        missing = set(printed) - stored
        assert not missing, f"round {round_no}: printed but not stored: {sorted(missing)[:3]}"
        assert len(set(printed)) == len(printed)  # no code handed out twice
        # At most one save per round can commit after its code was last read.
        assert 0 <= len(stored) - len(printed) <= round_no + 1
    with reading(ctx.reception._uow_factory) as uow:  # noqa: SLF001
        assert uow.audit.verify().ok


def _unit():  # type: ignore[no-untyped-def]
    from motcua_desk.services.accounts import UnitSetup

    return UnitSetup("000.00.06.H56", "UBND phường Hạc Thành", "UBND tỉnh", "Quầy 1", "Thanh Hóa")
