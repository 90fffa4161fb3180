"""Ledger export and report speed: a month of 3,000 dossiers in a temporary SQLite database.

    .venv/bin/python bench/ledger_bench.py                 # 3,000 dossiers, 3 runs each
    .venv/bin/python bench/ledger_bench.py --n 6000 --runs 5

The database is migrated, the sample catalogue imported, and N dossiers spread over October
2030 (office time) are bulk-inserted with Core, a third handed over (timeline row with the
department), half of them returned. Then the Mẫu 07 export of the whole month is timed as PDF and
as XLSX through ``LedgerService.export`` (query + render + atomic write), plus the row query
alone, the PDF render alone, and the monthly report. The floor, measured in the same run, is
the least any PDF of the month costs: every cell's text drawn with a bare reportlab canvas in
the same embedded font, 15 rows a page, no layout at all. Prints the median and the slowest of
the runs, and the PDF medians as a multiple of the floor; figures go in reports, never into
test asserts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from sqlalchemy import insert, select  # noqa: E402

from motcua_desk.config import Settings  # noqa: E402
from motcua_desk.domain.dossier import Person, Status  # noqa: E402
from motcua_desk.resources import seed_dir  # noqa: E402
from motcua_desk.services.clock import OFFICE_TZ  # noqa: E402
from motcua_desk.services.ledger import LedgerService, render_pdf  # noqa: E402
from motcua_desk.services.reports import ReportService  # noqa: E402
from motcua_desk.services.settings_store import SettingsStore  # noqa: E402
from motcua_desk.storage import make_engine, make_uow_factory, migrate  # noqa: E402
from motcua_desk.storage.catalogue_import import import_catalogue  # noqa: E402
from motcua_desk.storage.orm import DossierEventRow, DossierRow, ProcedureRow  # noqa: E402
from motcua_desk.storage.repositories.dossiers import dossier_columns  # noqa: E402

AGENCY = "000.00.06.H56"
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
GIVEN = ["Văn An", "Thị Hoa", "Minh Đức", "Thu Hằng", "Quốc Bảo", "Ngọc Lan", "Hữu Phước"]
DEPARTMENTS = ["Phòng Tư pháp", "Phòng Văn hóa - Xã hội", "Công an phường"]


def load(factory: Callable[[], object], n: int) -> None:
    from motcua_desk.domain.dossier import Dossier

    with factory() as uow:  # type: ignore[attr-defined]
        import_catalogue(uow, (seed_dir() / "procedures.json").read_bytes())
        uow.commit()
    with factory() as uow:  # type: ignore[attr-defined]
        procedures = uow.session.execute(
            select(ProcedureRow.code, ProcedureRow.name).where(ProcedureRow.code != "")
        ).all()
        start = datetime(2030, 10, 1, 7, 30, tzinfo=OFFICE_TZ)
        step = timedelta(days=30, hours=9) / n  # 01/10 07:30 .. 31/10 16:30
        rows = []
        for i in range(n):
            received = (start + step * i).astimezone(UTC)
            code, name = procedures[i % len(procedures)]
            returned = received + timedelta(days=3 + i % 6) if i % 2 == 0 else None
            d = Dossier(
                sync_id=str(uuid.UUID(int=i + 1)),
                code=f"{AGENCY}-{received.astimezone(OFFICE_TZ):%y%m%d}-{i + 1:04d}",
                agency_id=AGENCY,
                procedure_code=code,
                procedure_name=name,
                applicant=Person(
                    f"{SURNAMES[i % 10]} {GIVEN[(i // 10) % 7]}",
                    id_number=f"0381950{i:05d}",
                    phone=f"09{i:08d}",
                    address=f"Số {i % 200 + 1} Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
                ),
                received_at=received,
                due_at=received + timedelta(days=5),
                status=Status.RETURNED if returned else Status.PROCESSING,
                clerk_username="canbo1",
                returned_at=returned,
            )
            rows.append({**dossier_columns(d), "updated_at": received})
        uow.session.execute(insert(DossierRow), rows)
        ids = uow.session.execute(select(DossierRow.id, DossierRow.received_at)).all()
        events = [
            {
                "dossier_id": dossier_id,
                "kind": "status_changed",
                "at": at + timedelta(hours=2),
                "actor": "canbo1",
                "status_from": int(Status.RECEIVED),
                "status_to": int(Status.PROCESSING),
                "detail": json.dumps(
                    {"action": "handed_over", "department": DEPARTMENTS[dossier_id % 3]},
                    ensure_ascii=False,
                ),
            }
            for dossier_id, at in ids
            if dossier_id % 3 == 0
        ]
        uow.session.execute(insert(DossierEventRow), events)
        uow.commit()


def floor_pdf(rows: tuple[object, ...]) -> bytes:
    """Every ledger cell drawn as one line of text, 15 rows a page, A4 landscape: the cost of
    writing the month's text into a PDF with the embedded font and nothing else."""
    import io

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from motcua_desk.printing.fonts import register_fonts
    from motcua_desk.printing.slips.ledger import _cells

    fonts = register_fonts()
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=landscape(A4), invariant=1, initialFontName=fonts.serif)
    y = 0.0
    for i, row in enumerate(rows):
        if i % 15 == 0:
            if i:
                canv.showPage()
            canv.setFont(fonts.serif, 7.5)
            y = 560.0
        x = 30.0
        for cell in _cells(row):  # type: ignore[arg-type]
            canv.drawString(x, y, cell.replace("\n", " ")[:60])
            x += 70
        y -= 34
    canv.showPage()
    canv.save()
    return buf.getvalue()


def timed(fn: Callable[[], object], runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, result


def show(label: str, times: list[float], extra: str = "") -> None:
    print(
        f"{label:<34} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms"
        + (f"   {extra}" if extra else "")
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=3000, help="dossiers in the month")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", type=Path, default=None, help="where to put the database")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        db = Path(tmp) / "ledger.db"
        engine = make_engine(db)
        migrate(engine, db, Path(tmp) / "backups")
        factory = make_uow_factory(engine)
        t = time.perf_counter()
        load(factory, args.n)
        print(f"load: {args.n} dossiers in {time.perf_counter() - t:.1f} s")
        settings = SettingsStore(
            Settings(
                agency_id=AGENCY,
                agency_name="Bộ phận Tiếp nhận và Trả kết quả phường Hạc Thành",
                managing_body="UBND phường Hạc Thành",
                place_name="Thanh Hóa",
            )
        )

        def clock() -> datetime:
            return datetime(2030, 11, 5, 9, 0, tzinfo=OFFICE_TZ)

        ledger = LedgerService(factory, settings, clock)
        reports = ReportService(factory, clock)
        first, last = date(2030, 10, 1), date(2030, 10, 31)
        times, rows = timed(lambda: ledger.rows(first, last), args.runs)
        show("ledger rows (query only)", times, f"{len(rows):,} rows")  # type: ignore[arg-type]
        times, pdf = timed(lambda: floor_pdf(rows), args.runs)  # type: ignore[arg-type]
        floor = statistics.median(times)
        show("floor: bare canvas text", times, f"{len(pdf) / 1e6:.2f} MB")  # type: ignore[arg-type]
        data = ledger.data(first, last)
        times, pdf = timed(lambda: render_pdf(data), args.runs)
        show(
            "render PDF only",
            times,
            f"{statistics.median(times) / floor:.1f}x floor, {len(pdf) / 1e6:.2f} MB",  # type: ignore[arg-type]
        )
        for kind in ("pdf", "xlsx"):
            out = Path(tmp) / f"ledger.{kind}"
            times, _ = timed(
                lambda out=out, kind=kind: ledger.export(out, kind, first, last), args.runs
            )
            show(
                f"export {kind.upper()} (query+render+write)",
                times,
                f"{statistics.median(times) / floor:.1f}x floor, {out.stat().st_size / 1e6:.2f} MB",
            )
        times, report = timed(lambda: reports.month_report(2030, 10), args.runs)
        total = report.total  # type: ignore[attr-defined]
        show(
            "month report",
            times,
            f"received {total.received}, returned {total.returned}, open {total.in_progress}",
        )
        engine.dispose()


if __name__ == "__main__":
    main()
