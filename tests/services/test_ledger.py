"""Mẫu 07 ledger on a real SQLite database: rows, office-date bounds, PDF and Excel exports."""

from __future__ import annotations

import importlib.util
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader

from motcua_desk.domain.dossier import Dossier, Status
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.ledger import HEADERS, XLSX_DATETIME_FORMAT, LedgerService, render_pdf
from motcua_desk.services.reception import IntakeDraft

from .conftest import HOA, FakeClock

HEALTH_CARD = "1.014137"  # Bảo hiểm y tế, 5 working days
CONTRACT = "2.001035"  # Chứng thực, 2 working days
PATERNITY = "1.001022"  # Hộ tịch, 3 working days


def _decode():  # type: ignore[no-untyped-def]
    path = Path(__file__).resolve().parents[1] / "printing" / "decode.py"
    spec = importlib.util.spec_from_file_location("printing_decode", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


@pytest.fixture
def ledger(ctx) -> LedgerService:  # type: ignore[no-untyped-def]
    return LedgerService(ctx.reception._uow_factory, ctx.settings_store, ctx.clock)  # noqa: SLF001


@dataclass
class October:
    ctx: Any
    ledger: LedgerService
    admin: Any
    clock: FakeClock
    before: Dossier  # 30/09 23:50, out of October
    first: Dossier  # 01/10 00:10, in (still 30/09 in UTC)
    handed: Dossier  # 02/10 08:00, handed over and returned
    last: Dossier  # 31/10 23:30, in
    after: Dossier  # 01/11 00:10, out


def receive(ctx: Any, admin: Any, clock: FakeClock, when: datetime, code: str) -> Dossier:
    clock.now = when
    return ctx.reception.receive(IntakeDraft(code, HOA), admin)  # type: ignore[no-any-return]


@pytest.fixture
def october(ctx, admin, clock: FakeClock, ledger: LedgerService) -> October:  # type: ignore[no-untyped-def]
    before = receive(ctx, admin, clock, at(2023, 9, 30, 23, 50), CONTRACT)
    first = receive(ctx, admin, clock, at(2023, 10, 1, 0, 10), HEALTH_CARD)
    handed = receive(ctx, admin, clock, at(2023, 10, 2, 8, 0), CONTRACT)
    last = receive(ctx, admin, clock, at(2023, 10, 31, 23, 30), PATERNITY)
    after = receive(ctx, admin, clock, at(2023, 11, 1, 0, 10), PATERNITY)
    clock.now = at(2023, 10, 3, 9, 0)
    ctx.lifecycle.hand_over(handed.id, admin, "Phòng Tư pháp")
    ctx.lifecycle.result_received(handed.id, admin)
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001 - the citizen collected it
        uow.dossiers.set_status(handed.id, Status.RETURNED, actor="admin", at=at(2023, 10, 4, 14))
        uow.commit()
    clock.now = at(2023, 11, 2, 10, 0)
    return October(ctx, ledger, admin, clock, before, first, handed, last, after)


def test_rows_in_office_dates_in_order_and_numbered_for_the_year(october: October) -> None:
    o = october
    rows = o.ledger.rows(date(2023, 10, 1), date(2023, 10, 31))
    assert [r.dossier_code for r in rows] == [o.first.code, o.handed.code, o.last.code]
    # The range continues the year's numbering: the dossier of 30/09 was entry 01.
    assert [r.no for r in rows] == [2, 3, 4]
    first, handed, last = rows
    assert first.received_at == at(2023, 10, 1, 0, 10)
    assert first.received_at.utcoffset() == OFFICE_TZ.utcoffset(None)
    assert last.received_at.hour == 23 and last.received_at.minute == 30
    assert first.procedure_name == o.first.procedure_name
    assert first.applicant_name == "Lê Thị Hoa"
    assert first.address_phone == f"{HOA.address}, {o.first.applicant.phone}"
    assert first.due_at == o.first.due_at and first.returned_at is None
    assert first.lead_agency == ""
    assert handed.lead_agency == "Phòng Tư pháp"
    assert handed.returned_at == at(2023, 10, 4, 14)
    assert handed.return_method_label == "Trực tiếp"  # short words: the unit is the book's own
    # The day the dossier of 00:10 belongs to is the office date, not the UTC one.
    assert [r.dossier_code for r in o.ledger.rows(date(2023, 10, 1), date(2023, 10, 1))] == [
        o.first.code
    ]
    assert [r.dossier_code for r in o.ledger.rows(date(2023, 11, 1), date(2023, 11, 1))] == [
        o.after.code
    ]
    assert [r.no for r in o.ledger.rows(date(2023, 11, 1), date(2023, 11, 1))] == [5]


def test_field_filter_and_numbering_per_field(october: October) -> None:
    o = october
    ledger = o.ledger
    assert {"Hộ tịch", "Chứng thực", "Bảo hiểm y tế"} <= set(ledger.fields())
    rows = ledger.rows(date(2023, 10, 1), date(2023, 10, 31), field="Chứng thực")
    assert [(r.no, r.dossier_code) for r in rows] == [(2, o.handed.code)]
    rows = ledger.rows(date(2023, 10, 1), date(2023, 10, 31), field="Hộ tịch")
    assert [(r.no, r.dossier_code) for r in rows] == [(1, o.last.code)]
    assert ledger.rows(date(2023, 10, 1), date(2023, 10, 31), field="Không có") == ()


def test_a_new_year_restarts_the_numbering(ctx, admin, clock: FakeClock, ledger) -> None:  # type: ignore[no-untyped-def]
    a = receive(ctx, admin, clock, at(2023, 12, 31, 10, 0), CONTRACT)
    b = receive(ctx, admin, clock, at(2024, 1, 1, 0, 5), CONTRACT)
    c = receive(ctx, admin, clock, at(2024, 1, 2, 9, 0), CONTRACT)
    rows = ledger.rows(date(2023, 12, 31), date(2024, 1, 2))
    assert [(r.no, r.dossier_code) for r in rows] == [(1, a.code), (1, b.code), (2, c.code)]


def test_pdf_has_the_form_and_the_rows(october: October) -> None:
    o = october
    pdf = o.ledger.pdf(date(2023, 10, 1), date(2023, 10, 31))
    lines = _decode().pdf_lines(pdf)
    text = "\n".join(lines)
    compact = text.replace("\n", "")
    assert "SỔ THEO DÕI HỒ SƠ" in lines
    assert "Lĩnh vực: Tất cả các lĩnh vực" in lines
    assert "Từ ngày 01/10/2023 đến ngày 31/10/2023" in lines
    assert "UBND phường Hạc Thành".upper() in text.upper()
    for d in (o.first, o.handed, o.last):
        assert d.code in compact
    for d in (o.before, o.after):
        assert d.code not in compact
    assert "Lê Thị Hoa" in text
    assert "Phòng Tư pháp" in compact or "Phòng Tưpháp" in compact
    assert "23:30" in text and "31/10/2023" in text  # local time of the last dossier
    assert "00:10" in text
    filtered = _decode().pdf_lines(o.ledger.pdf(date(2023, 10, 1), date(2023, 10, 31), "Hộ tịch"))
    assert "Lĩnh vực: Hộ tịch" in filtered


def test_xlsx_cells(october: October) -> None:
    o = october
    raw = o.ledger.xlsx(date(2023, 10, 1), date(2023, 10, 31))
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    ws = wb.active
    assert ws["A1"].value == "UBND phường Hạc Thành"
    assert ws["A2"].value == "Bộ phận Tiếp nhận và Trả kết quả phường Hạc Thành"
    assert ws["A3"].value == "SỔ THEO DÕI HỒ SƠ"
    assert ws["A4"].value == "Lĩnh vực: Tất cả các lĩnh vực"
    assert ws["A5"].value == "Từ ngày 01/10/2023 đến ngày 31/10/2023"
    assert tuple(c.value for c in ws[6]) == HEADERS
    assert ws.freeze_panes == "A7"
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=7)]
    assert [r[0] for r in body] == [2, 3, 4]
    assert [r[1] for r in body] == [o.first.code, o.handed.code, o.last.code]
    assert body[0][6] == datetime(2023, 10, 1, 0, 10)  # local wall-clock time, no zone
    assert body[2][6] == datetime(2023, 10, 31, 23, 30)
    assert body[1][8] == datetime(2023, 10, 4, 14, 0)
    assert body[0][8] is None
    assert body[1][5] == "Phòng Tư pháp"
    assert body[0][3] == "Lê Thị Hoa"
    assert ws["G7"].number_format == XLSX_DATETIME_FORMAT
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width
    assert ws.max_row == 9


def test_export_writes_the_file_atomically(october: October, tmp_path: Path) -> None:
    o = october
    out = tmp_path / "exports" / "so-theo-doi.xlsx"
    assert o.ledger.export(out, "xlsx", date(2023, 10, 1), date(2023, 10, 31)) == out
    assert openpyxl.load_workbook(out).active["A3"].value == "SỔ THEO DÕI HỒ SƠ"
    pdf_out = tmp_path / "exports" / "so-theo-doi.pdf"
    o.ledger.export(pdf_out, "pdf", date(2023, 10, 1), date(2023, 10, 31))
    assert pdf_out.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in out.parent.iterdir()) == ["so-theo-doi.pdf", "so-theo-doi.xlsx"]
    with pytest.raises(ValidationFailedError) as info:
        o.ledger.export(tmp_path / "x.csv", "csv", date(2023, 10, 1), date(2023, 10, 31))
    assert info.value.fields == {"kind": "invalid_value"}
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(
    ("date_from", "date_to", "problem"),
    [
        (date(2023, 10, 31), date(2023, 10, 1), "range_order"),
        (date(2023, 1, 1), date(2024, 1, 2), "range_too_long"),  # 367 days
    ],
)
def test_malformed_ranges_are_refused(ledger, date_from: date, date_to: date, problem: str) -> None:  # type: ignore[no-untyped-def]
    for call in (ledger.rows, ledger.pdf, ledger.xlsx):
        with pytest.raises(ValidationFailedError) as info:
            call(date_from, date_to)
        assert info.value.fields == {"date_to": problem}


def test_a_leap_year_is_the_longest_range(ledger) -> None:  # type: ignore[no-untyped-def]
    assert ledger.rows(date(2024, 1, 1), date(2024, 12, 31)) == ()


def test_refused_at_intake_is_marked_and_book_number_printed(october: October) -> None:
    o = october
    o.clock.now = at(2023, 10, 20, 9, 0)
    refused = o.ctx.reception.refuse(IntakeDraft(CONTRACT, HOA), o.admin, "Không thuộc thẩm quyền")
    o.ctx.settings_store.update(ledger_book_no="02")
    rows = o.ledger.rows(date(2023, 10, 1), date(2023, 10, 31))
    row = next(r for r in rows if r.dossier_code == refused.code)
    assert row.due_at is None and row.returned_at is None
    assert row.return_method_label == "Từ chối tiếp nhận (Mẫu 03): Không thuộc thẩm quyền"
    data = o.ledger.data(date(2023, 10, 1), date(2023, 10, 31))
    assert data.book_no == "02/2023"
    text = " ".join(PdfReader(io.BytesIO(render_pdf(data))).pages[0].extract_text().split())
    assert "Quyển số: 02/2023" in text and "Số: 2023" not in text
