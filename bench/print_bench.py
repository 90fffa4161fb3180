"""Printing speed: the Mẫu 01 receipt on A5 and on the 80 mm roll, and a 3,000-row ledger.

Run: ``.venv/bin/python bench/print_bench.py [--n 200]``. Prints first / median / p95 in ms and
the PDF size. Plain script; figures go in reports, never into test asserts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from motcua_desk.domain.dossier import ChecklistItem, PaperForm, Person  # noqa: E402
from motcua_desk.printing.barcodes import qr_payload  # noqa: E402
from motcua_desk.printing.fonts import register_fonts  # noqa: E402
from motcua_desk.printing.slips import ledger, receipt  # noqa: E402
from motcua_desk.printing.slips.common import UnitHeader  # noqa: E402

CODE = "000.00.15.H29-261122-0001"
UNIT = UnitHeader("UBND tỉnh Thanh Hóa", "Trung tâm Phục vụ hành chính công tỉnh", "Thanh Hóa")


def receipt_data() -> receipt.ReceiptData:
    return receipt.ReceiptData(
        dossier_code=CODE,
        header=UNIT,
        applicant=Person(
            "Nguyễn Thị Hằng",
            id_number="038195001234",
            phone="0912345678",
            email="hang@example.vn",
            address="Số 12 Lê Lợi, Phường Hạc Thành",
        ),
        submitter=Person("Trần Văn Đức", id_number="038090001111"),
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        received_at=datetime(2026, 2, 12, 10, 15),
        due_at=datetime(2026, 2, 26, 10, 0),
        clerk_name="Lê Thị Hoa",
        papers=(
            ChecklistItem("Tờ khai đăng ký khai sinh", PaperForm.ORIGINAL, 1),
            ChecklistItem("Giấy chứng sinh", PaperForm.CERTIFIED_COPY, 1),
            ChecklistItem("Căn cước của cha, mẹ", PaperForm.SHOWN, 1),
        ),
        processing_days=5,
        fee_label="Miễn lệ phí",
        qr_payload=qr_payload(CODE, "https://dichvucong.example.vn/tra-cuu?ma={code}"),
        number="123/PBS",
    )


def ledger_data(n: int) -> ledger.LedgerData:
    t0 = datetime(2026, 1, 5, 8, 0)
    rows = tuple(
        ledger.LedgerRow(
            i,
            f"H56.14-2601{i % 28 + 1:02d}-{i:04d}",
            "Đăng ký khai sinh",
            "Nguyễn Thị Hằng",
            "Số 12 Lê Lợi, 0912345678",
            "UBND phường Hạc Thành",
            t0 + timedelta(hours=i),
            t0 + timedelta(days=5, hours=i),
        )
        for i in range(1, n + 1)
    )
    return ledger.LedgerData(UNIT, "Hộ tịch", "Năm 2026", datetime(2026, 12, 31, 16, 0), rows)


def measure(name: str, fn: Callable[[], bytes], n: int) -> None:
    times = []
    size = 0
    for _ in range(n):
        t0 = time.perf_counter()
        size = len(fn())
        times.append((time.perf_counter() - t0) * 1000)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"{name:<28} n={n:<4} first {times[0]:7.1f} ms  median {statistics.median(times):7.1f} ms"
        f"  p95 {p95:7.1f} ms  size {size / 1024:6.1f} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--ledger-rows", type=int, default=3000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    fonts = register_fonts()
    print(f"register_fonts               {(time.perf_counter() - t0) * 1000:7.1f} ms")
    data = receipt_data()
    measure("receipt A5", lambda: receipt.render(data, fonts=fonts), args.n)
    measure("receipt 80mm", lambda: receipt.render(data, layout="80mm", fonts=fonts), args.n)
    big = ledger_data(args.ledger_rows)
    measure(f"ledger A4 {args.ledger_rows} rows", lambda: ledger.render(big, fonts=fonts), 3)


if __name__ == "__main__":
    main()
