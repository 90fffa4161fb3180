"""Burst benchmark (issue 17): 100 counters come back after an outage and push at once.

Usage::

    .venv/bin/python bench/burst_bench.py [--counters 100] [--units 25] [--events 20000]
        [--batch 100] [--pullers 10] [--workers 1,2,4] [--backends sqlite,postgresql]
        [--repeat 3]

``--counters`` counter PCs (``--units`` units × 4 by default) each hold ``events/counters``
outbox events (3 of 4 ``dossier.received``: most with a final code from a block leased before
the outage, one in ten provisional, which the server numbers; 1 of 4 ``dossier.status_changed``
of a dossier received before it). At t=0 every counter pushes its queue in ``--batch`` sized
requests, one after the other, on its own keep-alive connection, while ``--pullers`` other
counters pull the change log from cursor 0 in a loop. Request bodies are encoded before t=0 (a
counter has its queue ready). The server runs as ``motcua-server serve --workers N`` in its own
processes on 127.0.0.1. Printed per backend and worker count: events/s (events / time until the
last push answered), the CPU the server's processes (and PostgreSQL's) used per event, events
per CPU second of server + database (steadier than events/s on a shared machine), push and pull latency
p50/p95/max. When all counters push at once, a batch waits for the ones ahead of it: push
latency is at least about counters x batch / throughput (100 x 100 / 5,000 per s = 2 s), so
``--batch`` matters as much as the rate for the p95.

Floors measured in the same run: the database alone storing the same rows (the server's event
and dossier rows, same batches, same number of concurrent connections as the server's pool
would use: ``executemany`` per batch, one transaction each), and the round trip of the
no-database endpoint (``GET /api/v1/health``) under the same concurrency.

PostgreSQL: set ``MOTCUA_TEST_PG_URL`` (``eval "$(scripts/start_postgres.sh)"``); the bench
wipes that database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests" / "sync")]

from locust_run import postmaster_pid  # noqa: E402
from locust_run import tree_cpu as process_tree_cpu  # noqa: E402
from sync_support import (  # noqa: E402
    DAY,
    VN,
    free_port,
    make_dossier,
    start_server_process,
)

from motcua_desk.domain.codes import format_provisional  # noqa: E402
from motcua_desk.domain.dossier import Status  # noqa: E402
from motcua_desk.sync import protocol as p  # noqa: E402
from motcua_server import admin  # noqa: E402
from motcua_server.db import make_engine, upgrade  # noqa: E402
from motcua_server.ingest import payload_hash  # noqa: E402

PG_ENV = "MOTCUA_TEST_PG_URL"
DAY_AT = datetime(2026, 3, 10, 8, 0, tzinfo=VN)
HEADERS = {p.HEADER: str(p.PROTOCOL_VERSION), "Content-Type": "application/json"}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def fmt(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"p50 {pct(ms, 0.5):7.0f} ms  p95 {pct(ms, 0.95):7.0f} ms  max {max(ms or [0]):7.0f} ms"


@dataclass
class Desk:
    agency: str
    no: int
    device_id: str = ""
    token: str = ""
    bodies: list[bytes] = field(default_factory=list)
    events: list[p.OutboxEvent] = field(default_factory=list)


def agency_of(i: int) -> str:
    return f"000.00.{i + 10:02d}.H56"


def reset_db(url: str) -> None:
    from sqlalchemy import text

    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(
    url: str, base: str, units: int, per_unit: int, per_counter: int, batch: int
) -> list[Desk]:
    """Units, enrolled counters with leased blocks, a catalogue to pull, the queued events."""
    engine = make_engine(url)
    seed = json.loads((REPO / "resources" / "seed" / "procedures.json").read_text("utf-8"))
    admin.load_catalogue(engine, seed)
    desks: list[Desk] = []
    conn = http.client.HTTPConnection(base, timeout=60)

    def call(method: str, path: str, body: Any, token: str = "") -> dict[str, Any]:
        headers = dict(HEADERS)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, json.dumps(body).encode(), headers)
        res = conn.getresponse()
        data = res.read()
        assert res.status == 200, (res.status, data[:300])
        out: dict[str, Any] = json.loads(data)
        return out

    at = DAY_AT
    for u in range(units):
        agency = agency_of(u)
        admin.create_unit(engine, agency, f"Đơn vị {u}")
        for n in range(1, per_unit + 1):
            _, code = admin.enrol_device(engine, agency, f"Quầy {n}")
            res = call("POST", "/api/v1/enrol", p.EnrolRequest(code, f"Quầy {n}").to_dict())
            desk = Desk(agency, n, res["device_id"], res["token"])
            received = [i for i in range(per_counter) if i % 4 != 3]
            finals = [i for i in received if i % 10 != 9]
            lease = p.LeaseRequest(DAY, len(finals)).to_dict()
            block = call("POST", "/api/v1/codes/lease", lease, desk.token)
            numbers = iter(range(block["first"], block["last"] + 1))
            aggs: list[str] = []
            for i in range(per_counter):
                if i % 4 == 3:  # a status change of a dossier received just before
                    agg = aggs[-1]
                    payload = p.status_changed_payload(
                        Status.RECEIVED, Status.PROCESSING, at, "clerk1"
                    )
                    kind = p.KIND_STATUS
                else:
                    agg = str(uuid.uuid4())
                    aggs.append(agg)
                    provisional = i % 10 == 9
                    code = (
                        format_provisional(agency, DAY, n, i + 1)
                        if provisional
                        else p.format_code(agency, DAY, next(numbers))
                    )
                    d = make_dossier(agg, agency, code, at + timedelta(seconds=i), provisional)
                    payload = p.dossier_received_payload(d)
                    kind = p.KIND_RECEIVED
                desk.events.append(p.OutboxEvent(str(uuid.uuid4()), i + 1, kind, agg, at, payload))
            for start in range(0, per_counter, batch):
                req = p.PushRequest(desk.device_id, tuple(desk.events[start : start + batch]))
                desk.bodies.append(json.dumps(req.to_dict(), ensure_ascii=False).encode())
            desks.append(desk)
    conn.close()
    engine.dispose()
    return desks


def burst(host: str, port: int, desks: list[Desk], pull_desks: list[Desk]) -> dict[str, Any]:
    push_lat: list[float] = []
    pull_lat: list[float] = []
    errors: list[str] = []
    done = threading.Event()
    start = threading.Barrier(len(desks) + len(pull_desks) + 1)
    outcomes: dict[str, int] = {}
    lock = threading.Lock()

    def connect() -> http.client.HTTPConnection:
        c = http.client.HTTPConnection(host, port, timeout=120)
        c.request("GET", "/api/v1/health")
        c.getresponse().read()
        return c

    def pusher(desk: Desk) -> None:
        try:
            c = connect()
            headers = {**HEADERS, "Authorization": f"Bearer {desk.token}"}
            start.wait()
            for body in desk.bodies:
                while True:
                    t0 = time.perf_counter()
                    c.request("POST", "/api/v1/sync/push", body, headers)
                    res = c.getresponse()
                    data = res.read()
                    dt = time.perf_counter() - t0
                    if res.status == 503:  # retry_later: the desk's engine sends it again
                        time.sleep(0.2)
                        continue
                    break
                if res.status != 200:
                    errors.append(f"push {res.status} {data[:200]!r}")
                    return
                with lock:
                    push_lat.append(dt)
                    for o in json.loads(data)["outcomes"]:
                        outcomes[o["status"]] = outcomes.get(o["status"], 0) + 1
            c.close()
        except Exception as exc:  # reported below
            errors.append(repr(exc))

    def puller(desk: Desk) -> None:
        try:
            c = connect()
            headers = {p.HEADER: str(p.PROTOCOL_VERSION), "Authorization": f"Bearer {desk.token}"}
            start.wait()
            while not done.is_set():
                t0 = time.perf_counter()
                c.request("GET", "/api/v1/sync/pull?cursor=0", headers=headers)
                res = c.getresponse()
                data = res.read()
                dt = time.perf_counter() - t0
                if res.status != 200:
                    errors.append(f"pull {res.status} {data[:200]!r}")
                    return
                with lock:
                    pull_lat.append(dt)
                time.sleep(0.05)
            c.close()
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=pusher, args=(d,)) for d in desks]
    pullers = [threading.Thread(target=puller, args=(d,)) for d in pull_desks]
    for t in threads + pullers:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    done.set()
    for t in pullers:
        t.join()
    return {
        "elapsed": elapsed,
        "push": push_lat,
        "pull": pull_lat,
        "errors": errors,
        "outcomes": outcomes,
    }


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its children (the server's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = [pid]
    while todo:
        pid = todo.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            todo += [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


def health_floor(host: str, port: int, clients: int, requests: int) -> list[float]:
    """Round trip of the endpoint that touches no database, ``clients`` at a time."""
    lat: list[float] = []
    lock = threading.Lock()

    def run() -> None:
        c = http.client.HTTPConnection(host, port, timeout=60)
        for _ in range(requests):
            t0 = time.perf_counter()
            c.request("GET", "/api/v1/health")
            c.getresponse().read()
            with lock:
                lat.append(time.perf_counter() - t0)
        c.close()

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat


def db_floor(url: str, tmp: Path, desks: list[Desk], batch: int, connections: int) -> float:
    """Events/s of the database alone storing the same event and dossier rows, batch by batch
    (one transaction per batch) over ``connections`` concurrent connections."""
    from datetime import UTC

    rows: list[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]] = []
    now = datetime.now(UTC)
    for desk in desks:
        for start in range(0, len(desk.events), batch):
            ev, do = [], []
            for e in desk.events[start : start + batch]:
                payload = json.dumps(e.payload, ensure_ascii=False)
                ev.append(
                    (
                        e.event_id,
                        desk.device_id,
                        e.seq,
                        e.kind,
                        e.aggregate_id,
                        payload,
                        payload_hash(e),
                        "accepted",
                        now,
                    )
                )
                if e.kind == p.KIND_RECEIVED:
                    do.append((e.aggregate_id, str(e.payload["code"]), payload, now))
            rows.append((ev, do))
    ddl = [
        "CREATE TABLE floor_events (event_id VARCHAR(36) PRIMARY KEY, device_id VARCHAR(36), "
        "seq INTEGER, kind VARCHAR(50), aggregate_id VARCHAR(36), payload TEXT, "
        "payload_hash VARCHAR(64), status VARCHAR(20), received_at TIMESTAMP)",
        "CREATE TABLE floor_dossiers (id INTEGER PRIMARY KEY, sync_id VARCHAR(36) UNIQUE, "
        "code VARCHAR(60) UNIQUE, data TEXT, updated_at TIMESTAMP)",
    ]
    n_events = sum(len(ev) for ev, _ in rows)
    jobs = list(rows)
    lock = threading.Lock()
    if url.startswith("sqlite"):
        import sqlite3

        path = tmp / "floor.db"
        path.unlink(missing_ok=True)
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        for stmt in ddl:
            db.execute(stmt)
        db.close()

        def connect() -> Any:
            c = sqlite3.connect(path, isolation_level=None, timeout=60, check_same_thread=False)
            c.execute("PRAGMA synchronous=FULL")
            return c

        ins_e = "INSERT INTO floor_events VALUES (?,?,?,?,?,?,?,?,?)"
        ins_d = "INSERT INTO floor_dossiers (sync_id, code, data, updated_at) VALUES (?,?,?,?)"
        begin = "BEGIN IMMEDIATE"
    else:
        import psycopg

        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, autocommit=True) as c:
            for stmt in (
                "DROP TABLE IF EXISTS floor_events",
                "DROP TABLE IF EXISTS floor_dossiers",
            ):
                c.execute(stmt)
            for stmt in ddl:
                c.execute(stmt.replace("id INTEGER PRIMARY KEY", "id SERIAL PRIMARY KEY"))

        def connect() -> Any:
            return psycopg.connect(dsn, autocommit=True)

        ins_e = "INSERT INTO floor_events VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)"
        ins_d = "INSERT INTO floor_dossiers (sync_id, code, data, updated_at) VALUES (%s,%s,%s,%s)"
        begin = "BEGIN"

    def worker() -> None:
        c = connect()
        cur = c.cursor()
        while True:
            with lock:
                if not jobs:
                    break
                ev, do = jobs.pop()
            cur.execute(begin)
            cur.executemany(ins_e, ev)
            if do:
                cur.executemany(ins_d, do)
            cur.execute("COMMIT")
        c.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return n_events / (time.perf_counter() - t0)


def run_case(
    url: str, label: str, workers: int, args: argparse.Namespace, tmp: Path
) -> dict[str, float]:
    reset_db(url)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    port = free_port()
    extra = [*(["--workers", str(workers)] if workers > 1 else []), *args.server_arg]
    proc = start_server_process(url, port, timeout=90, extra=extra)
    try:
        per_unit = args.counters // args.units
        per_counter = args.events // args.counters
        total_units = args.units + max(1, args.pullers // per_unit + 1)
        desks = prepare(url, f"127.0.0.1:{port}", total_units, per_unit, per_counter, args.batch)
        pushers = desks[: args.counters]
        pull_desks = desks[args.counters : args.counters + args.pullers]
        health = health_floor("127.0.0.1", port, args.counters, 5)
        pg_pid = postmaster_pid(url)
        cpu0, db0 = tree_cpu(proc.pid), process_tree_cpu(pg_pid)
        res = burst("127.0.0.1", port, pushers, pull_desks)
        cpu = tree_cpu(proc.pid) - cpu0
        db_cpu = process_tree_cpu(pg_pid) - db0
        n = sum(len(d.events) for d in pushers)
        if res["errors"]:
            print(f"  errors: {len(res['errors'])}, first: {res['errors'][0]}")
        ok = res["outcomes"].get(p.ACCEPTED, 0)
        print(
            f"[{label} workers={workers}] {n} events in {res['elapsed']:.2f} s = "
            f"{n / res['elapsed']:,.0f} events/s (accepted {ok}, {res['outcomes']})"
        )
        print(f"    server processes' CPU: {cpu:.1f} s = {cpu / n * 1e6:.0f} µs per event")
        per_cpu = n / (cpu + db_cpu) if pg_pid is not None else float("nan")
        if pg_pid is not None:
            print(
                f"    PostgreSQL's CPU: {db_cpu:.1f} s = {db_cpu / n * 1e6:.0f} µs per event; "
                f"{per_cpu:,.0f} events per CPU second of server + database"
            )
        print(f"    push ({len(res['push'])} batches of {args.batch}): {fmt(res['push'])}")
        print(f"    pull during burst ({len(res['pull'])}): {fmt(res['pull'])}")
        print(f"    floor: health round trip x{args.counters} clients: {fmt(health)}")
        return {
            "rate": n / res["elapsed"],
            "cpu_us": cpu / n * 1e6,
            "per_cpu_s": per_cpu,
            "push_p50": pct(res["push"], 0.5) * 1000,
            "push_p95": pct(res["push"], 0.95) * 1000,
            "pull_p95": pct(res["pull"], 0.95) * 1000,
            "errors": float(len(res["errors"])),
        }
    finally:
        proc.terminate()
        proc.wait(30)


def summary(label: str, workers: int, runs: list[dict[str, float]]) -> None:
    """The median of each figure over the runs (one noisy run must not move it)."""
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    rates = ", ".join(f"{r['rate']:,.0f}" for r in runs)
    print(
        f"== [{label} workers={workers}] median of {len(runs)} runs: {med['rate']:,.0f} events/s "
        f"(runs {rates}); CPU {med['cpu_us']:.0f} µs/event; "
        f"{med['per_cpu_s']:,.0f} events per server + database CPU second; "
        f"push p50 {med['push_p50']:.0f} ms, p95 {med['push_p95']:.0f} ms; "
        f"pull p95 {med['pull_p95']:.0f} ms; errors {med['errors']:.0f}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--counters", type=int, default=100)
    ap.add_argument("--units", type=int, default=25)
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--pullers", type=int, default=10)
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--floor-connections", type=int, default=4)
    ap.add_argument("--server-arg", action="append", default=[], help="passed to serve")
    ap.add_argument("--repeat", type=int, default=1, help="runs per case; medians printed")
    args = ap.parse_args()
    load = os.getloadavg()
    print(
        f"burst: {args.counters} counters ({args.units} units), {args.events} events, batches of "
        f"{args.batch}, {args.pullers} pullers; {os.cpu_count()} cores, load {load[0]:.2f}"
    )
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{tmp / 'burst.db'}"
            else:
                url = os.environ.get(PG_ENV, "")
                if not url:
                    print(f"[postgresql] skipped ({PG_ENV} not set)")
                    continue
            for workers in [int(w) for w in args.workers.split(",")]:
                runs = [run_case(url, backend, workers, args, tmp) for _ in range(args.repeat)]
                if args.repeat > 1:
                    summary(backend, workers, runs)
            # The floor: the same rows stored by the database alone.
            reset_db(url)
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            desks_floor = _floor_desks(url, args, tmp)
            rate = db_floor(url, tmp, desks_floor, args.batch, args.floor_connections)
            print(
                f"[{backend}] floor: database alone stores the same rows at {rate:,.0f} events/s "
                f"({args.floor_connections} connections, one transaction per batch)"
            )
    return 0


def _floor_desks(url: str, args: argparse.Namespace, tmp: Path) -> list[Desk]:
    port = free_port()
    proc = start_server_process(url, port, timeout=90)
    try:
        per_unit = args.counters // args.units
        return prepare(
            url, f"127.0.0.1:{port}", args.units, per_unit, args.events // args.counters, args.batch
        )[: args.counters]
    finally:
        proc.terminate()
        proc.wait(30)


if __name__ == "__main__":
    sys.exit(main())
