"""Cold start to a usable login window (target <= 0.8 s).

Each run starts a fresh Python process and reports (login dialog first painted - process
spawned), median over several runs. Two variants:

* ``full``: the real start, ``motcua_desk.bootstrap.run`` (settings, SQLite engine, migration
  check, services, then ``ui.app.run_gui`` up to the login dialog) on a prepared data directory;
* ``deferred``: ``ui.app.start_gui``: the login window first, ``bootstrap.build_context`` on the
  db lane meanwhile (the login button is enabled when it is ready);
* ``ui``: only the UI part (QApplication, fonts, single-instance guard, login dialog) on fakes.

"shown" is the first paint of the login dialog, "usable" the moment its login button is
enabled (the same moment except in ``deferred``).

Run: ``.venv/bin/python bench/ui_startup.py [runs]``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PAINT_SPY = r"""
import os, sys, time
sys.path[:0] = [{src!r}, {root!r}]
from PySide6.QtCore import QEvent, QObject, QTimer
from motcua_desk.ui.app import ensure_app

app = ensure_app(sys.argv)

class Painted(QObject):
    def __init__(self):
        super().__init__()
        self.dialog = None
        self.timer = QTimer()
        self.timer.setInterval(2)
        self.timer.timeout.connect(self.poll)

    def eventFilter(self, obj, event):
        if (
            self.dialog is None
            and event.type() == QEvent.Type.Paint
            and obj.objectName() == "login_dialog"
        ):
            print(f"PAINTED {{time.time():.6f}}", flush=True)
            self.dialog = obj
            self.timer.start()
            self.poll()
        return False

    def poll(self):
        if self.dialog.ok_button.isEnabled():
            print(f"USABLE {{time.time():.6f}}", flush=True)
            os._exit(0)

spy = Painted()
app.installEventFilter(spy)
"""

FULL = (
    PAINT_SPY
    + r"""
from pathlib import Path
from motcua_desk.bootstrap import run
run(data_dir=Path({data!r}), temp=False, self_test=False, qt_argv=sys.argv)
"""
)

DEFERRED = (
    PAINT_SPY
    + r"""
from pathlib import Path
from motcua_desk.config import AppPaths
from motcua_desk.ui.app import start_gui

paths = AppPaths(data_dir=Path({data!r}), log_dir=Path({data!r}) / "logs")

def build():
    from motcua_desk.bootstrap import build_context
    return build_context(paths)

start_gui(paths.db_file, build, sys.argv)
"""
)

UI_ONLY = (
    PAINT_SPY
    + r"""
import tempfile
from pathlib import Path
from tests.ui.fakes import make_context
from motcua_desk.ui.app import run_gui
run_gui(make_context(Path(tempfile.mkdtemp())), sys.argv)
"""
)


def prepare_data_dir() -> Path:
    """A data directory that has been set up (unit + admin), so no first-run wizard shows."""
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from bench.ui_common import PASSWORD

    from motcua_desk.bootstrap import build_context
    from motcua_desk.config import AppPaths
    from motcua_desk.services.accounts import UnitSetup

    base = Path(tempfile.mkdtemp(prefix="motcua-startup-"))
    ctx = build_context(AppPaths(data_dir=base, log_dir=base / "logs"))
    ctx.accounts.first_run(
        UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường", "Quầy 1", "Thanh Hóa"),
        "admin",
        "Lê Thị Hoa",
        PASSWORD,
    )
    return base


def one_run(template: str, data: Path) -> tuple[float, float]:
    code = template.format(src=str(ROOT / "src"), root=str(ROOT), data=str(data))
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    stamps = dict(line.split() for line in proc.stdout.splitlines() if line[:1].isupper())
    if "PAINTED" not in stamps or "USABLE" not in stamps:
        raise RuntimeError(f"login dialog never became usable: {proc.stderr[-2000:]}")
    return float(stamps["PAINTED"]) - start, float(stamps["USABLE"]) - start


def report(name: str, runs: list[tuple[float, float]]) -> None:
    for label, times in (("shown", [r[0] for r in runs]), ("usable", [r[1] for r in runs])):
        times.sort()
        print(
            f"  {name:8} {label:6} median {statistics.median(times) * 1000:7.1f} ms   "
            f"min {times[0] * 1000:7.1f}   max {times[-1] * 1000:7.1f}"
        )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    data = prepare_data_dir()
    print(f"ui_startup: process start -> login dialog painted / login button enabled, {runs} runs")
    print("  (target: usable login window <= 800 ms)")
    for name, template in (("full", FULL), ("deferred", DEFERRED), ("ui", UI_ONLY)):
        one_run(template, data)  # warm the OS file cache: "cold" = new process, not cold disk
        report(name, [one_run(template, data) for _ in range(runs)])


if __name__ == "__main__":
    main()
