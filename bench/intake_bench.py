"""Save + render receipt at the counter (issue 4 target: p95 <= 100 ms).

Builds a real application context on a temporary database, then times ``reception.receive``
followed by ``documents.render("receipt")`` — what happens between Ctrl+Enter and the preview.

    .venv/bin/python bench/intake_bench.py [--n 200]
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
from motcua_desk.selftest import SAMPLE_PERSON
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.reception import IntakeDraft


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
    ctx = build_context(AppPaths(base / "data", base / "logs"))
    admin = ctx.accounts.first_run(
        UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường", "Quầy 1", "Thanh Hóa"),
        "admin",
        "Nguyễn Văn An",
        "bench-password",
    )
    birth = ctx.catalogue.get("1.001193")
    assert birth is not None
    checklist = tuple(replace(i, received=True) for i in ctx.reception.checklist_for(birth))
    draft = IntakeDraft(birth.code, SAMPLE_PERSON, checklist=checklist)
    save_ms, total_ms = [], []
    for _ in range(args.n):
        t0 = time.perf_counter()
        dossier = ctx.reception.receive(draft, admin).value
        t1 = time.perf_counter()
        ctx.documents.render("receipt", dossier)
        t2 = time.perf_counter()
        save_ms.append((t1 - t0) * 1000)
        total_ms.append((t2 - t0) * 1000)

    def q(xs: list[float], p: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]

    print(f"dossiers: {args.n}")
    print(
        f"save only      median {statistics.median(save_ms):6.1f} ms  p95 {q(save_ms, 0.95):6.1f} ms"
    )
    print(
        f"save + receipt first {total_ms[0]:6.1f} ms  median {statistics.median(total_ms):6.1f} ms"
        f"  p95 {q(total_ms, 0.95):6.1f} ms  max {max(total_ms):6.1f} ms"
    )


if __name__ == "__main__":
    main()
