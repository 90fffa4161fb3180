"""Postal hand-over page: scans go to the open batch while this page is shown (issue 6).

A wrong, repeated or out-of-order scan changes nothing, shows why and beeps; every accepted scan
is already saved when it appears in the list.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QObject, QTime, Signal
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QWidget

from motcua_desk.domain.text import normalize
from motcua_desk.services.clock import OFFICE_TZ, to_local
from motcua_desk.ui import errors, strings
from motcua_desk.ui.changes import DOSSIER, POSTAL, ChangeSet
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import CollectionOp, Lane, QueryOp
from motcua_desk.ui.ports import PostalContext
from motcua_desk.ui.screens.home.view import proxy_for
from motcua_desk.ui.tasks import TaskRunner

from .view import PostalView

REASONS = strings.POSTAL_REASONS
OUTCOMES = {"delivered": "Đã phát", "returned_to_counter": "Chuyển hoàn"}

COLUMNS: tuple[Column[Any], ...] = (
    Column("pos", "STT", lambda i: str(i.position), lambda i: i.position),
    Column("dossier", "Mã hồ sơ", lambda i: i.dossier_code or "—"),
    Column("item", "Số hiệu bưu gửi", lambda i: i.item_code or "(chờ quét)"),
    Column("outcome", "Kết quả phát", lambda i: OUTCOMES.get(i.outcome or "", "")),
    Column("attempts", "Lần phát không thành công", lambda i: str(i.attempts or "")),
)


def confirm_dialog(parent: QWidget, text: str) -> bool:
    """A yes/no question of the postal page, "Không" the default (Enter never commits)."""
    box = QMessageBox(QMessageBox.Icon.Question, "Bưu chính công ích", text, parent=parent)
    yes = box.addButton("Đồng ý", QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("Không", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


def reason_text(exc: BaseException) -> str:
    return strings.exception_message(exc)


class PostalController(QObject):
    changed = Signal()
    #: (item id, item code): open the intake form for a dossier that came by post.
    register_requested = Signal(int, str)

    def __init__(
        self,
        ctx: PostalContext,
        runner: TaskRunner,
        user: Any,
        parent: QObject | None = None,
        *,
        backend: Any = None,
    ):
        super().__init__(parent)
        self.backend = backend
        self.ctx = ctx
        self.service = ctx.postal
        self.runner = runner
        self.user = user
        self.view = PostalView()
        self.model: FrozenTableModel[Any] = FrozenTableModel(COLUMNS, self)
        self.proxy = proxy_for(self.model, self.view)
        self.view.items.setModel(self.proxy)
        self.batch: Any = None
        #: Asks the clerk a yes/no question (closing a batch, posting a counter-pickup result);
        #: tests answer it instead.
        self.confirm: Callable[[str], bool] = lambda text: confirm_dialog(self.view, text)
        self.show_office_time()
        self.view.new_results.clicked.connect(self.new_results_batch)
        self.view.new_incoming.clicked.connect(self.new_incoming_batch)
        self.view.batches.currentIndexChanged.connect(self._on_batch_chosen)
        self.view.check_button.clicked.connect(self.check)
        self.view.close_button.clicked.connect(self.close_batch)
        self.view.delivered_button.clicked.connect(lambda: self.outcome("delivered"))
        self.view.returned_button.clicked.connect(lambda: self.outcome("returned_to_counter"))
        self.view.attempt_button.clicked.connect(self.attempt)
        #: Asks the fee the post handed over on delivery (tests answer it instead).
        self.ask_fee: Callable[[int], tuple[int, str] | None] = self._ask_fee
        self.view.register_button.clicked.connect(self.register_selected)
        self.refresh_batches()

    # -- state --------------------------------------------------------------------------

    def refresh_batches(self, select_id: int | None = None) -> None:
        def done(batches: list[Any]) -> None:
            v = self.view.batches
            v.blockSignals(True)
            v.clear()
            for b in batches:
                kind = "gửi kết quả" if b.direction == "results_out" else "nhận hồ sơ"
                state = "" if b.state == "open" else ", đã chốt — chờ kết quả phát"
                v.addItem(f"{b.code} ({kind}{state})", b.id)
            v.blockSignals(False)
            wanted = select_id if select_id is not None else (self.batch.id if self.batch else None)
            index = v.findData(wanted) if wanted is not None else -1
            v.setCurrentIndex(index if index >= 0 else v.count() - 1)
            self._on_batch_chosen()

        QueryOp[list[Any]](self.runner, self.service.batches_for_page).success(
            done
        ).run_in_background()

    def _on_batch_chosen(self, *_: Any) -> None:
        batch_id = self.view.batches.currentData()
        if batch_id is None:
            self.batch = None
            self.model.set_rows([])
            self.view.expecting.setText("Chưa có lô đang mở.")
            return
        self.load(int(batch_id))

    def load(self, batch_id: int) -> None:
        def done(result: tuple[Any, list[Any]]) -> None:
            self.batch, items = result
            self.model.set_rows(items)
            self.view.items.scrollToBottom()
            self._show_expecting(items)

        QueryOp[tuple[Any, list[Any]]](
            self.runner, lambda: (self.service.batch(batch_id), self.service.items(batch_id))
        ).success(done).run_in_background()

    def _show_expecting(self, items: list[Any]) -> None:
        from motcua_desk.services.postal import expecting

        if self.batch is None or self.batch.state != "open":
            self.view.expecting.setText("Lô đã chốt.")
            return
        want = expecting(self.batch, items)
        self.view.expecting.setText(
            "Tiếp theo: quét MÃ HỒ SƠ" if want == "dossier" else "Tiếp theo: quét SỐ HIỆU BƯU GỬI"
        )

    def _error(self, text: str) -> None:
        self.view.message.setStyleSheet("color: #b00020;")
        self.view.message.setText(text)
        QApplication.beep()

    def _ok(self, text: str) -> None:
        self.view.message.setStyleSheet("color: #1b7f2a;")
        self.view.message.setText(text)

    # -- actions ------------------------------------------------------------------------

    def new_results_batch(self) -> None:
        CollectionOp[Any](self.runner, lambda: self.service.start_results_batch(self.user)).changes(
            ChangeSet.of(POSTAL)
        ).success(lambda b: self.refresh_batches(b.id)).run_in_background()

    def show_office_time(self) -> None:
        """The signing-time field shows the office time now (not the PC's zone or start-up)."""
        now = to_local(self.ctx.clock())
        self.view.signed_at.setDateTime(
            QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute))
        )

    def new_incoming_batch(self) -> None:
        staff = normalize(self.view.incoming_staff.text())
        if not staff:
            self._error("Hãy nhập tên nhân viên bưu chính giao hồ sơ.")
            return
        signed: datetime | None = None  # the service's office clock at this moment
        if not self.view.signed_now.isChecked():
            qdt = self.view.signed_at.dateTime()
            d, t = qdt.date(), qdt.time()
            signed = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=OFFICE_TZ)
        else:
            self.show_office_time()
        CollectionOp[Any](
            self.runner, lambda: self.service.start_incoming_batch(self.user, signed, staff)
        ).changes(ChangeSet.of(POSTAL)).success(
            lambda b: self.refresh_batches(b.id)
        ).run_in_background()

    def scan(self, raw: str) -> None:
        """A scanner burst while this page is shown."""
        if self.batch is None:
            self._error("Hãy mở một lô giao nhận trước khi quét.")
            return
        batch_id = self.batch.id

        def done(item: Any) -> None:
            self._ok(f"Đã ghi: {item.dossier_code or ''} {item.item_code or ''}".strip())
            self.load(batch_id)
            self.changed.emit()

        def failed(exc: BaseException, confirmed: bool = False) -> None:
            data = getattr(exc, "data", {}) or {}
            question = reason_text(exc) + "\n\nCông dân đã đồng ý nhận qua bưu điện?"
            # Issue 13: the citizen chose the counter; post it only when they agreed.
            if not confirmed and data.get("reason") == "counter_pickup" and self.confirm(question):
                CollectionOp[Any](
                    self.runner,
                    lambda: self.service.scan(
                        batch_id, raw, self.user, counter_pickup_confirmed=True
                    ),
                ).changes(ChangeSet.of(POSTAL)).success(done).failure(
                    lambda e: failed(e, True)
                ).run_in_background()
                return
            self._error(reason_text(exc))

        CollectionOp[Any](self.runner, lambda: self.service.scan(batch_id, raw, self.user)).changes(
            ChangeSet.of(POSTAL)
        ).success(done).failure(failed).run_in_background()

    def attempt(self) -> None:
        """The post reports a failed delivery of the selected result (issue 13)."""
        index = self.view.items.currentIndex()
        if not index.isValid():
            return
        item = self.model.row_value(self.proxy.mapToSource(index).row())

        def done(saved: Any) -> None:
            self.load(saved.batch_id)
            self._ok(f"Đã ghi lần phát không thành công thứ {saved.attempts}.")
            self.changed.emit()

        CollectionOp[Any](
            self.runner, lambda: self.service.record_attempt(item.id, self.user)
        ).changes(
            ChangeSet.of(POSTAL, DOSSIER, codes=[item.dossier_code] if item.dossier_code else [])
        ).success(done).failure(lambda exc: self._error(reason_text(exc))).run_in_background()

    def check(self) -> None:
        if self.batch is None:
            return

        def done(problems: list[Any]) -> None:
            if not problems:
                self._ok("Không có sai lệch.")
                return
            lines = [
                f"Dòng {p.position} ({p.dossier_code or p.item_code}): "
                f"{REASONS.get(p.reason, p.reason)}"
                for p in problems
            ]
            self._error("Sai lệch:\n" + "\n".join(lines))

        batch_id = self.batch.id
        QueryOp[list[Any]](self.runner, lambda: self.service.discrepancies(batch_id)).success(
            done
        ).run_in_background()

    def close_batch(self) -> None:
        if self.batch is None:
            return
        batch_id = self.batch.id
        unit = normalize(self.view.postal_unit.text()) or normalize(self.batch.postal_unit or "")
        staff = normalize(self.view.postal_staff.text()) or normalize(self.batch.postal_staff or "")
        missing = [
            label
            for label, value in (("đơn vị bưu chính", unit), ("nhân viên bưu chính", staff))
            if not value
        ]
        if missing:
            self._error(f"Chưa chốt được: hãy nhập {' và '.join(missing)} nhận lô.")
            (self.view.postal_unit if not unit else self.view.postal_staff).setFocus()
            return
        if not self.confirm(
            f"Chốt lô {self.batch.code} ({self.model.rowCount()} bưu gửi), giao cho {staff} — "
            f"{unit}? Sau khi chốt không thêm hay bớt được bưu gửi."
        ):
            return

        def done(record: Any) -> None:
            self._ok(f"Đã chốt lô {record.batch.code}; biên bản lưu tại {record.path}.")
            self.last_record = record
            self.refresh_batches()
            self.changed.emit()
            self.print_record(record.pdf, record.batch.code)

        CollectionOp[Any](
            self.runner,
            lambda: self.service.close_batch(
                batch_id, self.user, postal_unit=unit, postal_staff=staff
            ),
        ).success(done).failure(lambda exc: self._error(reason_text(exc))).run_in_background()

    def outcome(self, outcome: str) -> None:
        index = self.view.items.currentIndex()
        if not index.isValid():
            return
        item = self.model.row_value(self.proxy.mapToSource(index).row())

        def done(_item: Any) -> None:
            self.load(item.batch_id)
            self._ok("Đã ghi kết quả phát.")
            self.changed.emit()

        def record(fee: tuple[int, str]) -> None:
            CollectionOp[Any](
                self.runner,
                lambda: self.service.record_outcome(
                    item.id, outcome, self.user, fee_collected_vnd=fee[0], fee_receipt_no=fee[1]
                ),
            ).success(done).failure(lambda exc: self._error(reason_text(exc))).run_in_background()

        def with_fee(due: int | None) -> None:
            # Issue 13: the fee the post collected on delivery is written on the record.
            if not due:
                record((0, ""))
                return
            fee = self.ask_fee(due)
            if fee is not None:
                record(fee)

        if outcome != "delivered":
            record((0, ""))
            return
        QueryOp[int | None](self.runner, lambda: self.service.fee_due(item.id)).success(
            with_fee
        ).failure(lambda exc: self._error(reason_text(exc))).run_in_background()

    def _ask_fee(self, due: int) -> tuple[int, str] | None:
        """The fee the post handed over, and its receipt number (None: cancelled)."""
        amount, ok = QInputDialog.getInt(
            self.view,
            "Phí, lệ phí bưu điện thu hộ",
            f"Số tiền bưu điện đã thu và bàn giao (phải thu {strings.format_fee(due)}):",
            due,
            0,
            1_000_000_000,
            1000,
        )
        if not ok:
            return None
        if amount == 0:
            return 0, ""
        receipt, ok = QInputDialog.getText(self.view, "Số biên lai", "Số biên lai thu phí:")
        return (amount, normalize(receipt)) if ok else None

    def register_selected(self) -> None:
        index = self.view.items.currentIndex()
        if self.batch is None or self.batch.direction != "dossiers_in" or not index.isValid():
            self._error("Hãy chọn một bưu gửi của lô nhận hồ sơ.")
            return
        item = self.model.row_value(self.proxy.mapToSource(index).row())
        if item.dossier_id is not None:
            self._error(f"Bưu gửi {item.item_code} đã được tiếp nhận ({item.dossier_code}).")
            return
        self.register_requested.emit(item.id, item.item_code or "")

    def on_data_changed(self, change: Any) -> None:
        if "postal" in change.kinds and self.batch is not None:
            self.load(self.batch.id)

    def print_record(self, pdf: bytes, batch_code: str) -> None:
        """Send the hand-over record to the printer (two copies are signed: both sides keep one)."""
        backend = self.backend
        if backend is None:
            return
        printer = self.ctx.settings.printers.get("postal_handover") or backend.default_printer()
        paper = self.ctx.settings.paper_sizes.get("postal_handover", "A4")

        def job() -> Any:
            results = [
                backend.print_pdf(pdf, printer=printer, paper=paper, title=f"{batch_code}-{n}")
                for n in (1, 2)
            ]
            return results[-1]

        def printed(result: Any) -> None:
            self._ok(f"Đã in 2 bản biên bản giao nhận {batch_code} ({result.printer}).")

        def failed(exc: BaseException) -> None:
            self._error(
                f"In biên bản không thành công; tệp đã lưu, hãy in lại. ({reason_text(exc)})"
            )

        if backend.thread_safe:
            QueryOp[Any](self.runner, job, lane=Lane.IO).success(printed).failure(
                failed
            ).run_in_background()
            return
        try:  # QPrinter lives on the GUI thread
            result = job()
        except Exception as exc:  # noqa: BLE001 - shown to the clerk, the record stays archived
            errors.log_failure(exc)
            failed(exc)
        else:
            printed(result)
