"""Procedure search per keystroke over 2,000 procedures, through the picker's code path.

Types queries one character at a time into the intake screen's search box (the same
``textChanged`` -> ``IntakeController.search`` -> catalogue -> table model path the clerk uses)
and times each keystroke until the table is updated. Real services (bootstrap.build_context)
on a temporary database holding 2,000 generated procedures plus the seed catalogue.
Run: ``.venv/bin/python bench/ui_search.py``. Target: <= 10 ms per keystroke (p95).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

QUERIES = (
    "dang ky ho kinh doanh",
    "Cấp giấy phép",
    "xac nhan quyen su dung dat",
    "9.0012",
    "gia han",
)


def main() -> None:
    from bench.ui_common import real_context
    from PySide6.QtWidgets import QApplication
    from tests.ui import fakes

    from motcua_desk.ui.print_flow import PrintFlow
    from motcua_desk.ui.screens.intake.controller import IntakeController
    from motcua_desk.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    ctx, user = real_context(procedures=2000)
    runner = TaskRunner()
    flow = PrintFlow(ctx, runner, fakes.FakePrinterBackend(), user)
    intake = IntakeController(ctx, runner, flow, user)
    intake.view.show()
    app.processEvents()
    per_key: list[float] = []
    for query in QUERIES:
        intake.view.procedure_search.clear()
        for i in range(1, len(query) + 1):
            t0 = time.perf_counter()
            intake.view.procedure_search.setText(query[:i])  # emits textChanged like a keystroke
            app.processEvents()
            per_key.append(time.perf_counter() - t0)
    per_key.sort()
    p95 = per_key[int(len(per_key) * 0.95) - 1]
    print(f"ui_search: {ctx.catalogue.count()} procedures, {len(per_key)} keystrokes")
    print(f"  median {statistics.median(per_key) * 1000:6.2f} ms")
    print(f"  p95    {p95 * 1000:6.2f} ms  (target <= 10 ms)")
    print(f"  max    {per_key[-1] * 1000:6.2f} ms")
    runner.shutdown()


if __name__ == "__main__":
    main()
