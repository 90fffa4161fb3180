"""Settings page: load current values, save through SettingsAdminService, errors by field."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QObject, Signal
from PySide6.QtWidgets import QLineEdit

from motcua_desk.domain.calendar import CalendarDay, DayKind
from motcua_desk.domain.text import normalize
from motcua_desk.ui import strings
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import CollectionOp, QueryOp
from motcua_desk.ui.ports import SettingsContext
from motcua_desk.ui.screens.home.view import proxy_for
from motcua_desk.ui.tasks import TaskRunner

from .scanner import KEYS as SCANNER_KEYS
from .scanner import ScannerSettings
from .view import DOC_LABELS, SettingsView

TEXT_KEYS = (
    "agency_id",
    "agency_name",
    "managing_body",
    "counter_name",
    "place_name",
    "province",
    "code_pattern",
    "qr_lookup_template",
    "server_url",
    "ca_bundle",
    "signer_title",
    "signer_name",
    "ledger_book_no",
)
KIND_LABELS = {"holiday": "Nghỉ lễ", "substitute_day_off": "Nghỉ bù", "makeup_workday": "Làm bù"}
DAY_COLUMNS: tuple[Column[Any], ...] = (
    Column("day", "Ngày", lambda d: strings.format_date(d.day), lambda d: d.day),
    Column("kind", "Loại", lambda d: KIND_LABELS.get(d.kind.value, d.kind.value)),
    Column("name", "Tên", lambda d: d.name),
    Column(
        "source", "Nguồn", lambda d: "Quản trị nhập" if d.source == "admin" else "Lịch mặc định"
    ),
)


class SettingsController(QObject):
    saved = Signal(object)

    def __init__(
        self, ctx: SettingsContext, runner: TaskRunner, user: Any, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.settings_admin
        self.runner = runner
        self.user = user
        self.view = SettingsView()
        self.scanner = ScannerSettings(self.view.scanner, ctx, runner)
        self.days: FrozenTableModel[Any] = FrozenTableModel(DAY_COLUMNS, self)
        self.days_proxy = proxy_for(self.days, self.view)
        self.view.days.setModel(self.days_proxy)
        self.view.day_date.setDate(QDate.currentDate())
        self.view.save_button.clicked.connect(self.save)
        self.view.add_day_button.clicked.connect(self.add_day)
        self.view.remove_day_button.clicked.connect(self.remove_day)
        self.view.audit_button.clicked.connect(self.check_audit)
        self.view.unlock_button.clicked.connect(self.unlock_user)
        self.load()
        self.check_audit()  # in the background when the administrator's window opens

    # -- values -------------------------------------------------------------------------

    def load(self) -> None:
        s = self.ctx.settings
        v = self.view
        for key in TEXT_KEYS:
            widget = v.fields[key].widget
            assert isinstance(widget, QLineEdit)
            widget.setText(str(getattr(s, key)))
        cutoff = v.fields["cutoff"].widget
        assert isinstance(cutoff, QLineEdit)
        cutoff.setText(s.cutoff.strftime("%H:%M"))
        v.saturdays.setChecked(s.saturdays_count)
        v.makeup.setChecked(s.makeup_days_count)
        v.supplement_clock.setCurrentIndex(max(0, v.supplement_clock.findData(s.supplement_clock)))
        v.due_wording.setCurrentIndex(max(0, v.due_wording.findData(s.due_time_wording)))
        v.near_due.setValue(s.near_due_days)
        v.fee_timing.setCurrentIndex(max(0, v.fee_timing.findData(s.default_fee_timing)))
        v.postal_attempts.setValue(s.postal_delivery_attempts)
        v.postal_gap.setValue(s.postal_attempt_gap_days)
        v.keep_days.setValue(s.backup_keep_days)
        v.allow_http.setChecked(s.allow_insecure_http)
        self.scanner.load(s)
        for doc in DOC_LABELS:
            v.papers[doc].setCurrentText(s.paper_sizes.get(doc, "A5"))
            v.printers[doc].setCurrentText(s.printers.get(doc, ""))
        self.refresh_days()

    def values(self) -> dict[str, Any]:
        v = self.view
        out: dict[str, Any] = {}
        for key in (*TEXT_KEYS, "cutoff"):
            widget = v.fields[key].widget
            assert isinstance(widget, QLineEdit)
            out[key] = normalize(widget.text())
        out["saturdays_count"] = v.saturdays.isChecked()
        out["makeup_days_count"] = v.makeup.isChecked()
        out["supplement_clock"] = v.supplement_clock.currentData()
        out["due_time_wording"] = v.due_wording.currentData()
        out["near_due_days"] = v.near_due.value()
        out["default_fee_timing"] = v.fee_timing.currentData()
        out["postal_delivery_attempts"] = v.postal_attempts.value()
        out["postal_attempt_gap_days"] = v.postal_gap.value()
        out["backup_keep_days"] = v.keep_days.value()
        out["allow_insecure_http"] = v.allow_http.isChecked()
        out.update(self.scanner.values())
        out["paper_sizes"] = {doc: v.papers[doc].currentText() for doc in DOC_LABELS}
        out["printers"] = {
            doc: normalize(v.printers[doc].currentText())
            for doc in DOC_LABELS
            if normalize(v.printers[doc].currentText())
        }
        return out

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, field in self.view.fields.items():
            code = errors.get(key)
            field.set_error(strings.field_error(key, code) if code else "")
        scanner = [strings.field_error(k, c) for k, c in errors.items() if k in SCANNER_KEYS]
        if scanner:
            self.view.scanner.test_result.setText(" ".join(scanner))

    # -- actions ------------------------------------------------------------------------

    def save(self) -> None:
        changes = self.values()
        self.show_errors({})
        self.view.message.setText("Đang lưu…")

        def done(settings: Any) -> None:
            self.view.message.setText("Đã lưu cấu hình.")
            self.saved.emit(settings)

        def failed(exc: BaseException) -> None:
            fields = getattr(exc, "fields", None)
            if isinstance(fields, dict):
                self.show_errors(fields)
                self.view.message.setText(
                    "Chưa lưu: có mục không hợp lệ (xem các ô được đánh dấu)."
                )
            else:
                self.view.message.setText(strings.exception_message(exc))

        CollectionOp[Any](self.runner, lambda: self.service.update(self.user, **changes)).success(
            done
        ).failure(failed).run_in_background()

    def check_audit(self) -> None:
        """Verify the audit chain on the db lane; a broken chain is shown in red."""
        audit = self.ctx.audit
        label = self.view.audit_status
        label.setText("Đang kiểm tra nhật ký…")

        def done(result: Any) -> None:
            if result.ok:
                label.setStyleSheet("")
                label.setText(strings.audit_ok_text(result.checked))
            else:
                label.setStyleSheet("color: #b00020; font-weight: bold;")
                label.setText(
                    strings.error_message(
                        "audit_chain_broken",
                        {"first_bad_id": result.first_bad_id, "reason": result.reason},
                    )
                )

        QueryOp[Any](self.runner, lambda: audit.verify(self.user)).success(done).failure(
            lambda exc: label.setText(strings.exception_message(exc))
        ).run_in_background()

    def unlock_user(self) -> None:
        """Lift a lockout after too many wrong passwords (audited by the service)."""
        name = normalize(self.view.unlock_name.text()).casefold()
        if not name:
            return
        msg = self.view.message
        CollectionOp[Any](
            self.runner, lambda: self.ctx.accounts.unlock_user(self.user, name)
        ).success(lambda user: msg.setText(f"Đã mở khóa tài khoản {user.username}.")).failure(
            lambda exc: msg.setText(strings.exception_message(exc))
        ).run_in_background()

    def refresh_days(self) -> None:
        QueryOp[Any](self.runner, self.service.calendar_days).success(
            self.days.set_rows
        ).run_in_background()

    def add_day(self) -> None:
        v = self.view
        picked = v.day_date.date()
        day = CalendarDay(
            date(picked.year(), picked.month(), picked.day()),
            DayKind(v.day_kind.currentData()),
            normalize(v.day_name.text()),
        )
        CollectionOp[Any](
            self.runner, lambda: self.service.add_calendar_day(self.user, day)
        ).success(lambda _: self.refresh_days()).failure(
            lambda exc: v.message.setText(strings.exception_message(exc))
        ).run_in_background()

    def remove_day(self) -> None:
        index = self.view.days.currentIndex()
        if not index.isValid():
            return
        row = self.days.row_value(self.days_proxy.mapToSource(index).row())
        CollectionOp[Any](
            self.runner, lambda: self.service.remove_calendar_day(self.user, row.day)
        ).success(lambda _: self.refresh_days()).run_in_background()
