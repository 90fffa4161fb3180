"""Attachment storage benchmark (issue 17): applicant lookup and uploads on each store.

Usage: ``.venv/bin/python bench/blob_store_bench.py [--papers 20000] [--files 100]``

1. Applicant lookup (``GET /api/v1/attachments``' query): a unit holding ``--papers`` digitised
   papers (3 per applicant, all files held); median time of one lookup by the event scan the
   server used before migration 0006 and by the ``applicant_papers`` index. Floor: ``SELECT 1``.
2. Upload: ``--files`` papers of 250 KB each uploaded through the in-process app with the
   desk's ``BlobClient`` (1 MiB chunks), on ``--blob-store fs`` and ``db``: median ms per paper.
   Floor: ``GET /api/v1/health`` through the same transport.

SQLite always; PostgreSQL too when ``MOTCUA_TEST_PG_URL`` is set (its schema is wiped first).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests" / "sync"), str(REPO / "tests" / "server")]

import httpx  # noqa: E402
from live_support import PG_ENV, reset_pg  # noqa: E402
from sqlalchemy import Engine, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from sync_support import AGENCY_A, Server  # noqa: E402

from motcua_desk.sync import protocol as p  # noqa: E402
from motcua_desk.sync.blobs import BlobClient  # noqa: E402
from motcua_server import papers  # noqa: E402
from motcua_server.config import ServerSettings  # noqa: E402
from motcua_server.models import BlobOwner, Device, EventRow, Unit  # noqa: E402


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def old_scan(engine: Engine, unit_id: int, id_number: str) -> list[dict[str, Any]]:
    """The lookup before the index (motcua_server/blobs.py up to migration 0005)."""
    with Session(engine) as s:
        rows = s.scalars(
            select(EventRow)
            .where(EventRow.unit_id == unit_id, EventRow.kind == "attachment.put")
            .order_by(EventRow.received_at)
        )
        latest: dict[str, dict[str, Any]] = {}
        for r in rows:
            payload = r.payload if isinstance(r.payload, dict) else {}
            if payload.get("applicant_id_number") == id_number and payload.get("sha256"):
                latest[r.aggregate_id] = payload
        removed = set(
            s.scalars(
                select(EventRow.aggregate_id).where(
                    EventRow.unit_id == unit_id, EventRow.kind == "attachment.removed"
                )
            )
        )
        owned = {o.sha256 for o in s.scalars(select(BlobOwner).where(BlobOwner.unit_id == unit_id))}
    return [v for k, v in latest.items() if k not in removed and v.get("sha256") in owned]


def lookup_phase(label: str, settings: ServerSettings, tmp: Path, n: int) -> None:
    srv = Server(tmp, settings)
    dev = srv.enrol(AGENCY_A)
    numbers = [f"0381{i:08d}" for i in range(n // 3 + 1)]
    t = srv.client(dev.token)
    now = datetime.now(UTC)
    seq = 0
    shas = []
    for start in range(0, n, p.MAX_BATCH):
        events = []
        for i in range(start, min(n, start + p.MAX_BATCH)):
            seq += 1
            aid, sha = str(uuid.uuid4()), hashlib.sha256(str(i).encode()).hexdigest()
            shas.append(sha)
            payload = {
                "sync_id": aid,
                "paper_type": "cccd",
                "issuer": "Công an tỉnh",
                "pages": 1,
                "sha256": sha,
                "applicant_id_number": numbers[i // 3],
            }
            events.append(
                p.OutboxEvent(str(uuid.uuid4()), seq, "attachment.put", aid, now, payload)
            )
        t.push(p.PushRequest(dev.device_id, tuple(events)))
    with Session(srv.engine) as s, s.begin():
        unit = s.scalar(select(Unit.id).where(Unit.agency_id == AGENCY_A))
        device = s.scalar(select(Device.id).where(Device.unit_id == unit))
        s.add_all(
            BlobOwner(unit_id=unit, sha256=h, size=1, device_id=device, created_at=now)
            for h in shas
        )
    assert unit is not None
    rng = random.Random(1)
    asked = [rng.choice(numbers) for _ in range(15)]
    assert all(old_scan(srv.engine, unit, x) == papers.lookup(srv.engine, unit, x) for x in asked)

    def floor() -> None:
        with srv.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    f = median_ms(floor, 31)
    it = iter(asked * 10)
    old = median_ms(lambda: old_scan(srv.engine, unit, next(it)), 7)
    new = median_ms(lambda: papers.lookup(srv.engine, unit, next(it)), 31)
    print(
        f"{label}: lookup among {n} papers: event scan {old:.1f} ms, index {new:.2f} ms "
        f"(floor SELECT 1 {f:.2f} ms)"
    )
    srv.engine.dispose()


def upload_phase(label: str, settings: ServerSettings, tmp: Path, files: int) -> None:
    srv = Server(tmp, settings)
    dev = srv.enrol(AGENCY_A)
    paths = []
    for i in range(files):
        path = tmp / f"paper{i}.pdf"
        path.write_bytes(os.urandom(250_000))
        paths.append((hashlib.sha256(path.read_bytes()).hexdigest(), path))
    client = BlobClient("http://test", dev.token, transport=srv.transport())
    it = iter(paths)

    def one() -> None:
        sha, path = next(it)
        client.upload(sha, path)

    per_file = median_ms(one, files)
    with httpx.Client(base_url="http://test", transport=srv.transport()) as raw:
        f = median_ms(lambda: raw.get("/api/v1/health"), 31)
    down = median_ms(lambda: client.download(paths[0][0], tmp / "back.pdf"), 15)
    print(
        f"{label} --blob-store {settings.blob_store}: upload of a 250 KB paper {per_file:.1f} ms "
        f"(median of {files}), download {down:.1f} ms (floor GET health {f:.1f} ms)"
    )
    client.close()
    srv.engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--papers", type=int, default=20_000)
    ap.add_argument("--files", type=int, default=100)
    args = ap.parse_args()
    backends = [("sqlite", None)]
    if os.environ.get(PG_ENV):
        backends.append(("postgres", os.environ[PG_ENV]))
    for label, url in backends:
        for store in ("fs", "db"):
            with tempfile.TemporaryDirectory() as d:
                tmp = Path(d)
                if url:
                    reset_pg(url)
                db_url = url or f"sqlite:///{tmp / 'server.db'}"
                settings = ServerSettings(db_url=db_url, blob_dir=str(tmp / "b"), blob_store=store)
                if store == "fs":
                    lookup_phase(label, settings, tmp, args.papers)
                    if url:
                        reset_pg(url)
                    else:
                        (tmp / "server.db").unlink()
                upload_phase(label, settings, tmp, args.files)


if __name__ == "__main__":
    main()
