"""Load test of the sync server with Locust (issue 17): counters of a province, 1/2/4 workers.

How to run (loopback only; the server listens on 127.0.0.1):

    eval "$(scripts/start_postgres.sh --keep)"        # optional: PostgreSQL, else SQLite
    .venv/bin/python bench/locust_run.py                # workers 1 2 4, 100 counters, 60 s each
    .venv/bin/python bench/locust_run.py --workers 1 --users 8 --time 10s   # quick look
    scripts/start_postgres.sh --stop "$MOTCUA_TEST_PG_DIR"

For every worker count: a fresh database (a new PostgreSQL database next to the one of
``MOTCUA_TEST_PG_URL``, dropped afterwards; else a SQLite file), ``units x devices`` one-time
enrolment codes made with the server's admin functions, the seed catalogue and calendar (what
counters pull), then ``python -m motcua_server serve`` on 127.0.0.1 and Locust headless and
bounded (``-u USERS -r RATE -t TIME``) with ``bench/locust_counters.py``: each user is a counter
that enrols, leases, pushes batches, pulls and uploads ~250 KB papers; beside them one probe
user asks ``GET /api/v1/health`` twice a second ("health (load)": how long the busy server
queues). Then the floor: the same Locust users against ``GET /api/v1/health`` alone on the same
server. It prints requests/s, events/s and p50/p95/p99/max per request type, the machine load
(``/proc/loadavg``) and the CPU seconds the server, PostgreSQL and Locust used (on a shared
machine, events per server + database CPU second is steadier than events/s).

PostgreSQL connections: every worker holds at most ``--db-pool-size`` (10) and ``serve``
refuses to start when its workers need more than the cluster leaves; the runner warns first.
``scripts/start_postgres.sh`` starts a cluster that allows 50: enough for 4 workers.

Several workers: ``serve --workers N`` (one port; the kernel spreads connections), or with
``--separate`` (and on a server without ``--workers``) N ``serve`` processes on N ports with
the users spread over them (``--hosts``). ``--json FILE`` keeps the figures.
Every process started here runs in its own process group and is stopped on exit, error or
Ctrl+C.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src")]

from motcua_server import admin  # noqa: E402
from motcua_server.db import make_engine, upgrade  # noqa: E402

LOCUSTFILE = REPO / "bench" / "locust_counters.py"
SEED = REPO / "resources" / "seed"
#: The request names of ``locust_counters.CounterUser``, in table order.
COUNTER_REQUESTS = ("enrol", "lease", "push", "pull", "blob state", "blob chunk")
PG_ENV = "MOTCUA_TEST_PG_URL"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _has_proc() -> bool:
    return Path("/proc/loadavg").is_file()


def loadavg() -> str:
    if not _has_proc():
        return "n/a"
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return f"{one} {five} {fifteen}"


# --------------------------------------------------------------------------- processes


class Procs:
    """Processes started by this run, each in its own session; all stopped by :meth:`stop`."""

    def __init__(self) -> None:
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, argv: Sequence[str], log: Path) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
        with log.open("ab") as out:
            proc = subprocess.Popen(
                list(argv), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.running.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
        if proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        # uvicorn's worker processes share the group: make sure none outlives its parent.
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc in self.running:
            self.running.remove(proc)

    def stop_all(self) -> None:
        for proc in list(reversed(self.running)):
            self.stop(proc)


def _serve_has_workers() -> bool:
    out = subprocess.run(
        [sys.executable, "-m", "motcua_server", "serve", "--help"],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        check=False,
    )
    return "--workers" in out.stdout


def wait_healthy(procs: Sequence[subprocess.Popen[bytes]], url: str, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start")


def tree_cpu(pid: int | None) -> float:
    """CPU seconds used by process ``pid`` and all its descendants, living or reaped."""
    import psutil

    if pid is None:
        return 0.0
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for proc in procs:
        with suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


def postmaster_pid(url: str) -> int | None:
    """The local PostgreSQL server's main process (to count its backends' CPU), if readable."""
    if url.startswith("sqlite"):
        return None
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            data_dir = str(conn.execute(text("SHOW data_directory")).scalar_one())
        return int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- database


@contextmanager
def fresh_database(tmp: Path, label: str, pg_url: str | None) -> Iterator[str]:
    """A new empty database: on the PostgreSQL server of ``pg_url``, else a SQLite file."""
    if not pg_url:
        yield f"sqlite:///{tmp / f'server-{label}.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(pg_url)
    name = f"motcua_locust_{label}_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def connection_warning(url: str, workers: int) -> str | None:
    """A warning when ``workers`` pools exceed what PostgreSQL leaves the server: ``serve``
    then refuses to start (``motcua_server.db.connection_budget``)."""
    if url.startswith("sqlite"):
        return None
    from motcua_server.config import ServerSettings
    from motcua_server.db import connection_budget, make_engine

    engine = make_engine(url)
    try:
        budget = connection_budget(engine)
    finally:
        engine.dispose()
    need = workers * ServerSettings().db_pool_size
    if budget is None or need <= budget:
        return None
    return (
        f"{workers} workers need {need} connections, PostgreSQL leaves {budget}: serve will "
        "refuse to start (start the cluster with a higher max_connections)"
    )


def agency(unit: int) -> str:
    return f"000.{unit // 100:02d}.{unit % 100:02d}.H56"


def prepare(url: str, users: int, devices_per_unit: int, codes_file: Path) -> int:
    """Migrate, load what counters pull, make one enrolment code per user; returns units."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        admin.load_catalogue(engine, json.loads((SEED / "procedures.json").read_text("utf-8")))
        calendar = SEED / "calendar_overrides.json"
        with suppress(admin.AdminError, KeyError, TypeError):
            admin.load_calendar(engine, json.loads(calendar.read_text("utf-8")))
        codes = []
        units = -(-users // devices_per_unit)
        for u in range(units):
            admin.create_unit(engine, agency(u + 1), f"Bộ phận Một cửa số {u + 1}")
        for i in range(users):
            unit, desk = divmod(i, devices_per_unit)
            name = f"Quầy {desk + 1}"
            _, code = admin.enrol_device(engine, agency(unit + 1), name)
            codes.append({"agency_id": agency(unit + 1), "code": code, "name": name})
        codes_file.write_text(json.dumps(codes, ensure_ascii=False), encoding="utf-8")
        return units
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- one run


def run_locust(
    procs: Procs,
    tmp: Path,
    label: str,
    user_classes: str,
    hosts: Sequence[str],
    args: argparse.Namespace,
    codes_file: Path | None,
    run_time: str,
) -> dict[str, Any]:
    summary = tmp / f"summary-{label}.json"
    argv = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        *user_classes.split(),
        "--headless",
        "-u",
        str(args.users + len(user_classes.split()) - 1),  # the probe comes on top
        "-r",
        str(args.spawn_rate),
        "-t",
        run_time,
        "--stop-timeout",
        "10",
        "--host",
        hosts[0],
        "--hosts",
        ",".join(hosts),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        "--summary-json",
        str(summary),
        "--batch-dossiers",
        str(args.batch_dossiers),
        "--blob-bytes",
        str(args.blob_bytes),
    ]
    if codes_file is not None:
        argv += ["--codes-file", str(codes_file)]
    log = tmp / f"locust-{label}.log"
    proc = procs.start(argv, log)
    try:
        rc = proc.wait()
    finally:
        procs.stop(proc)
    if rc != 0:
        sys.stderr.write(log.read_text("utf-8", "replace")[-3000:])
        raise RuntimeError(f"locust exited with {rc}")
    if not summary.is_file():
        sys.stderr.write(log.read_text("utf-8", "replace")[-3000:])
        raise RuntimeError("locust wrote no summary")
    result: dict[str, Any] = json.loads(summary.read_text("utf-8"))
    # Locust warns when its own process is CPU-bound: then the figures measure the load tool.
    result["loadgen_saturated"] = "CPU usage above" in log.read_text("utf-8", "replace")
    return result


def run_point(
    procs: Procs, tmp: Path, workers: int, args: argparse.Namespace, pg_url: str | None
) -> dict[str, Any]:
    label = f"w{workers}"
    with fresh_database(tmp, label, pg_url) as url:
        codes = tmp / f"codes-{label}.json"
        units = prepare(url, args.users, args.devices_per_unit, codes)
        warning = connection_warning(url, workers)
        blob_dir = tmp / f"blobs-{label}"
        log = tmp / f"server-{label}.log"
        base_argv = [sys.executable, "-m", "motcua_server", "--db-url", url, "serve"]
        common = ["--host", "127.0.0.1", "--enrol-rate-limit", "100000"]
        common += ["--blob-dir", str(blob_dir)]
        if args.max_body_bytes:
            common += ["--max-body-bytes", str(args.max_body_bytes)]
        servers: list[subprocess.Popen[bytes]] = []
        hosts: list[str] = []
        mode = "serve --workers"
        try:
            if workers == 1 or args.has_workers:
                port = free_port()
                extra = ["--workers", str(workers)] if workers > 1 else []
                servers.append(procs.start(base_argv + common + ["--port", str(port), *extra], log))
                hosts.append(f"http://127.0.0.1:{port}")
            else:
                mode = "separate serve processes"
                for _ in range(workers):
                    port = free_port()
                    servers.append(procs.start(base_argv + common + ["--port", str(port)], log))
                    hosts.append(f"http://127.0.0.1:{port}")
            for h in hosts:
                wait_healthy(servers, h)
            before = loadavg()
            pg_pid = postmaster_pid(url)
            cpu0 = [tree_cpu(s.pid) for s in servers], tree_cpu(pg_pid)
            counters = run_locust(
                procs, tmp, label, "CounterUser ProbeUser", hosts, args, codes, args.time
            )
            cpu1 = [tree_cpu(s.pid) for s in servers], tree_cpu(pg_pid)
            after = loadavg()
            counters["totals"]["server_cpu_s"] = sum(cpu1[0]) - sum(cpu0[0])
            counters["totals"]["database_cpu_s"] = cpu1[1] - cpu0[1]
            floor = None
            if not args.no_floor:
                floor = run_locust(
                    procs, tmp, f"{label}-floor", "HealthUser", hosts, args, None, args.floor_time
                )
        except BaseException:
            with suppress(OSError):
                sys.stderr.write(log.read_text("utf-8", "replace")[-3000:])
            raise
        finally:
            for s in servers:
                procs.stop(s)
    return {
        "workers": workers,
        "mode": mode if workers > 1 else "serve",
        "database": "postgresql" if pg_url else "sqlite",
        "units": units,
        "users": args.users,
        "warning": warning,
        "load_before": before,
        "load_after": after,
        "counters": counters,
        "floor": floor,
    }


# --------------------------------------------------------------------------- report


def print_point(point: dict[str, Any]) -> None:
    c = point["counters"]
    t = c["totals"]
    elapsed = float(t.get("elapsed_s", 0)) or 1e-9
    print(
        f"\n== {point['workers']} worker(s) ({point['mode']}), {point['database']}, "
        f"{point['users']} counters in {point['units']} units; "
        f"loadavg before {point['load_before']}, after {point['load_after']}"
    )
    print(
        f"{'request':<14}{'count':>8}{'fail':>6}{'req/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}"
    )
    rows = c["rows"] + ((point["floor"] or {}).get("rows") or [])
    for r in rows:
        name = r["name"]
        if point["floor"] and r in point["floor"]["rows"]:
            if name == "TOTAL":
                continue
            name = "floor:" + name
        print(
            f"{name:<14}{r['count']:>8}{r['failures']:>6}{r['rps']:>9.1f}"
            f"{r['p50']:>8.0f}{r['p95']:>8.0f}{r['p99']:>8.0f}{r['max']:>8.0f}"
        )
    print(
        f"events: {t.get('events', 0)} accepted = {t.get('events', 0) / elapsed:.0f} events/s "
        f"({t.get('dossiers', 0)} dossiers, {t.get('blobs', 0)} papers "
        f"{t.get('blob_bytes', 0) / elapsed / 1e6:.2f} MB/s, {t.get('changes', 0)} changes "
        f"pulled) over {elapsed:.1f} s; latencies in ms"
    )
    cores = os.cpu_count() or 1
    server, db, gen = (t.get(k, 0.0) for k in ("server_cpu_s", "database_cpu_s", "loadgen_cpu_s"))
    print(
        f"CPU seconds: server {server:.1f}, {point['database']} {db:.1f}, Locust {gen:.1f} "
        f"(of {cores * elapsed:.0f} on {cores} cores if nothing else ran); "
        f"{t.get('events', 0) / max(server + db, 1e-9):.0f} events per server+database CPU second"
    )
    if point.get("warning"):
        print(f"  WARNING: {point['warning']}")
    if c.get("loadgen_saturated"):
        print("  WARNING: the Locust process was CPU-bound (over 90%): figures are a lower bound")
    for f in c["failures"]:
        print(f"  FAILURE {f}")


def print_curve(points: Sequence[dict[str, Any]]) -> None:
    print(
        "\n== curve (latency in ms; events/s over the whole run incl. ramp-up; ev/CPU-s: events "
        "per CPU second of server + PostgreSQL server, steadier than events/s on a shared machine)"
    )
    print(
        f"{'workers':>7}{'req/s':>9}{'events/s':>10}{'push p50':>10}{'p95':>7}{'p99':>7}"
        f"{'pull p50':>10}{'p95':>7}{'p99':>7}{'fail':>6}{'ev/CPU-s':>10}"
        f"{'health in load':>15}{'floor p50/p95':>15}"
    )
    for pt in points:
        c = pt["counters"]
        by = {r["name"]: r for r in c["rows"]}
        push, pull, agg = by.get("push", {}), by.get("pull", {}), by.get("TOTAL", {})
        probe = by.get("health (load)", {})
        floor = {r["name"]: r for r in (pt["floor"] or {}).get("rows", [])}.get("health", {})
        elapsed = float(c["totals"].get("elapsed_s", 0)) or 1e-9
        cpu = c["totals"].get("server_cpu_s", 0.0) + c["totals"].get("database_cpu_s", 0.0)
        per_cpu = c["totals"].get("events", 0) / max(cpu, 1e-9)
        print(
            f"{pt['workers']:>7}{agg.get('rps', 0):>9.1f}"
            f"{c['totals'].get('events', 0) / elapsed:>10.0f}"
            f"{push.get('p50', 0):>10.0f}{push.get('p95', 0):>7.0f}{push.get('p99', 0):>7.0f}"
            f"{pull.get('p50', 0):>10.0f}{pull.get('p95', 0):>7.0f}{pull.get('p99', 0):>7.0f}"
            f"{agg.get('failures', 0):>6}{per_cpu:>10.0f}"
            + (f"{probe['p50']:>9.0f}/{probe['p95']:<5.0f}" if probe else f"{'-':>9}{'':6}")
            + (f"{floor['p50']:>9.0f}/{floor['p95']:<5.0f}" if floor else f"{'-':>9}")
        )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--users", type=int, default=100, help="counters (units x devices)")
    ap.add_argument("--devices-per-unit", type=int, default=4)
    ap.add_argument("--spawn-rate", type=float, default=20.0)
    ap.add_argument("--time", default="60s", help="Locust run time of each point")
    ap.add_argument("--floor-time", default="15s")
    ap.add_argument("--no-floor", action="store_true")
    ap.add_argument("--batch-dossiers", type=int, default=20)
    ap.add_argument("--blob-bytes", type=int, default=250_000)
    ap.add_argument("--max-body-bytes", type=int, default=0, help="server limit (0: default)")
    ap.add_argument("--sqlite", action="store_true", help=f"ignore {PG_ENV}")
    ap.add_argument(
        "--separate",
        action="store_true",
        help="N separate serve processes on N ports (users spread) instead of serve --workers N",
    )
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument(
        "--check", action="store_true", help="exit 1 unless every request type ran, none failed"
    )
    args = ap.parse_args(argv)
    pg_url = None if args.sqlite else os.environ.get(PG_ENV) or None
    several = any(n > 1 for n in args.workers)
    args.has_workers = several and not args.separate and _serve_has_workers()

    def terminate(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    # SIGINT explicitly too: a shell without job control starts background jobs ignoring it.
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    procs = Procs()
    points = []
    try:
        with tempfile.TemporaryDirectory(prefix="motcua-locust-") as d:
            for n in args.workers:
                point = run_point(procs, Path(d), n, args, pg_url)
                print_point(point)
                points.append(point)
            if args.json:
                args.json.write_text(json.dumps(points, indent=1), encoding="utf-8")
    except KeyboardInterrupt:
        print("interrupted: stopping the server and Locust", file=sys.stderr)
        return 130
    finally:
        procs.stop_all()
    print_curve(points)
    if args.check:
        problems = check(points)
        for problem in problems:
            print(f"CHECK FAILED: {problem}")
        return 1 if problems else 0
    return 0


def check(points: Sequence[dict[str, Any]]) -> list[str]:
    """Every counter request type ran, and nothing failed (the smoke test's verdict)."""
    problems = []
    for pt in points:
        rows = {r["name"]: r for r in pt["counters"]["rows"]}
        for name in COUNTER_REQUESTS:
            if rows.get(name, {}).get("count", 0) == 0:
                problems.append(f"{pt['workers']} worker(s): no {name} request")
        for r in pt["counters"]["rows"]:
            if r["failures"] and r["name"] != "TOTAL":
                problems.append(f"{pt['workers']} worker(s): {r['failures']} {r['name']} failed")
        if not pt["counters"]["totals"].get("events"):
            problems.append(f"{pt['workers']} worker(s): no event accepted")
    return problems


if __name__ == "__main__":
    sys.exit(main())
