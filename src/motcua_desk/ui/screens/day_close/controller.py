"""End-of-day close page (issue 5): the day's figures, what is pending, close and reopen.

Closing and reopening need a supervisor's (or admin's) user name and password, typed in a
:class:`SupervisorDialog`; when the signed-in user is a supervisor their name is prefilled.
Every read and write runs on the db lane; the GUI thread only shows the results.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QObject, Signal

from motcua_desk.domain import formatting as fmt
from motcua_desk.services.clock import to_local
from motcua_desk.ui import strings
from motcua_desk.ui.changes import DAY, ChangeSet
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import CollectionOp, QueryOp
from motcua_desk.ui.ports import DayCloseContext
from motcua_desk.ui.screens.home.view import proxy_for
from motcua_desk.ui.tasks import TaskRunner

from .dialogs import SupervisorDialog
from .view import FIGURES, DayCloseView

PRIVILEGED = {"supervisor", "admin"}

#: Pending work, by warning code of ``services.day_close``; ``{n}`` the count, ``{cutoff}``.
WARNINGS: dict[str, tuple[str, str]] = {
    "unprinted": (
        "unprinted",
        "{n} hồ sơ tiếp nhận trong ngày chưa in được giấy tiếp nhận và hẹn trả kết quả.",
    ),
    "to_transfer": (
        "to_transfer",
        "{n} hồ sơ nhận trước {cutoff} chưa chuyển cho phòng chuyên môn (phải chuyển trong ngày).",
    ),
    "to_transfer_next_day": (
        "to_transfer_next_day",
        "{n} hồ sơ nhận sau {cutoff} cần chuyển vào đầu ngày làm việc tiếp theo.",
    ),
    "open_postal_batch": (
        "open_postal_batches",
        "{n} lô bưu chính đang mở, chưa chốt biên bản bàn giao.",
    ),
    "unsynced": ("unsynced", "{n} sự kiện chưa gửi được lên máy chủ tỉnh."),
    "sync_rejected": (
        "sync_rejected",
        "{n} sự kiện bị máy chủ từ chối; xem trang Đồng bộ.",
    ),
}
NOTHING_PENDING = "Không còn việc tồn."

#: Messages for the codes this page meets; others go through ``strings``.
#: Messages specific to this page; the day codes themselves are in the one catalogue.
ERRORS: dict[str, str] = {
    "permission_denied": "Tài khoản này không phải lãnh đạo hoặc quản trị nên không xác nhận được.",
}


def fmt_day(d: date) -> str:
    return fmt.format_date(d)


def moment(at: Any) -> str:
    return strings.format_moment(at)


def error_text(exc: BaseException) -> str:
    code = getattr(exc, "code", "")
    data = dict(getattr(exc, "data", {}) or {})
    if code == "validation_failed" and "reason" in dict(data.get("fields") or {}):
        return "Chưa nhập lý do mở lại ngày."
    template = ERRORS.get(str(code))
    if template is not None:
        return template
    return strings.exception_message(exc)


def warning_lines(summary: Any, cutoff: str) -> list[str]:
    lines = []
    for code in summary.warnings:
        field, template = WARNINGS.get(code, ("", f"Còn việc tồn ({code})."))
        n = getattr(summary, field, 0) if field else 0
        lines.append(template.format(n=n, cutoff=cutoff))
    return lines


def state_text(record: Any, day: date) -> str:
    """Whether ``day`` is closed, by whom and when, and any reopening."""
    if record is None:
        return f"Ngày {fmt_day(day)} chưa chốt sổ."
    reopened = ""
    if record.reopened_at is not None:
        reopened = (
            f"Đã mở lại lúc {moment(record.reopened_at)}, người mở: {record.reopened_by}, "
            f"lý do: {record.reopen_reason}."
        )
    if not record.closed:
        return f"Ngày {fmt_day(day)} chưa chốt sổ (đã chốt rồi mở lại). {reopened}"
    text = f"Ngày {fmt_day(day)} đã chốt sổ lúc {moment(record.closed_at)}, người xác nhận: "
    text += f"{record.closed_by}."
    if record.note:
        text += f" Ghi chú: {record.note}."
    if reopened:
        text += f" (Trước đó: {reopened[0].lower()}{reopened[1:]})"
    return text


def _figure(record: Any, name: str) -> str:
    return str(record.summary.get(name, ""))


RECENT_COLUMNS: tuple[Column[Any], ...] = (
    Column("day", "Ngày", lambda r: fmt_day(r.day), lambda r: r.day.isoformat()),
    Column("state", "Tình trạng", lambda r: "Đã chốt" if r.closed else "Đã mở lại"),
    Column("closed_by", "Người chốt", lambda r: r.closed_by),
    Column("closed_at", "Thời điểm chốt", lambda r: moment(r.closed_at), lambda r: r.closed_at),
    Column("received", "Tiếp nhận", lambda r: _figure(r, "received")),
    Column("returned", "Trả kết quả", lambda r: _figure(r, "returned")),
    Column("warnings", "Việc tồn khi chốt", lambda r: str(len(r.summary.get("warnings", [])))),
    Column(
        "reopened",
        "Mở lại",
        lambda r: "" if r.reopened_at is None else f"{r.reopened_by}: {r.reopen_reason}",
    ),
)


def _to_date(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def role_of(user: Any) -> str:
    return str(getattr(user.role, "value", user.role))


class DayCloseController(QObject):
    #: A day was closed (the ``DayClose`` record); the window may announce a data change.
    day_closed = Signal(object)
    #: A day was reopened (the ``DayClose`` record).
    day_reopened = Signal(object)
    #: The page shows a fresh summary (``DaySummary``).
    summary_loaded = Signal(object)

    def __init__(
        self, ctx: DayCloseContext, runner: TaskRunner, user: Any, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.day_close
        self.runner = runner
        self.user = user
        self.view = DayCloseView()
        self.model: FrozenTableModel[Any] = FrozenTableModel(RECENT_COLUMNS, self)
        self.proxy = proxy_for(self.model, self.view)
        self.view.recent.setModel(self.proxy)
        self.summary: Any = None
        self.record: Any = None
        self.dialog: SupervisorDialog | None = None
        self._loading = 0
        self.view.day.setDate(_to_qdate(self.today()))
        self.view.close_button.setEnabled(False)
        self.view.reopen_button.setEnabled(False)
        self.view.day.dateChanged.connect(self._on_day_dateChanged)
        self.view.refresh_button.clicked.connect(self.refresh)
        self.view.close_button.clicked.connect(self.ask_close)
        self.view.reopen_button.clicked.connect(self.ask_reopen)
        self.view.recent.doubleClicked.connect(self._on_recent_doubleClicked)
        self.refresh()

    def today(self) -> date:
        return to_local(self.ctx.clock()).date()

    @property
    def day(self) -> date:
        return _to_date(self.view.day.date())

    # -- reading ------------------------------------------------------------------------

    def _on_day_dateChanged(self, _date: QDate) -> None:
        self.refresh()

    def _on_recent_doubleClicked(self, index: Any) -> None:
        record = self.model.row_value(self.proxy.mapToSource(index).row())
        self.view.day.setDate(_to_qdate(record.day))

    @property
    def loading(self) -> bool:
        return self._loading > 0

    def refresh(self) -> None:
        """Read the chosen day's figures, its close record and the recent closes."""
        day = self.day
        service = self.service
        self._loading += 1

        def read() -> tuple[Any, Any, list[Any]]:
            return service.summary(day), service.get(day), service.recent()

        def done(result: tuple[Any, Any, list[Any]]) -> None:
            self._loading -= 1
            if day == self.day:  # the date may have changed while reading
                self.show_day(*result)

        def failed(exc: BaseException) -> None:
            self._loading -= 1
            self._error(exc)

        QueryOp[Any](self.runner, read).success(done).failure(failed).run_in_background()

    def show_day(self, summary: Any, record: Any, recent: list[Any]) -> None:
        self.summary = summary
        self.record = record
        v = self.view
        for name, _label in FIGURES:
            v.figures[name].setText(str(getattr(summary, name)))
        v.warnings.clear()
        cutoff = f"{self.ctx.settings.cutoff:%H:%M}"
        v.warnings.addItems(warning_lines(summary, cutoff) or [NOTHING_PENDING])
        v.state.setText(state_text(record, summary.day))
        closed = record is not None and record.closed
        v.state.setStyleSheet("color: #1b7f2a;" if closed else "")
        v.close_button.setEnabled(not closed and summary.day <= self.today())
        v.reopen_button.setEnabled(closed)
        self.model.set_rows(recent)
        self.summary_loaded.emit(summary)

    # -- messages -----------------------------------------------------------------------

    def _error(self, exc: BaseException) -> None:
        self.view.message.setStyleSheet("color: #b00020;")
        self.view.message.setText(error_text(exc))

    def _ok(self, text: str) -> None:
        self.view.message.setStyleSheet("color: #1b7f2a;")
        self.view.message.setText(text)

    # -- close and reopen ---------------------------------------------------------------

    def _open_dialog(self, title: str, explanation: str, text_label: str, ok: str) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        dialog = SupervisorDialog(title, explanation, text_label, ok, self.view)
        if role_of(self.user) in PRIVILEGED:
            dialog.username.setText(self.user.username)
            dialog.password.setFocus()
        else:
            dialog.username.setFocus()
        self.dialog = dialog
        dialog.open()

    def ask_close(self) -> None:
        day = self.day
        pending = self.view.warnings.count() if self.summary and self.summary.warnings else 0
        explanation = f"Chốt sổ ngày {fmt_day(day)}. Sau khi chốt, không sửa được hồ sơ trong ngày."
        if pending:
            explanation += f"\nCòn {pending} việc tồn (xem danh sách trên trang)."
        self._open_dialog(f"Chốt sổ ngày {fmt_day(day)}", explanation, "Ghi chú:", "Chốt sổ")
        assert self.dialog is not None
        self.dialog.submitted.connect(lambda: self._submit(day, "close"))

    def ask_reopen(self) -> None:
        day = self.day
        self._open_dialog(
            f"Mở lại ngày {fmt_day(day)}",
            f"Mở lại ngày {fmt_day(day)} để sửa; sau khi sửa, hãy chốt sổ lại.",
            "Lý do mở lại:",
            "Mở lại ngày",
        )
        assert self.dialog is not None
        self.dialog.submitted.connect(lambda: self._submit(day, "reopen"))

    def _submit(self, day: date, action: str) -> None:
        dialog = self.dialog
        if dialog is None:
            return
        username, password, text = dialog.values()
        if not username or not password:
            dialog.show_error("Hãy nhập tài khoản và mật khẩu của lãnh đạo.")
            return
        if action == "reopen" and not text:
            dialog.show_error("Chưa nhập lý do mở lại ngày.")
            return
        dialog.show_error("")
        dialog.set_busy(True)
        service, clerk = self.service, self.user

        def work() -> Any:
            if action == "close":
                return service.close(day, username, password, text, clerk)
            return service.reopen(day, username, password, text)

        def done(record: Any) -> None:
            dialog.set_busy(False)
            dialog.accept()
            if action == "close":
                self._ok(f"Đã chốt sổ ngày {fmt_day(day)}.")
                self.day_closed.emit(record)
            else:
                self._ok(f"Đã mở lại ngày {fmt_day(day)}. Sửa xong hãy chốt sổ lại.")
                self.day_reopened.emit(record)
            self.refresh()

        def failed(exc: BaseException) -> None:
            dialog.set_busy(False)
            dialog.password.clear()
            dialog.password.setFocus()
            message = error_text(exc)
            dialog.show_error(message)
            self._error(exc)

        CollectionOp[Any](self.runner, work).changes(ChangeSet.of(DAY)).success(done).failure(
            failed
        ).run_in_background()

    def on_data_changed(self, _change: Any) -> None:
        """Any saved change may move the figures: read them again."""
        self.refresh()
