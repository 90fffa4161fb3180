"""The shipped systemd unit of the server is one systemd accepts (``systemd-analyze verify``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "installer" / "motcua-server.service"


def test_the_server_unit_verifies(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed")
    text = UNIT.read_text(encoding="utf-8")
    assert "ExecStart=/opt/motcua/.venv/bin/motcua-server " in text
    assert "--trusted-proxy 127.0.0.1" in text and "--host 127.0.0.1" in text
    # verify needs the program to exist: point it at this interpreter's venv.
    program = Path(sys.executable).parent / "motcua-server"
    if not program.exists():
        pytest.skip("motcua-server is not installed in this environment")
    copy = tmp_path / UNIT.name
    copy.write_text(text.replace("/opt/motcua/.venv/bin/motcua-server", str(program)), "utf-8")
    result = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
