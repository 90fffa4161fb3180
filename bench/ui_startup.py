"""Cold start to a usable login window (target <= 0.8 s).

Each run starts a fresh Python process that goes the way ``ui.app.run_gui`` goes up to the
login dialog (QApplication, fonts, single-instance guard, LoginController) and prints the wall
clock time when the dialog is first painted. We report the median over several runs of
(painted - process spawned). Run: ``.venv/bin/python bench/ui_startup.py [runs]``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, time, tempfile
from pathlib import Path
sys.path[:0] = [{src!r}, {root!r}]
from PySide6.QtCore import QEvent, QObject, QTimer
from motcua_desk.ui.app import ensure_app
from motcua_desk.ui.fonts import apply_app_font
from motcua_desk.ui.single_instance import SingleInstanceGuard
from motcua_desk.ui.tasks import TaskRunner
from motcua_desk.ui.screens.login.controller import LoginController
from tests.ui.fakes import make_context

app = ensure_app(sys.argv)
apply_app_font(app)
ctx = make_context(Path(tempfile.mkdtemp()))
guard = SingleInstanceGuard(ctx.paths.db_file)
guard.acquire()
runner = TaskRunner()
login = LoginController(ctx, runner)

class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(f"PAINTED {{time.time():.6f}}", flush=True)
            QTimer.singleShot(0, app.quit)
            obj.removeEventFilter(self)
        return False

spy = Painted()
login.view.installEventFilter(spy)
login.view.show()
app.exec()
runner.shutdown()
guard.release()
"""


def one_run() -> float:
    code = CHILD.format(src=str(ROOT / "src"), root=str(ROOT))
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    painted = next(
        float(line.split()[1]) for line in out.splitlines() if line.startswith("PAINTED")
    )
    return painted - start


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    one_run()  # warm the OS file cache; "cold" here means a new process, not a cold disk
    times = sorted(one_run() for _ in range(runs))
    print(f"ui_startup: runs={runs}")
    print(f"  median  {statistics.median(times) * 1000:7.1f} ms  (target <= 800 ms)")
    print(f"  min     {times[0] * 1000:7.1f} ms")
    print(f"  max     {times[-1] * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
