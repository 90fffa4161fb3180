"""Status board benchmark: load a snapshot of N open dossiers, then change the filter.

    .venv/bin/python bench/board_bench.py              # 100,000 open dossiers (+50,000 returned)
    .venv/bin/python bench/board_bench.py --n 20000

The desk turns automatic garbage collection off and collects on the GUI thread between events
(ui/gc_guard.py), so by default the timings run that way; ``--gc auto`` times with Python's
default collector, which adds its pauses to the loads.

Targets (issue 5, issue 12 §5): first full read <= 300 ms, filter change <= 50 ms, the GUI
thread never blocked more than 50 ms while the board loads. The load is
``LookupService.board()`` (one Core query over ``ix_dossiers_board``, urgency per row); a filter
change is ``domain.board.apply_filter`` over the snapshot (no database), as the screen does it.

The floor, measured in the same run (alternated with the full reads): plain ``sqlite3`` fetching
the same rows and columns (``fetchall``, no Python work per row): what any full read costs on
this machine now.

Also printed: how many objects a snapshot leaves for the cyclic collector to walk, and one full
collection with the snapshot alive (the desk collects on the GUI thread).

The screen part (offscreen Qt, the desk's own QApplication with its GUI-thread collector):
the board page shown with the real services, a full read started on the db lane as the page
does it, until the rows are in the table model; a 5 ms QTimer heartbeat on the GUI thread
records the longest gap between beats from the start of the load to 1.5 s after the rows are
shown (so the collector's pass over the new rows is counted).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert, update  # noqa: E402
from storage_bench import AGENCY, bulk_rows, pct  # noqa: E402

from motcua_desk.config import AppPaths  # noqa: E402
from motcua_desk.domain.board import BoardFilter, SortKey, Urgency, apply_filter  # noqa: E402
from motcua_desk.domain.dossier import Status  # noqa: E402
from motcua_desk.services.clock import OFFICE_TZ  # noqa: E402
from motcua_desk.storage import make_engine  # noqa: E402
from motcua_desk.storage.orm import DossierRow  # noqa: E402

OPEN = [Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PROCESSED]


def fill(db: Path, n_open: int, n_closed: int) -> None:
    engine = make_engine(db)
    base = datetime(2026, 9, 1, 2, 0, tzinfo=UTC)
    now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    with engine.begin() as conn:
        total = n_open + n_closed
        for start in range(0, total, 50_000):
            rows = bulk_rows(start, min(50_000, total - start), base)
            for r in rows:
                i = int(str(r["sync_id"]).replace("-", ""), 16) - 1
                if i < n_open:
                    r["status"] = int(OPEN[i % len(OPEN)])
                    # due dates spread from 10 days ago to 20 days ahead
                    r["due_at"] = now + timedelta(hours=(i % 720) - 240)
                    r["agency_id"] = AGENCY
                    r["code"] = f"{AGENCY}-OPEN-{i:07d}"
                else:
                    r["returned_at"] = r["due_at"]
            conn.execute(insert(DossierRow), rows)
    engine.dispose()


FLOOR_SQL = (
    "SELECT id, code, applicant_name, procedure_code, status, CAST(strftime('%s', due_at) AS "
    "INTEGER), CAST(strftime('%s', received_at) AS INTEGER), lower(code) || char(31) || "
    "applicant_search_key || char(31) || applicant_id_number || char(31) || applicant_phone "
    "FROM dossiers WHERE status IN ({}) AND agency_id = ?"
)


def floor_read(db: Path) -> float:
    """Milliseconds for plain sqlite3 to hand the board's rows to Python."""
    import sqlite3

    from motcua_desk.domain.board import OPEN_STATUSES

    conn = sqlite3.connect(db)
    try:
        sql = FLOOR_SQL.format(",".join(str(int(s)) for s in OPEN_STATUSES))
        t = time.perf_counter()
        conn.execute(sql, (AGENCY,)).fetchall()
        return (time.perf_counter() - t) * 1000
    finally:
        conn.close()


def screen_runs(ctx, runs: int) -> tuple[list[float], list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Per run: ms from refresh to rows in the table model, the longest GUI-thread gap (ms)
    while loading, and the longest gap over as long a window with nothing loading (the floor:
    what the shared machine's scheduler alone costs)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    from motcua_desk.ui.app import ensure_app
    from motcua_desk.ui.screens.board.controller import BoardController
    from motcua_desk.ui.tasks import TaskRunner

    app = ensure_app(["board_bench"])
    runner = TaskRunner(app)
    real = ctx.lookup

    class FullRead:  # every run is a first full read, as after the desk starts
        def board(self):  # type: ignore[no-untyped-def]
            return real.board(full=True)

    class Ctx:
        lookup = FullRead()

    def heartbeat(action, settle_ms: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        """Run ``action(finish)``; the GUI thread beats every 5 ms until ``settle_ms`` after
        ``finish()`` is called. Returns (ms until finish, longest gap between beats)."""
        clock, beat = QElapsedTimer(), QElapsedTimer()
        longest, done = [0.0], []
        loop = QEventLoop()

        def tick() -> None:
            longest[0] = max(longest[0], beat.nsecsElapsed() / 1e6)
            beat.restart()

        def finish() -> None:
            if not done:
                done.append(clock.nsecsElapsed() / 1e6)
                QTimer.singleShot(settle_ms, loop.quit)

        heart = QTimer()
        heart.setInterval(5)
        heart.timeout.connect(tick)
        heart.start()
        beat.start()
        clock.start()
        action(finish)
        loop.exec()
        heart.stop()
        return done[0], longest[0]

    loads: list[float] = []
    stalls: list[float] = []
    idle: list[float] = []
    for _ in range(runs):
        app.processEvents()
        idle.append(heartbeat(lambda finish: QTimer.singleShot(1000, finish), 1500)[1])
        controller = BoardController(Ctx(), runner, None, refresh_ms=3_600_000)
        controller.view.resize(1200, 700)

        def load(finish, c=controller) -> None:  # type: ignore[no-untyped-def]
            c.refreshed.connect(lambda _snap: finish())
            c.view.show()  # the page shown: its first snapshot is read (a full read)

        took, longest = heartbeat(load, 1500)
        loads.append(took)
        stalls.append(longest)
        controller.stop()
        controller.view.close()
        controller.view.deleteLater()
        controller.deleteLater()
        app.processEvents()
    runner.shutdown()
    return loads, stalls, idle


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100_000, help="open dossiers")
    ap.add_argument("--closed", type=int, default=50_000, help="returned dossiers beside them")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument(
        "--gc",
        choices=("app", "auto"),
        default="app",
        help="app: automatic collection off, as the desk runs it (the GUI thread collects on a "
        "timer); auto: Python's default collector during the timings",
    )
    ap.add_argument("--screen-runs", type=int, default=5, help="board page loads (0: skip)")
    args = ap.parse_args()
    if args.gc == "app":
        gc.disable()
    from motcua_desk.bootstrap import build_context

    with tempfile.TemporaryDirectory() as tmp:
        paths = AppPaths(Path(tmp) / "d", Path(tmp) / "l")
        clock = lambda: datetime(2026, 11, 25, 10, 0, tzinfo=OFFICE_TZ)  # noqa: E731
        ctx = build_context(paths, clock)  # migrates and seeds the calendar
        ctx.settings_store.update(agency_id=AGENCY)
        t0 = time.perf_counter()
        fill(paths.db_file, args.n, args.closed)
        print(f"filled {args.n} open + {args.closed} returned in {time.perf_counter() - t0:.1f} s")
        lookup = ctx.lookup
        assert lookup is not None
        report = lambda label, v: print(  # noqa: E731
            f"{label}: median {statistics.median(v):.0f} ms, p95 {pct(v, 95):.0f} ms, "
            f"max {max(v):.0f} ms"
        )
        cold: list[float] = []
        floor: list[float] = []
        for _ in range(max(5, args.runs // 2)):  # alternated, so both see the same load
            t = time.perf_counter()
            snap = lookup.board(full=True)
            cold.append((time.perf_counter() - t) * 1000)
            floor.append(floor_read(paths.db_file))
        report(f"board first load, full read ({len(snap.rows)} rows)", cold)
        report("floor: sqlite3 fetchall of the same rows", floor)
        print(f"ratio first load / floor: {statistics.median(cold) / statistics.median(floor):.2f}")
        # What the snapshot leaves to the cyclic collector, which the desk runs on the GUI
        # thread (ui/gc_guard.py): objects it tracks, and one full collection with it alive.
        del snap
        gc.collect()
        tracked = len(gc.get_objects())
        snap = lookup.board(full=True)
        held = len(gc.get_objects()) - tracked
        t = time.perf_counter()
        gc.collect()
        print(
            f"objects the collector tracks for the snapshot: {held:,}; full collection with "
            f"it alive: {(time.perf_counter() - t) * 1000:.0f} ms"
        )
        warm: list[float] = []
        for _ in range(args.runs):
            t = time.perf_counter()
            snap = lookup.board()
            warm.append((time.perf_counter() - t) * 1000)
        report("board refresh, nothing changed", warm)
        changed: list[float] = []
        engine = make_engine(paths.db_file)
        for run in range(args.runs):
            # 200 dossiers change status between refreshes (a busy hour at a large centre)
            with engine.begin() as conn:
                conn.execute(
                    update(DossierRow)
                    .where(DossierRow.id.in_(range(run * 200 + 1, run * 200 + 201)))
                    .values(status=int(Status.PROCESSING), updated_at=datetime.now(UTC))
                )
            t = time.perf_counter()
            snap = lookup.board()
            changed.append((time.perf_counter() - t) * 1000)
        engine.dispose()
        report("board refresh, 200 dossiers changed", changed)
        print("counts:", {u.name: c for u, c in snap.counts.items()})
        if args.screen_runs:
            loads, stalls, idle = screen_runs(ctx, args.screen_runs)
            report("screen: page shown -> rows in the table (full read)", loads)
            report("screen: longest GUI-thread gap, loading + 1.5 s after", stalls)
            report("screen: longest GUI-thread gap, idle 2.5 s (floor)", idle)
        filters = [
            BoardFilter(),
            BoardFilter(urgencies=frozenset({Urgency.OVERDUE})),
            BoardFilter(urgencies=frozenset({Urgency.DUE_TODAY, Urgency.NEAR_DUE})),
            BoardFilter(statuses=frozenset({Status.SUPPLEMENT})),
            BoardFilter(text="hang"),
            BoardFilter(text="Nguyễn Thu"),
            BoardFilter(text="0900001"),
            BoardFilter(sort=SortKey.RECEIVED, descending=True),
            BoardFilter(sort=SortKey.CODE),
        ]
        for flt in filters:
            times: list[float] = []
            for _ in range(args.runs):
                t = time.perf_counter()
                out = apply_filter(snap, flt)
                times.append((time.perf_counter() - t) * 1000)
            label = (
                flt.text
                or ",".join(u.name for u in flt.urgencies)
                or ",".join(s.name for s in flt.statuses)
            )
            print(
                f"filter {label or flt.sort.value:<22} -> {len(out):>6} rows: median "
                f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms"
            )


if __name__ == "__main__":
    main()
