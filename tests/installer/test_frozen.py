"""The frozen one-folder build runs its self-test (issue 8).

Building takes about a minute, so this runs when ``MOTCUA_TEST_FROZEN=1`` (scripts/test.sh sets
it in CI); ``installer/build.py`` is the same command an IT officer or release job runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.mark.skipif(
    os.environ.get("MOTCUA_TEST_FROZEN") != "1", reason="MOTCUA_TEST_FROZEN=1 not set"
)
def test_frozen_app_passes_its_self_test() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "build.py"), "--no-pack"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "SELF-TEST OK" in result.stdout
    exe = ROOT / "dist" / "motcua_desk" / ("motcua_desk.exe" if os.name == "nt" else "motcua_desk")
    version = subprocess.run(
        [str(exe), "--version"], capture_output=True, text=True, timeout=120, check=False
    )
    assert version.returncode == 0
    assert version.stdout.startswith("motcua_desk ") and "(schema " in version.stdout
    data = ROOT / "dist" / "motcua_desk" / "_internal" / "motcua_desk" / "_data"
    assert (data / "resources" / "fonts" / "LiberationSerif-Regular.ttf").exists()
    assert list((data / "sql" / "migrations" / "versions").glob("*.py"))
    # The server and its libraries never ship to a counter (issue 17): not in the bundled
    # modules (the PYZ archive inside the executable), not as files beside them.
    from PyInstaller.archive.readers import CArchiveReader

    modules = list(CArchiveReader(str(exe)).open_embedded_archive("PYZ.pyz").toc)
    assert "motcua_desk.sync.engine" in modules
    tops = {name.split(".")[0] for name in modules}
    internal = {
        p.name.split(".")[0].split("-")[0] for p in exe.parent.joinpath("_internal").iterdir()
    }
    for server_only in ("motcua_server", "fastapi", "starlette", "uvicorn", "pydantic"):
        assert server_only not in tops and server_only not in internal, server_only
