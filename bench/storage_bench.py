"""Storage benchmark: dossier saves per second, and lookup by code among N dossiers.

    .venv/bin/python bench/storage_bench.py                  # 1,000,000 dossiers
    .venv/bin/python bench/storage_bench.py --n 100000 --saves 200

(1) Each save is one transaction as the reception service does it: take the day's sequence
number, insert the dossier with 3 checklist rows, its outbox event and an audit row, commit
(WAL, synchronous=FULL). (2) The database is filled with N dossiers by Core executemany, then
1,000 random codes are looked up through ``uow.dossiers.by_code`` (median and p95).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import insert  # noqa: E402

from motcua_desk.domain.dossier import ChecklistItem, Dossier, Person, Status  # noqa: E402
from motcua_desk.domain.text import search_key  # noqa: E402
from motcua_desk.storage import make_engine, make_uow_factory, migrate  # noqa: E402
from motcua_desk.storage.orm import DossierRow  # noqa: E402

ICT = timezone(timedelta(hours=7))
AGENCY = "000.00.06.H56"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
GIVEN = ["Văn An", "Thị Hoa", "Minh Đức", "Thu Hằng", "Quốc Bảo", "Ngọc Lan", "Hữu Phước"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_saves(db: Path, n: int) -> None:
    engine = make_engine(db)
    migrate(engine, db, db.parent / "backups")
    factory = make_uow_factory(engine)
    day = date(2030, 1, 2)
    at = datetime(2030, 1, 2, 9, 0, tzinfo=ICT)
    lat: list[float] = []
    start = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        with factory() as uow:
            seq = uow.sequences.next_seq(AGENCY, day)
            d = uow.dossiers.add(
                Dossier(
                    sync_id=str(uuid.uuid4()),
                    code=f"{AGENCY}-300102-{seq:04d}",
                    agency_id=AGENCY,
                    procedure_code="1.001193",
                    procedure_name="Thủ tục đăng ký khai sinh",
                    applicant=Person(
                        f"{SURNAMES[i % 10]} {GIVEN[i % 7]}",
                        id_number=f"0381950{i:05d}",
                        phone=f"09{i:08d}",
                        address="Số 12 Lê Lợi, Phường Điện Biên, Thanh Hóa",
                    ),
                    received_at=at,
                    due_at=at + timedelta(days=7),
                    status=Status.RECEIVED,
                    checklist=(
                        ChecklistItem("Tờ khai đăng ký khai sinh theo mẫu", received=True),
                        ChecklistItem("Giấy chứng sinh", received=True),
                        ChecklistItem("CCCD của người đi đăng ký", received=True),
                    ),
                    clerk_username="canbo1",
                )
            )
            uow.outbox.append(
                "dossier.received", d.sync_id, {"code": d.code, "procedure": "1.001193"}, at
            )
            uow.audit.append("canbo1", "dossier.received", "dossier", str(d.id), {}, at)
            uow.commit()
        lat.append((time.perf_counter() - t0) * 1000)
    total = time.perf_counter() - start
    print(f"saves: {n} in {total:.2f} s = {n / total:.1f} saves/s")
    print(f"save latency: median {statistics.median(lat):.2f} ms, p95 {pct(lat, 95):.2f} ms")
    engine.dispose()


def bulk_rows(start: int, count: int, base: datetime) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i in range(start, start + count):
        day = base + timedelta(days=i // 400)
        name = f"{SURNAMES[i % 10]} {GIVEN[(i // 10) % 7]}"
        rows.append(
            {
                "sync_id": str(uuid.UUID(int=i + 1)),
                "code": f"{AGENCY}-{day:%y%m%d}-{i % 400 + 1:04d}",
                "agency_id": AGENCY,
                "procedure_code": "1.001193",
                "procedure_name": "Thủ tục đăng ký khai sinh",
                "applicant_name": name,
                "applicant_search_key": search_key(name),
                "applicant_id_number": f"{i:012d}",
                "applicant_birth_date": None,
                "applicant_sex": None,
                "applicant_phone": f"09{i:08d}",
                "applicant_email": "",
                "applicant_address": "Thanh Hóa",
                "applicant_kind": 1,
                "received_at": day,
                "due_at": day + timedelta(days=7),
                "status": 10,
                "channel": 1,
                "return_method": "counter",
                "return_address": "",
                "sets_count": 1,
                "fee_vnd": None,
                "clerk_username": "canbo1",
                "regime": "ND118_2025",
                "provisional_code": False,
                "note": "",
                "extensions": 0,
                "supplement_requests": 0,
                "returned_at": None,
                "updated_at": day,
            }
        )
    return rows


def bench_lookup(db: Path, n: int, lookups: int) -> None:
    engine = make_engine(db)
    migrate(engine, db, db.parent / "backups")
    base = datetime(2020, 1, 1, 2, 0, tzinfo=UTC)
    batch = 50_000
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for start in range(0, n, batch):
            conn.execute(insert(DossierRow), bulk_rows(start, min(batch, n - start), base))
    print(f"bulk load: {n} dossiers in {time.perf_counter() - t0:.1f} s")
    print(f"db size: {db.stat().st_size / 1e6:.0f} MB")
    rng = random.Random(1)
    sample = [bulk_rows(i, 1, base)[0]["code"] for i in rng.sample(range(n), lookups)]
    factory = make_uow_factory(engine)
    fresh: list[float] = []
    for code in sample:
        t = time.perf_counter()
        with factory() as uow:
            found = uow.dossiers.by_code(str(code))
        fresh.append((time.perf_counter() - t) * 1000)
        assert found is not None and found.code == code
    shared: list[float] = []
    with factory() as uow:
        for code in sample:
            t = time.perf_counter()
            found = uow.dossiers.by_code(str(code))
            shared.append((time.perf_counter() - t) * 1000)
            assert found is not None
        t = time.perf_counter()
        hits = uow.dossiers.search("hang", limit=200)
        search_ms = (time.perf_counter() - t) * 1000
    print(
        f"by_code, one unit of work per lookup ({lookups}): median "
        f"{statistics.median(fresh):.3f} ms, p95 {pct(fresh, 95):.3f} ms"
    )
    print(
        f"by_code, inside one unit of work ({lookups}): median "
        f"{statistics.median(shared):.3f} ms, p95 {pct(shared, 95):.3f} ms"
    )
    print(f"search('hang') name scan over {n} rows: {search_ms:.0f} ms ({len(hits)} hits)")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1_000_000, help="dossiers for the lookup test")
    ap.add_argument("--saves", type=int, default=500, help="transactions for the save test")
    ap.add_argument("--lookups", type=int, default=1000)
    ap.add_argument("--dir", type=Path, default=None, help="where to put the databases")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        bench_saves(Path(tmp) / "saves.db", args.saves)
        bench_lookup(Path(tmp) / "lookup.db", args.n, min(args.lookups, args.n))


if __name__ == "__main__":
    main()
