"""Rotating log files and uncaught errors written to them (issue 8)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_log_rotates_and_keeps_five_files(tmp_path: Path) -> None:
    code = f"""
import logging
from pathlib import Path
from motcua_desk.bootstrap import setup_logging
setup_logging(Path({str(tmp_path)!r}))
log = logging.getLogger("motcua_desk.test")
for i in range(30000):
    log.info("dòng nhật ký số %06d " + "x" * 400, i)
"""
    assert _run(code).returncode == 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["motcua_desk.log"] + [f"motcua_desk.log.{i}" for i in range(1, 6)]
    assert all(p.stat().st_size <= 2_100_000 for p in tmp_path.iterdir())
    assert "dòng nhật ký số 029999" in (tmp_path / "motcua_desk.log").read_text(encoding="utf-8")


def test_uncaught_error_is_written_to_the_log(tmp_path: Path) -> None:
    code = f"""
from pathlib import Path
from motcua_desk.bootstrap import setup_logging
setup_logging(Path({str(tmp_path)!r}))
def deep():
    raise RuntimeError("hỏng-ở-đây-42")
deep()
"""
    result = _run(code)
    assert result.returncode == 1
    assert "hỏng-ở-đây-42" in result.stderr  # the default hook still runs
    text = (tmp_path / "motcua_desk.log").read_text(encoding="utf-8")
    assert "CRITICAL motcua_desk.uncaught: uncaught error" in text
    assert "in deep" in text and "RuntimeError: hỏng-ở-đây-42" in text
