"""The Locust counters model (bench/locust_counters.py) still runs against the real server.

A few seconds of ``bench/locust_run.py`` on a 1-worker SQLite server: every request type of a
counter (enrol, lease, push, pull, blob state, blob chunk) is exercised and none fails, so the
load test cannot rot silently. Locust (gevent) runs in a subprocess, never in this process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO / "bench" / "locust_run.py"
REQUESTS = ("enrol", "lease", "push", "pull", "blob state", "blob chunk")


def run_bench(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], Any]:
    out = tmp_path / "figures.json"
    argv = [sys.executable, str(RUNNER), "--workers", "1", "--users", "3", "--spawn-rate", "3"]
    argv += ["--time", "2s", "--no-floor", "--sqlite", "--check", "--json", str(out), *extra]
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path
    )
    figures = json.loads(out.read_text("utf-8")) if out.is_file() else None
    return proc, figures


def test_counters_exercise_every_endpoint_without_failure(tmp_path: Path) -> None:
    proc, figures = run_bench(tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (point,) = figures
    rows = {r["name"]: r for r in point["counters"]["rows"]}
    for name in REQUESTS:
        assert rows[name]["count"] > 0, name
        assert rows[name]["failures"] == 0, (name, point["counters"]["failures"])
    totals = point["counters"]["totals"]
    assert totals["enrolled"] == 3
    assert totals["events"] > 0 and totals["dossiers"] > 0
    assert totals["blobs"] >= 3 and totals["blob_bytes"] >= 3 * 250_000
    assert totals["changes"] > 0  # the seed catalogue, pulled by each counter
    assert "push" in proc.stdout and "events/s" in proc.stdout


def test_a_refused_push_fails_the_check(tmp_path: Path) -> None:
    # A server that refuses every push batch (body over its limit): the model must say so.
    proc, figures = run_bench(tmp_path, "--max-body-bytes", "8000")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "CHECK FAILED" in proc.stdout
    rows = {r["name"]: r for r in figures[0]["counters"]["rows"]}
    assert rows["push"]["failures"] == rows["push"]["count"] > 0
    assert not figures[0]["counters"]["totals"].get("events")
