"""Build the frozen one-folder app, smoke-test it, and pack it.

    .venv/bin/python installer/build.py            # build + smoke test + tarball
    .venv/bin/python installer/build.py --no-pack  # build + smoke test only

The smoke test runs ``dist/motcua_desk/motcua_desk --temp-data-dir --self-test`` offscreen: a
fresh database is migrated, a receipt is rendered and the main window opens and closes.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
APP_DIR = DIST / "motcua_desk"


def version() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from motcua_desk import __version__

    return __version__


def build() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",  # never reuse bytecode cached from an earlier build of changed sources
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(ROOT / "build" / "pyinstaller"),
            str(ROOT / "installer" / "motcua_desk.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def executable() -> Path:
    name = "motcua_desk.exe" if os.name == "nt" else "motcua_desk"
    return APP_DIR / name


def smoke_test() -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [str(executable()), "--temp-data-dir", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 or "SELF-TEST OK" not in result.stdout:
        raise SystemExit(
            f"frozen self-test failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout.strip()


def pack() -> Path:
    machine = platform.machine().lower() or "unknown"
    out = DIST / f"motcua_desk-{version()}-{sys.platform}-{machine}.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        tar.add(APP_DIR, arcname="motcua_desk")
        tar.add(
            ROOT / "installer" / "motcua-desk.desktop", arcname="motcua_desk/motcua-desk.desktop"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-pack", action="store_true")
    args = parser.parse_args()
    build()
    print(smoke_test())  # noqa: T201
    if not args.no_pack:
        print(pack())  # noqa: T201


if __name__ == "__main__":
    main()
