"""Postal hand-over batch: time per scan (each committed at once) and closing with the printed record.

Builds a real application context on a temporary database, makes N dossiers ready for return,
scans dossier code + S10 number for each into one batch, then closes it (discrepancy check +
Biên bản giao nhận rendered and archived).

    .venv/bin/python bench/postal_bench.py [--n 100]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ReturnMethod, Status
from motcua_desk.domain.postal import make_item_code
from motcua_desk.selftest import SAMPLE_PERSON
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.reception import IntakeDraft


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="motcua-postal-bench-"))
    ctx = build_context(AppPaths(base / "data", base / "logs"))
    assert ctx.postal is not None
    admin = ctx.accounts.first_run(
        UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường", "Quầy 1", "Thanh Hóa"),
        "admin",
        "Nguyễn Văn An",
        "bench-password",
    )
    birth = ctx.catalogue.get("1.001193")
    assert birth is not None
    checklist = tuple(replace(i, received=True) for i in ctx.reception.checklist_for(birth))
    # Results asked for by post (a counter pickup is flagged when scanned, issue 13).
    draft = IntakeDraft(
        birth.code,
        SAMPLE_PERSON,
        checklist=checklist,
        return_method=ReturnMethod.POST,
        return_address="Số 12 Lê Lợi, Thanh Hóa",
    )
    codes = []
    for _ in range(args.n):
        d = ctx.reception.receive(draft, admin)
        with ctx.reception._uow_factory() as uow:  # noqa: SLF001 - bench setup only
            assert d.id is not None
            uow.dossiers.set_status(d.id, Status.PROCESSING, actor="bench", at=ctx.clock())
            uow.dossiers.set_status(d.id, Status.PROCESSED, actor="bench", at=ctx.clock())
            uow.commit()
        codes.append(d.code)

    batch = ctx.postal.start_results_batch(admin)
    scan_ms: list[float] = []
    for n, code in enumerate(codes):
        for raw in (code, make_item_code("RR", f"{40000000 + n:08d}")):
            t0 = time.perf_counter()
            ctx.postal.scan(batch.id, raw, admin)
            scan_ms.append((time.perf_counter() - t0) * 1000)
    # Floor, same run: one committed write transaction with nothing else in it.
    floor_ms: list[float] = []
    for n in range(len(scan_ms)):
        t0 = time.perf_counter()
        with ctx.reception._uow_factory() as uow:  # noqa: SLF001 - bench floor only
            uow.sync_state.set("bench_floor", str(n))
            uow.commit()
        floor_ms.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    problems = ctx.postal.discrepancies(batch.id)
    check_ms = (time.perf_counter() - t0) * 1000
    assert not problems, problems
    t0 = time.perf_counter()
    ctx.postal.close_batch(batch.id, admin, postal_unit="Bưu cục Hạc Thành", postal_staff="Bưu tá")
    close_ms = (time.perf_counter() - t0) * 1000

    def q(xs: list[float], p: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]

    print(f"items: {args.n} ({len(scan_ms)} scans)")
    print(
        f"scan (commit + outbox) median {statistics.median(scan_ms):6.1f} ms"
        f"  p95 {q(scan_ms, 0.95):6.1f} ms  max {max(scan_ms):6.1f} ms"
    )
    print(f"floor (empty commit)     median {statistics.median(floor_ms):6.1f} ms")
    print(f"discrepancy check        {check_ms:6.1f} ms")
    print(f"close + record printed   {close_ms:6.1f} ms")


if __name__ == "__main__":
    main()
