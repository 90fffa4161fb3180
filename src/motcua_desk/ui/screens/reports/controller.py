"""Reports page: figures of a day or a month, and the Mẫu 07 ledger export (issue 5).

Queries run on the db lane and rendering/writing on the io lane; the GUI thread only shows the
results. The file dialog lives in the button handlers, so :meth:`ReportsController.export_ledger`
can be called with a path directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QObject, Signal
from PySide6.QtWidgets import QFileDialog

from motcua_desk.domain import formatting as fmt
from motcua_desk.services.clock import to_local
from motcua_desk.services.reports import Counts
from motcua_desk.ui import strings
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import Lane, QueryOp
from motcua_desk.ui.ports import ReportsContext
from motcua_desk.ui.tasks import TaskRunner

from .chart import Bar
from .view import DAY_FORMAT, MONTH_FORMAT, ReportsView

NO_FIELD = "(Chưa phân lĩnh vực)"
ALL_FIELDS = "Tất cả các lĩnh vực"
RANGE_ERRORS = {
    "range_order": "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.",
    "range_too_long": "Mỗi lần chỉ xuất sổ tối đa 366 ngày.",
    "invalid_value": "Giá trị không hợp lệ.",
}
EXPORT_KINDS = {
    "pdf": ("Tệp PDF (*.pdf)", ".pdf"),
    "xlsx": ("Bảng tính Excel (*.xlsx)", ".xlsx"),
}
COLORS = {
    "received": "#1f5fa8",
    "on_time": "#1b7f2a",
    "late": "#b00020",
    "in_progress": "#d08a00",
}


@dataclass(frozen=True)
class ReportLine:
    """One table row: a field, a procedure under it, or the grand total."""

    level: str  # "field" | "procedure" | "total"
    label: str
    code: str
    counts: Counts


def _n(value: int) -> str:
    return fmt.format_number(value)


def _label(line: ReportLine) -> str:
    return f"    {line.label}" if line.level == "procedure" else line.label


COLUMNS: tuple[Column[ReportLine], ...] = (
    Column("label", "Lĩnh vực / Thủ tục", _label),
    Column("code", "Mã thủ tục", lambda r: r.code),
    Column("received", "Tiếp nhận", lambda r: _n(r.counts.received)),
    Column("on_time", "Trả đúng hạn", lambda r: _n(r.counts.returned_on_time)),
    Column("late", "Trả quá hạn", lambda r: _n(r.counts.returned_late)),
    Column("open_on_time", "Đang giải quyết trong hạn", lambda r: _n(r.counts.in_progress_on_time)),
    Column("open_overdue", "Đang giải quyết quá hạn", lambda r: _n(r.counts.in_progress_overdue)),
    Column("refused", "Từ chối", lambda r: _n(r.counts.refused)),
    Column("withdrawn", "Rút hồ sơ", lambda r: _n(r.counts.withdrawn)),
    Column("stopped", "Dừng xử lý", lambda r: _n(r.counts.stopped)),
)


def report_lines(report: Any) -> list[ReportLine]:
    lines: list[ReportLine] = []
    for f in report.fields:
        lines.append(ReportLine("field", f.field or NO_FIELD, "", f.counts))
        for p in f.procedures:
            lines.append(ReportLine("procedure", p.procedure_name, p.procedure_code, p.counts))
    lines.append(ReportLine("total", "Tổng cộng", "", report.total))
    return lines


def chart_bars(total: Counts) -> list[Bar]:
    return [
        Bar("Tiếp nhận", total.received, COLORS["received"]),
        Bar("Trả đúng hạn", total.returned_on_time, COLORS["on_time"]),
        Bar("Trả quá hạn", total.returned_late, COLORS["late"]),
        Bar("Đang giải quyết", total.in_progress, COLORS["in_progress"]),
    ]


def error_text(exc: BaseException) -> str:
    """Vietnamese message for a failed query or export."""
    if getattr(exc, "code", "") == "validation_failed":
        fields = dict(getattr(exc, "fields", {}) or {})
        texts = [RANGE_ERRORS.get(str(code), "") for code in fields.values()]
        if all(texts):
            return " ".join(texts)
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"Không ghi được tệp{where}: {exc.strerror or exc}."
    return strings.exception_message(exc)


def _to_date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


class ReportsController(QObject):
    #: The report shown (a ``services.reports.Report``).
    report_loaded = Signal(object)
    #: Path of a ledger file written.
    exported = Signal(object)
    #: Vietnamese text of a failure shown on the page.
    failed = Signal(str)

    def __init__(
        self, ctx: ReportsContext, runner: TaskRunner, user: Any, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.user = user
        self.reports = ctx.reports
        self.ledger = ctx.ledger
        self.view = ReportsView()
        self.model: FrozenTableModel[ReportLine] = FrozenTableModel(COLUMNS, self)
        self.view.table.setModel(self.model)
        self.report: Any = None
        today = to_local(ctx.clock()).date()
        self.view.day.setDate(_to_qdate(today))
        self.view.ledger_from.setDate(_to_qdate(today.replace(day=1)))
        self.view.ledger_to.setDate(_to_qdate(today))
        self.view.ledger_field.addItem(ALL_FIELDS, None)
        self.view.kind.currentIndexChanged.connect(self._on_kind_currentIndexChanged)
        self.view.show_button.clicked.connect(self.load_report)
        self.view.export_pdf.clicked.connect(lambda: self._on_export_clicked("pdf"))
        self.view.export_xlsx.clicked.connect(lambda: self._on_export_clicked("xlsx"))
        self.load_fields()

    # -- messages -----------------------------------------------------------------------

    def _error(self, exc: BaseException) -> None:
        text = error_text(exc)
        self.view.message.setStyleSheet("color: #b00020;")
        self.view.message.setText(text)
        self.failed.emit(text)

    def _ok(self, text: str) -> None:
        self.view.message.setStyleSheet("color: #1b7f2a;")
        self.view.message.setText(text)

    # -- report -------------------------------------------------------------------------

    def _on_kind_currentIndexChanged(self, _index: int) -> None:
        month = self.view.kind.currentData() == "month"
        self.view.day.setDisplayFormat(MONTH_FORMAT if month else DAY_FORMAT)

    def set_period(self, kind: str, day: date) -> None:
        self.view.kind.setCurrentIndex(self.view.kind.findData(kind))
        self.view.day.setDate(_to_qdate(day))

    def load_report(self) -> None:
        """Query the chosen day or month on the db lane, then show it."""
        kind = str(self.view.kind.currentData())
        day = _to_date(self.view.day.date())
        self.view.show_button.setEnabled(False)
        self.view.message.setText("Đang tổng hợp số liệu…")

        def failed(exc: BaseException) -> None:
            self.view.show_button.setEnabled(True)
            self._error(exc)

        QueryOp[Any](self.runner, lambda: self.reports.report(kind, day)).success(
            self.show_report
        ).failure(failed).run_in_background()

    def show_report(self, report: Any) -> None:
        self.report = report
        self.view.show_button.setEnabled(True)
        self.model.set_rows(report_lines(report))
        self.view.table.resizeColumnsToContents()
        self.view.chart.set_bars(chart_bars(report.total))
        t = report.total
        as_of = report.as_of
        self.view.summary.setText(
            f"{report.period_label}: tiếp nhận {_n(t.received)} hồ sơ; trả kết quả {_n(t.returned)} "
            f"({_n(t.returned_on_time)} đúng hạn, {_n(t.returned_late)} quá hạn); đang giải quyết "
            f"{_n(t.in_progress)} ({_n(t.in_progress_overdue)} quá hạn, tính đến "
            f"{fmt.format_time(as_of)} {fmt.format_date(as_of)}); "
            f"từ chối {_n(t.refused)}, rút {_n(t.withdrawn)}, "
            f"dừng {_n(t.stopped)}."
        )
        self.view.message.setText("")
        self.load_digitised_share(report)
        self.report_loaded.emit(report)

    def load_digitised_share(self, report: Any) -> None:
        """Append the share of dossiers fully digitised (QĐ 766 indicator 4.2; issue 15)."""
        service = self.ctx.digitisation
        if service is None:
            return
        summary = self.view.summary.text()

        def done(share: tuple[int, int]) -> None:
            if self.report is not report:
                return  # another period was asked for meanwhile
            full, counted = share
            pct = f" ({full * 100 / counted:.0f} %)" if counted else ""
            self.view.summary.setText(
                f"{summary} Số hóa đầy đủ: {_n(full)}/{_n(counted)} hồ sơ tiếp nhận{pct}."
            )

        QueryOp[tuple[int, int]](
            self.runner, lambda: service.period_share(report.date_from, report.date_to)
        ).success(done).failure(self._error).run_in_background()

    # -- ledger -------------------------------------------------------------------------

    def load_fields(self) -> None:
        def done(fields: list[str]) -> None:
            combo = self.view.ledger_field
            current = combo.currentData()
            combo.clear()
            combo.addItem(ALL_FIELDS, None)
            for f in fields:
                combo.addItem(f, f)
            index = combo.findData(current)
            combo.setCurrentIndex(max(0, index))

        QueryOp[Any](self.runner, self.ledger.fields).success(done).failure(
            self._error
        ).run_in_background()

    def _on_export_clicked(self, kind: str) -> None:
        file_filter, suffix = EXPORT_KINDS[kind]
        start = _to_date(self.view.ledger_from.date())
        end = _to_date(self.view.ledger_to.date())
        default = str(
            self.ctx.paths.data_dir / f"so-theo-doi-ho-so_{start:%Y%m%d}-{end:%Y%m%d}{suffix}"
        )
        # Qt's own dialog (the application turns native ones off): Vietnamese labels.
        name, _ = QFileDialog.getSaveFileName(
            self.view, "Xuất Sổ theo dõi hồ sơ", default, file_filter
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        self.export_ledger(path, kind)

    def export_ledger(self, path: Path, kind: str) -> None:
        """Read the ledger rows (db lane), then render and write ``path`` (io lane)."""
        start = _to_date(self.view.ledger_from.date())
        end = _to_date(self.view.ledger_to.date())
        field = self.view.ledger_field.currentData()
        self._set_exporting(True)
        self.view.message.setStyleSheet("")
        self.view.message.setText("Đang xuất sổ theo dõi hồ sơ…")

        def failed(exc: BaseException) -> None:
            self._set_exporting(False)
            self._error(exc)

        def written(result: tuple[Path, int]) -> None:
            self._set_exporting(False)
            written_path, count = result
            self._ok(f"Đã xuất sổ theo dõi hồ sơ ({_n(count)} hồ sơ) vào {written_path}.")
            self.exported.emit(written_path)

        def read(data: Any) -> None:
            QueryOp[Any](
                self.runner,
                lambda: (self.ledger.save(path, kind, data), len(data.rows)),
                lane=Lane.IO,
            ).success(written).failure(failed).run_in_background()

        QueryOp[Any](self.runner, lambda: self.ledger.data(start, end, field)).success(
            read
        ).failure(failed).run_in_background()

    def _set_exporting(self, busy: bool) -> None:
        self.view.export_pdf.setEnabled(not busy)
        self.view.export_xlsx.setEnabled(not busy)

    def on_data_changed(self, change: Any) -> None:
        """Refresh a report already shown when dossiers changed."""
        if self.report is not None and "dossier" in getattr(change, "kinds", ()):
            self.load_report()
