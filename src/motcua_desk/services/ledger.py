"""Mẫu 07 (Sổ theo dõi hồ sơ): the dossier ledger of an office-date range, as PDF or Excel.

Rows are read with one lean Core select of the columns the ledger prints (no ORM objects, no
checklists), so a month of a busy counter stays fast. Entries are numbered from 01 for each
year, as the paper ledger is (TT 01/2018 Art. 10.2); a range that starts mid-year continues the
year's numbering. Dates are office dates (UTC+7); stored times are UTC.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select

from motcua_desk.config import Settings
from motcua_desk.domain import formatting as fmt
from motcua_desk.domain.dossier import Status
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.domain.text import normalize
from motcua_desk.services.clock import office_days_utc, to_local
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.orm import DossierEventRow, DossierRow, ProcedureRow
from motcua_desk.storage.uow import UnitOfWork, reading

if TYPE_CHECKING:  # printing (ReportLab) loads when a ledger is first made: start-up time
    from motcua_desk.printing.slips.ledger import LedgerData, LedgerRow

#: Longest range one export may cover (a leap year, inclusive).
MAX_RANGE_DAYS = 366
KINDS = ("pdf", "xlsx")
ALL_FIELDS_LABEL = "Tất cả các lĩnh vực"
TITLE = "SỔ THEO DÕI HỒ SƠ"
#: Spreadsheet date format (local office time; Excel keeps no time zone).
XLSX_DATETIME_FORMAT = "hh:mm dd/mm/yyyy"


def check_range(date_from: date, date_to: date) -> None:
    """Raise ``ValidationFailedError`` for a reversed range or one longer than a year."""
    if date_to < date_from:
        raise ValidationFailedError({"date_to": "range_order"})
    if (date_to - date_from).days + 1 > MAX_RANGE_DAYS:
        raise ValidationFailedError({"date_to": "range_too_long"})


def utc_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """``[start, end)`` in UTC of the office dates ``date_from`` .. ``date_to`` inclusive."""
    return office_days_utc(date_from, date_to)


def fmt_date(d: date) -> str:
    return fmt.format_date(d)


def period_label(date_from: date, date_to: date) -> str:
    if date_from == date_to:
        return f"Ngày {fmt_date(date_from)}"
    return f"Từ ngày {fmt_date(date_from)} đến ngày {fmt_date(date_to)}"


def method_label(method: str, address: str, s: Settings) -> str:
    """How the result is received, in the ledger's few words (the unit is the book's own)."""
    if method == "post":
        return f"Bưu chính: {address}" if address else "Bưu chính công ích"
    if method == "online":
        return "Trực tuyến"
    return "Trực tiếp"


#: Refused at intake (Mẫu 03 issued, no appointment): kept in the book, numbered like every
#: dossier that came to the counter, with the refusal written where the result would go.
REFUSED_LABEL = "Từ chối tiếp nhận (Mẫu 03)"


def _reason(detail: str | None) -> str:
    if not detail:
        return ""
    try:
        value = json.loads(detail).get("reason", "")
    except (ValueError, AttributeError):
        return ""
    return normalize(str(value))


def _department(detail: str | None) -> str:
    if not detail:
        return ""
    try:
        value = json.loads(detail).get("department", "")
    except (ValueError, AttributeError):
        return ""
    return normalize(str(value))


def intake_fee_note(timing: str | None, paid_vnd: int | None, receipt_no: str | None) -> str:
    """The ledger's note for a fee paid at intake (issue 13): amount and receipt number."""
    if timing != "at_intake" or not paid_vnd:
        return ""
    from motcua_desk.services.slip_data import collected_fee_label

    return "Đã thu phí: " + collected_fee_label(paid_vnd, normalize(receipt_no or ""))


def _local(value: datetime | None) -> datetime | None:
    return None if value is None else to_local(value)


def entry_number(uow: UnitOfWork, dossier_id: int, received_at: datetime) -> int:
    """The dossier's number in its year's ledger (from 01, in order of receipt), as printed
    on Mẫu 07 and cited on Mẫu 01 ("số thứ tự")."""
    year = to_local(received_at).year
    start = utc_bounds(date(year, 1, 1), date(year, 1, 1))[0]
    stmt = (
        select(func.count())
        .select_from(DossierRow)
        .where(
            DossierRow.received_at >= start,
            (DossierRow.received_at < received_at)
            | ((DossierRow.received_at == received_at) & (DossierRow.id <= dossier_id)),
        )
    )
    return int(uow.session.execute(stmt).scalar_one())


@dataclass(frozen=True)
class LedgerQuery:
    """What one export covers; checked on construction."""

    date_from: date
    date_to: date
    field: str | None = None

    def __post_init__(self) -> None:
        check_range(self.date_from, self.date_to)


class LedgerService:
    """Reads the ledger rows and renders them; every method runs on a worker thread."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        settings: SettingsStore,
        clock: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._settings = settings
        self._clock = clock

    # -- reading ------------------------------------------------------------------------

    def fields(self) -> list[str]:
        """Fields (lĩnh vực) of the catalogue, sorted, for the filter list."""
        with reading(self._uow_factory) as uow:
            found = uow.session.execute(
                select(ProcedureRow.field).where(ProcedureRow.field != "").distinct()
            ).scalars()
            return sorted({normalize(f) for f in found})

    def _select(
        self, start: datetime, end: datetime, field: str | None
    ) -> Select[*tuple[Any, ...]]:
        department = (
            select(DossierEventRow.detail)
            .where(
                DossierEventRow.dossier_id == DossierRow.id,
                DossierEventRow.kind == "status_changed",
                DossierEventRow.status_to == int(Status.PROCESSING),
                DossierEventRow.detail.like("%handed_over%"),
            )
            .order_by(DossierEventRow.at.desc(), DossierEventRow.id.desc())
            .limit(1)
            .correlate(DossierRow)
            .scalar_subquery()
        )
        refusal = (
            select(DossierEventRow.detail)
            .where(
                DossierEventRow.dossier_id == DossierRow.id,
                DossierEventRow.status_to == int(Status.REFUSED),
            )
            .order_by(DossierEventRow.at.desc(), DossierEventRow.id.desc())
            .limit(1)
            .correlate(DossierRow)
            .scalar_subquery()
        )
        stmt = (
            select(
                DossierRow.code,
                DossierRow.procedure_name,
                DossierRow.applicant_name,
                DossierRow.applicant_address,
                DossierRow.applicant_phone,
                DossierRow.received_at,
                DossierRow.due_at,
                DossierRow.returned_at,
                DossierRow.return_method,
                DossierRow.return_address,
                department.label("department"),
                DossierRow.fee_timing,
                DossierRow.fee_paid_vnd,
                DossierRow.fee_receipt_no,
                DossierRow.status,
                refusal.label("refusal"),
            )
            .outerjoin(ProcedureRow, ProcedureRow.code == DossierRow.procedure_code)
            .where(DossierRow.received_at >= start, DossierRow.received_at < end)
            .order_by(DossierRow.received_at, DossierRow.id)
        )
        if field is not None:
            stmt = stmt.where(ProcedureRow.field == normalize(field))
        return stmt

    def _count_before(self, uow: UnitOfWork, start: datetime, end: datetime, f: str | None) -> int:
        stmt = (
            select(func.count())
            .select_from(DossierRow)
            .where(DossierRow.received_at >= start, DossierRow.received_at < end)
        )
        if f is not None:
            stmt = stmt.join(ProcedureRow, ProcedureRow.code == DossierRow.procedure_code).where(
                ProcedureRow.field == normalize(f)
            )
        return int(uow.session.execute(stmt).scalar_one())

    def rows(
        self, date_from: date, date_to: date, field: str | None = None
    ) -> tuple[LedgerRow, ...]:
        """Ledger rows received in the office dates ``date_from`` .. ``date_to``, in order."""
        from motcua_desk.printing.slips.ledger import LedgerRow

        q = LedgerQuery(date_from, date_to, field)
        start, end = utc_bounds(q.date_from, q.date_to)
        s = self._settings.current
        with reading(self._uow_factory) as uow:
            year_start = utc_bounds(date(q.date_from.year, 1, 1), q.date_from)[0]
            numbered = self._count_before(uow, year_start, start, q.field)
            result = uow.session.execute(self._select(start, end, q.field)).all()
        out: list[LedgerRow] = []
        year = q.date_from.year
        for r in result:
            received = to_local(r.received_at)
            if received.year != year:  # a new year starts a new numbering
                year, numbered = received.year, 0
            numbered += 1
            phone = normalize(r.applicant_phone or "")
            address = normalize(r.applicant_address or "")
            method = normalize(method_label(r.return_method, r.return_address or "", s))
            refused = r.status == int(Status.REFUSED) and r.due_at is None
            if refused:
                reason = _reason(r.refusal)
                method = f"{REFUSED_LABEL}: {reason}" if reason else REFUSED_LABEL
            out.append(
                LedgerRow(
                    no=numbered,
                    dossier_code=r.code,
                    procedure_name=normalize(r.procedure_name),
                    applicant_name=normalize(r.applicant_name),
                    address_phone=", ".join(x for x in (address, phone) if x),
                    lead_agency=_department(r.department),
                    received_at=received,
                    due_at=_local(r.due_at),
                    returned_at=_local(r.returned_at),
                    return_method_label=method,
                    note=intake_fee_note(r.fee_timing, r.fee_paid_vnd, r.fee_receipt_no),
                )
            )
        return tuple(out)

    def data(self, date_from: date, date_to: date, field: str | None = None) -> LedgerData:
        """Everything the printed ledger needs (read on the db lane, rendered on the io lane)."""
        from motcua_desk.printing.slips.ledger import LedgerData
        from motcua_desk.services.slip_data import unit_header

        rows = self.rows(date_from, date_to, field)
        return LedgerData(
            header=unit_header(self._settings.current),
            field_name=normalize(field) if field else ALL_FIELDS_LABEL,
            period_label=period_label(date_from, date_to),
            printed_at=to_local(self._clock()),
            rows=rows,
            book_no=f"{self._settings.current.ledger_book_no}/{date_from.year}",
        )

    # -- rendering ----------------------------------------------------------------------

    def pdf(self, date_from: date, date_to: date, field: str | None = None) -> bytes:
        return render_pdf(self.data(date_from, date_to, field))

    def xlsx(self, date_from: date, date_to: date, field: str | None = None) -> bytes:
        return render_xlsx(self.data(date_from, date_to, field))

    def export(
        self, path: Path, kind: str, date_from: date, date_to: date, field: str | None = None
    ) -> Path:
        """Write the ledger to ``path`` as ``kind`` ("pdf" or "xlsx"), atomically."""
        check_kind(kind)
        return write(path, kind, self.data(date_from, date_to, field))

    def save(self, path: Path, kind: str, data: LedgerData) -> Path:
        """Render data read earlier (:meth:`data`, db lane) and write it (io lane)."""
        return write(path, kind, data)


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValidationFailedError({"kind": "invalid_value"})


def render_pdf(data: LedgerData) -> bytes:
    from motcua_desk.printing.slips import ledger as ledger_form

    return ledger_form.render(data)


def __getattr__(name: str) -> tuple[str, ...]:
    # HEADERS: the printed form's column headers; the spreadsheet uses the very same ones.
    # Looked up on first use so that importing this module does not load ReportLab.
    if name == "HEADERS":
        from motcua_desk.printing.slips.ledger import _HEAD

        return _HEAD
    raise AttributeError(name)


def _cell_text(value: object) -> object:
    if isinstance(value, datetime):
        return to_local(value).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, str):
        return normalize(value)
    return value


def _row_values(r: LedgerRow) -> list[object]:
    return [
        r.no,
        r.dossier_code,
        r.procedure_name,
        r.applicant_name,
        r.address_phone,
        r.lead_agency,
        r.received_at,
        r.due_at,
        r.returned_at,
        r.return_method_label,
        r.note,
    ]


#: Widths in characters; long free-text columns wrap instead of growing without end.
_XLSX_MAX_WIDTH = (6, 24, 48, 28, 40, 28, 17, 17, 17, 36, 12)
_DATE_COLUMNS = (7, 8, 9)  # 1-based: received, due, returned


def render_xlsx(data: LedgerData) -> bytes:
    """The ledger as an .xlsx workbook: title rows, the form's headers, frozen header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from motcua_desk.printing.slips.ledger import _HEAD as HEADERS  # noqa: N811

    wb = Workbook()
    ws: Any = wb.active
    ws.title = "So theo doi ho so"
    ncols = len(HEADERS)
    last = get_column_letter(ncols)
    titles = [
        (normalize(data.header.managing_body), Font(bold=False, size=11)),
        (normalize(data.header.unit_name), Font(bold=True, size=11)),
        (TITLE, Font(bold=True, size=14)),
        (f"Lĩnh vực: {normalize(data.field_name)}", Font(bold=True, size=11)),
        (normalize(data.period_label), Font(italic=True, size=11)),
    ]
    for i, (text, font) in enumerate(titles, start=1):
        ws.cell(row=i, column=1, value=text).font = font
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="center")
        ws.merge_cells(f"A{i}:{last}{i}")
    header_row = len(titles) + 1
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col, text in enumerate(HEADERS, start=1):
        cell = ws.cell(row=header_row, column=col, value=text)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    widths = [len(h) + 2 for h in HEADERS]
    wrap = Alignment(vertical="top", wrap_text=True)
    for n, r in enumerate(data.rows):
        values = [_cell_text(v) for v in _row_values(r)]
        ws.append(values)
        row = header_row + 1 + n
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col)
            cell.border = border
            cell.alignment = wrap
            if col in _DATE_COLUMNS:
                cell.number_format = XLSX_DATETIME_FORMAT
                widths[col - 1] = max(widths[col - 1], 17)
            elif value is not None:
                widths[col - 1] = max(widths[col - 1], len(str(value)) + 2)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(width, _XLSX_MAX_WIDTH[col - 1])
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render(kind: str, data: LedgerData) -> bytes:
    check_kind(kind)
    return render_pdf(data) if kind == "pdf" else render_xlsx(data)


def write_atomic(path: Path, payload: bytes) -> Path:
    """Temporary file beside ``path``, fsync, then replace: no half-written export remains."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable (POSIX)
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    return path


def write(path: Path, kind: str, data: LedgerData) -> Path:
    """Render ``data`` as ``kind`` and write it to ``path`` atomically (io lane)."""
    return write_atomic(path, render(kind, data))
