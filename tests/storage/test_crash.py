"""kill -9 while saving: every committed dossier has exactly one outbox event, nothing half-written."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from motcua_desk.storage import UnitOfWork

WRITER = Path(__file__).parent / "crash_writer.py"
SRC = Path(__file__).resolve().parents[2] / "src"


def _run_and_kill(db_file: Path, tag: str, commits: int, rng: random.Random) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_file), tag],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    codes: list[str] = []
    try:
        while len(codes) < commits:
            line = proc.stdout.readline()
            if not line:
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"writer exited early: {err}")
            codes.append(line.decode().strip())
        time.sleep(rng.uniform(0, 0.02))  # land anywhere inside the next transaction
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        # Read through the same buffered reader: communicate() would skip what readline()
        # already buffered.
        rest = proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # Lines printed between our last read and the kill are committed too; a partial last line
    # (no newline) is ignored.
    tail = rest.decode().split("\n")
    codes.extend(c for c in tail[:-1] if c)
    return codes


def test_sigkill_while_saving_leaves_consistent_db(
    engine: Engine, db_file: Path, uow_factory: Callable[[], UnitOfWork]
) -> None:
    engine.dispose()  # the child owns the file while it runs
    rng = random.Random(20261125)
    printed: list[str] = []
    for round_no in range(4):
        printed += _run_and_kill(db_file, f"r{round_no}", rng.randint(15, 40), rng)

        raw = sqlite3.connect(db_file)
        try:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
            # No dossier without exactly one event, no event without its dossier.
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
            n_dossiers = raw.execute("SELECT count(*) FROM dossiers").fetchone()[0]
            assert raw.execute("SELECT count(*) FROM audit_log").fetchone()[0] == n_dossiers
            assert (
                raw.execute("SELECT count(*) FROM dossier_checklist").fetchone()[0]
                == 2 * n_dossiers
            )
            stored = {r[0] for r in raw.execute("SELECT code FROM dossiers")}
            # The sequence counter committed with the dossiers: no number reused or skipped.
            last_seq = raw.execute("SELECT last_seq FROM code_sequences").fetchone()[0]
        finally:
            raw.close()
        assert set(printed) <= stored
        # Each round may have committed one dossier and been killed before printing its code;
        # so far there were round_no + 1 rounds.
        assert 0 <= len(stored) - len(printed) <= round_no + 1
        assert len(set(printed)) == len(printed)
        assert last_seq == n_dossiers

    with uow_factory() as uow:
        assert uow.audit.verify().ok
        assert uow.dossiers.count() >= len(printed)
        for code in rng.sample(printed, 10):
            d = uow.dossiers.by_code(code)
            assert d is not None
            assert len(uow.outbox.for_aggregate(d.sync_id)) == 1
