"""Throughput of the pure domain rules (due dates, codes, QR parsing, scan routing).

Run: .venv/bin/python bench/domain_rules.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta

from motcua_desk.config import Settings
from motcua_desk.domain.calendar import TimeUnit, due_datetime
from motcua_desk.domain.codes import DossierCodeFormat
from motcua_desk.domain.identity import parse_id_card_qr
from motcua_desk.domain.scan import classify
from motcua_desk.services.calendar_seed import build_calendar, seed_days

QR = (
    "038195001234|123456789|Lê Thị Hoa|15061995|Nữ|"
    "Số 12 Lê Lợi, Phường Điện Biên, TP Thanh Hóa, Thanh Hóa|20052021"
)


def bench(name: str, fn: Callable[[int], object], n: int) -> None:
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    elapsed = time.perf_counter() - start
    print(f"{name:<40} {n:>7} calls  {elapsed * 1e6 / n:8.1f} µs/call")


def main() -> None:
    t0 = time.perf_counter()
    days = seed_days([2025, 2026, 2027])
    print(f"{'seed_days(2025-2027) incl. import':<40} {(time.perf_counter() - t0) * 1e3:8.1f} ms")
    cal = build_calendar(days, Settings())
    base = datetime(2026, 1, 2, 9, 30)
    bench(
        "due_datetime 5 working days",
        lambda i: due_datetime(base + timedelta(days=i % 300), 5, cal),
        20000,
    )
    bench(
        "due_datetime 60 working days",
        lambda i: due_datetime(base + timedelta(days=i % 300), 60, cal),
        5000,
    )
    bench(
        "due_datetime same day",
        lambda i: due_datetime(base + timedelta(hours=i % 2000), 0, cal, unit=TimeUnit.SAME_DAY),
        20000,
    )
    fmt = DossierCodeFormat()
    bench(
        "DossierCodeFormat.format+parse",
        lambda i: fmt.parse(fmt.format("000.00.06.H56", date(2026, 3, 2), i + 1)),
        20000,
    )
    bench("parse_id_card_qr", lambda i: parse_id_card_qr(QR), 20000)
    samples = [QR, "000.00.06.H56-231027-0361", "RR123456785VN", "1.001193", "garbage"]
    bench("scan.classify (mixed)", lambda i: classify(samples[i % len(samples)]), 20000)


if __name__ == "__main__":
    main()
