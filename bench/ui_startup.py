"""Cold start to a usable login window (issue 12 §5: <= 300 ms median on the 2-core machine).

Each run starts a fresh Python process and reports times from the process spawn, median over
several runs. Two variants, measured in the same run:

* ``full``: the real start, ``motcua_desk.bootstrap.run`` on a prepared data directory: the
  login window first, then (on the db lane, behind it) the SQLite engine, the schema-version
  check, the services and the daily backup;
* ``ui``: the floor: only the UI part (QApplication, fonts, single-instance guard, login
  dialog) on fakes, with the context already built.

Three moments: "shown" is the first paint of the login dialog; "usable" the first moment after
it that the clerk can type and press the login button (a press before the database is ready is
answered when it is); "ready" the moment the database is open and the services wired (the
dialog shows the unit's name instead of "Đang mở cơ sở dữ liệu…"), i.e. when a press is
answered at once. ``ui`` is ready when shown. The ratio full/ui is printed for each.

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
from motcua_desk.ui.screens.login.controller import STARTING_TEXT

app = ensure_app(sys.argv)

class Painted(QObject):
    def __init__(self):
        super().__init__()
        self.dialog = None
        self.timer = QTimer()
        self.timer.setInterval(2)
        self.timer.timeout.connect(self.poll)
        self.usable = False

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
        now = time.time()
        if not self.usable and self.dialog.ok_button.isEnabled():
            self.usable = True
            print(f"USABLE {{now:.6f}}", flush=True)
        if self.usable and self.dialog.unit_label.text() != STARTING_TEXT:
            print(f"READY {{now:.6f}}", flush=True)
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


def one_run(template: str, data: Path) -> tuple[float, float, float]:
    code = template.format(src=str(ROOT / "src"), root=str(ROOT), data=str(data))
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    stamps = dict(line.split() for line in proc.stdout.splitlines() if line[:1].isupper())
    if not {"PAINTED", "USABLE", "READY"} <= stamps.keys():
        raise RuntimeError(f"login dialog never became ready: {proc.stderr[-2000:]}")
    return tuple(float(stamps[k]) - start for k in ("PAINTED", "USABLE", "READY"))  # type: ignore[return-value]


MOMENTS = ("shown", "usable", "ready")


def report(name: str, runs: list[tuple[float, float, float]]) -> list[float]:
    medians = []
    for i, label in enumerate(MOMENTS):
        times = sorted(r[i] for r in runs)
        medians.append(statistics.median(times))
        print(
            f"  {name:5} {label:6} median {medians[-1] * 1000:7.1f} ms   "
            f"min {times[0] * 1000:7.1f}   max {times[-1] * 1000:7.1f}"
        )
    return medians


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    data = prepare_data_dir()
    print(f"ui_startup: process start -> login dialog shown / usable / ready, {runs} runs")
    print("  (target: usable login window <= 300 ms median; floor = the UI alone)")
    for template in (FULL, UI_ONLY):
        one_run(template, data)  # warm the OS file cache: "cold" = new process, not cold disk
    results: dict[str, list[tuple[float, float, float]]] = {"full": [], "ui": []}
    for _ in range(runs):  # interleaved, so load on the shared machine hits both alike
        results["full"].append(one_run(FULL, data))
        results["ui"].append(one_run(UI_ONLY, data))
    full = report("full", results["full"])
    ui = report("ui", results["ui"])
    print(
        "  ratio full/ui: "
        + ", ".join(f"{m} {f / u:.2f}" for m, f, u in zip(MOMENTS, full, ui, strict=True))
    )


if __name__ == "__main__":
    main()
