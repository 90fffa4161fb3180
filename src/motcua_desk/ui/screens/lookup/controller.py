"""Lookup screen: open a dossier by code (typed or scanned) or search, see its whole timeline,
and record the counter's transitions after intake (issue 5).

Every database call runs on the db lane. Buttons follow the domain state machine
(``can_transition``); the service checks again, and a refusal is shown in words. After each
action the panel reloads in the same db task, the slip that goes with it is printed through the
shared :class:`PrintFlow`, and ``dossier_changed``/``data_changed`` are emitted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QObject, Signal, Slot
from PySide6.QtWidgets import QDialog, QWidget

from motcua_desk.domain.dossier import Dossier, Status, can_transition
from motcua_desk.domain.text import normalize
from motcua_desk.services.lookup import DossierFile, SearchCriteria
from motcua_desk.services.slip_data import event_detail
from motcua_desk.ui import errors, strings
from motcua_desk.ui.changes import Changed
from motcua_desk.ui.models.table import FrozenTableModel
from motcua_desk.ui.operations import CollectionOp, QueryOp
from motcua_desk.ui.ports import LookupContext
from motcua_desk.ui.preview import PreviewDialog
from motcua_desk.ui.print_flow import PrintFlow
from motcua_desk.ui.screens.home.view import proxy_for
from motcua_desk.ui.tasks import TaskRunner

from . import dialogs, result_dialogs
from .documents import LookupDocuments
from .panel import RESULT_COLUMNS, TIMELINE_COLUMNS, header_html, print_columns, return_text
from .papers import DossierPapers
from .signatures import SignaturePanel
from .timeline import (
    DOC_LABELS,
    TimelineEntry,
    entries,
    error_text,
    rule_text,
    status_label,
    warning_text,
)
from .view import LookupView

log = logging.getLogger(__name__)

#: Statuses in which the due date still runs and an apology with extension (Mẫu 04) applies.
EXTENDABLE = frozenset({Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT})


@dataclass(frozen=True)
class Loaded:
    """What one db task brings back: the dossier file and the users' full names."""

    file: DossierFile | None
    people: dict[str, str] = field(default_factory=dict)


def saved_id(dossier: Dossier) -> int:
    """The row id of a dossier read from the database (always set there)."""
    assert dossier.id is not None
    return dossier.id


class LookupController(LookupDocuments, QObject):
    #: The dossier's id after a transition recorded here.
    dossier_changed = Signal(int)
    #: "Trả kết quả": the return screen takes over with this dossier code.
    return_requested = Signal(str)
    #: The DossierFile shown after each load (None when a code was not found).
    loaded = Signal(object)

    def __init__(
        self,
        ctx: LookupContext,
        runner: TaskRunner,
        user: Any,
        parent: QObject | None = None,
        backend: Any = None,
        *,
        print_flow: PrintFlow | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.user = user
        self.view = LookupView(parent if isinstance(parent, QWidget) else None)
        own_flow = print_flow is None
        if print_flow is None:
            if backend is None:
                from motcua_desk.ui.printer import default_backend

                backend = default_backend()
            print_flow = PrintFlow(ctx, runner, backend, user, self)
        self.print_flow = print_flow
        self.file: DossierFile | None = None
        self.people: dict[str, str] = {}
        self.busy = False
        self.departments: list[str] = []
        self.previews: list[PreviewDialog] = []
        self._outcome: tuple[str, bool] = ("", False)  # the last action's message, warning?
        #: Opens a dialog and says whether it was accepted (tests fill and accept it instead).
        self.run_dialog: Callable[[QDialog], bool] = dialogs.run_modal
        self.ask_reprint_reason: Callable[[], str | None] = self._ask_reprint_reason

        self.results: FrozenTableModel[Dossier] = FrozenTableModel(RESULT_COLUMNS, self)
        self.results_proxy = proxy_for(self.results, self.view)
        self.view.results.setModel(self.results_proxy)
        self.timeline: FrozenTableModel[TimelineEntry] = FrozenTableModel(TIMELINE_COLUMNS, self)
        self.view.timeline.setModel(self.timeline)
        self.prints: FrozenTableModel[Any] = FrozenTableModel(
            print_columns(lambda: self.people), self
        )
        self.view.prints.setModel(self.prints)
        self.signatures = SignaturePanel(ctx, runner, self.view.signatures, self)
        self.dossier_papers = DossierPapers(ctx, runner, user, self.view)
        self.view.tabs.insertTab(1, self.dossier_papers.widget, "Giấy tờ và bản số hóa")
        self.dossier_papers.open_copy = self.show_paper
        self.dossier_papers.changed.connect(self._on_papers_changed)

        v = self.view
        v.code.returnPressed.connect(self._on_code_entered)
        v.open_button.clicked.connect(self._on_code_entered)
        v.text.returnPressed.connect(self.search)
        v.procedure.returnPressed.connect(self.search)
        v.search_button.clicked.connect(self.search)
        v.results.activated.connect(self._on_result_activated)
        v.results.doubleClicked.connect(self._on_result_activated)
        v.hand_over_button.clicked.connect(self.hand_over)
        v.result_button.clicked.connect(self.result_received)
        v.supplement_button.clicked.connect(self.request_supplement)
        v.supplemented_button.clicked.connect(self.supplement_completed)
        v.extend_button.clicked.connect(self.apologise_and_extend)
        v.withdraw_button.clicked.connect(self.withdraw)
        v.stop_button.clicked.connect(self.stop)
        v.refuse_button.clicked.connect(lambda: result_dialogs.refuse_after_appraisal(self))
        v.payment_due_button.clicked.connect(lambda: result_dialogs.request_payment(self))
        v.paid_button.clicked.connect(lambda: result_dialogs.payment_received(self))
        v.return_button.clicked.connect(self.request_return)
        v.preview_button.clicked.connect(self.preview_selected)
        v.papers_button.clicked.connect(self.show_papers_menu)
        self.papers: list[Any] = []
        v.prints.doubleClicked.connect(self.preview_selected)
        self.print_flow.printed.connect(self._on_printed)
        self.print_flow.print_failed.connect(self._on_print_failed)
        if own_flow:
            # Alone (no main window to broadcast), it hears its own operations' changes.
            self.runner.operation_did_execute.connect(self.on_data_changed)

    # -- loading ------------------------------------------------------------------------

    def _people(self) -> dict[str, str]:
        """Usernames to full names (db lane), to name who did each step."""
        return {u.username: u.full_name for u in self.ctx.accounts.list_users()}

    def _load(self, fetch: Callable[[], DossierFile | None], code: str = "") -> None:
        def job() -> Loaded:
            return Loaded(fetch(), self._people())

        def done(result: Loaded) -> None:
            if result.file is None:
                self.view.set_message(
                    strings.error_message("dossier_not_found", {"code": code}), error=True
                )
                self.loaded.emit(None)
                return
            self.show_file(result.file, result.people)

        QueryOp[Any](self.runner, job).success(done).failure(
            self._on_load_error
        ).run_in_background()

    @Slot(str)
    def open_code(self, code: str) -> None:
        """Open the dossier with this code (typed, or scanned and routed here by the window)."""
        wanted = normalize(code)
        if not wanted:
            self.view.set_message("Hãy quét hoặc nhập mã hồ sơ.", error=True)
            return
        self.view.code.setText(wanted)
        lookup = self.ctx.lookup
        self._outcome = ("", False)
        self.view.set_message("")
        self._load(lambda: lookup.open_by_code(wanted), wanted)

    def open_id(self, dossier_id: int) -> None:
        lookup = self.ctx.lookup
        self._load(lambda: lookup.open_by_id(dossier_id))

    def reload(self) -> None:
        if self.file is not None and self.file.dossier.id is not None:
            self.open_id(self.file.dossier.id)

    def on_data_changed(self, change: Any) -> None:
        """Reload the open dossier when it (or an unnamed dossier) changed elsewhere."""
        if self.file is None:
            return
        codes: frozenset[str] = getattr(change, "dossier_codes", frozenset())
        if not codes or self.file.dossier.code in codes:
            self.reload()

    def _on_load_error(self, exc: BaseException) -> None:
        self.view.set_message(error_text(exc), error=True)
        if not isinstance(getattr(exc, "code", None), str):
            errors.show(exc)

    @Slot()
    def _on_code_entered(self) -> None:
        self.open_code(self.view.code.text())

    # -- showing ------------------------------------------------------------------------

    def show_file(self, file: DossierFile, people: dict[str, str]) -> None:
        self.file = file
        self.people = people
        d = file.dossier
        self.view.header.setText(header_html(file, self._name))
        self._show_digitisation(file)
        self.timeline.set_rows(entries(file.timeline, file.print_jobs, people))
        self.view.timeline.resizeColumnsToContents()
        self.view.timeline.scrollToBottom()
        self.prints.set_rows(sorted(file.print_jobs, key=lambda j: j.at))
        self.view.preview_button.setEnabled(bool(file.print_jobs))
        self.view.return_info.setText(return_text(file, self._name))
        if d.id is not None:
            self.signatures.load(d.id)
        for e in file.timeline:
            dept = str(e.detail.get("department") or "")
            if dept and dept not in self.departments:
                self.departments.append(dept)
        self._enable_actions()
        log.debug("lookup shows %s (%s)", d.code, d.status.name)
        self.loaded.emit(file)

    def _name(self, username: str) -> str:
        return self.people.get(username, username) or "—"

    def _enable_actions(self) -> None:
        v = self.view
        d = self.file.dossier if self.file is not None else None
        if d is None or self.busy:
            for b in v.action_buttons:
                b.setEnabled(False)
            return

        def can(target: Status) -> bool:
            return can_transition(d.status, target)

        v.hand_over_button.setEnabled(can(Status.PROCESSING) and d.status is not Status.SUPPLEMENT)
        v.result_button.setEnabled(can(Status.PROCESSED))
        v.supplement_button.setEnabled(can(Status.SUPPLEMENT))
        v.supplemented_button.setEnabled(d.status is Status.SUPPLEMENT and can(Status.RECEIVED))
        v.extend_button.setEnabled(d.status in EXTENDABLE and d.due_at is not None)
        v.withdraw_button.setEnabled(can(Status.WITHDRAWN))
        v.stop_button.setEnabled(can(Status.STOPPED))
        v.return_button.setEnabled(can(Status.RETURNED))
        timeline = self.file.timeline if self.file is not None else ()
        handed = any(e.detail.get("action") == "handed_over" for e in timeline)
        v.refuse_button.setEnabled(can(Status.REFUSED) and handed)
        v.payment_due_button.setEnabled(can(Status.PAYMENT_DUE))
        v.paid_button.setEnabled(d.status is Status.PAYMENT_DUE)

    # -- search -------------------------------------------------------------------------

    @Slot()
    def search(self) -> None:
        v = self.view
        status = v.status.currentData()

        def day(edit: Any, use: Any) -> date | None:
            if not use.isChecked():
                return None
            q: QDate = edit.date()
            return date(q.year(), q.month(), q.day())

        criteria = SearchCriteria(
            text=normalize(v.text.text()),
            procedure_code=normalize(v.procedure.text()),
            status=None if status is None else Status(int(status)),
            date_from=day(v.date_from, v.use_from),
            date_to=day(v.date_to, v.use_to),
        )
        lookup = self.ctx.lookup

        def done(found: list[Dossier]) -> None:
            self.results.set_rows(found)
            self.view.results.resizeColumnsToContents()
            self.view.result_count.setText(
                f"Tìm thấy {len(found)} hồ sơ." if found else "Không tìm thấy hồ sơ nào."
            )

        def failed(exc: BaseException) -> None:
            fields = getattr(exc, "fields", None) or {}
            if "date_to" in fields:
                self.view.result_count.setText("“Đến ngày” phải sau hoặc bằng “Từ ngày”.")
            else:
                self.view.result_count.setText(error_text(exc))
            if not isinstance(getattr(exc, "code", None), str):
                errors.show(exc)

        QueryOp[Any](self.runner, lambda: lookup.search(criteria)).success(done).failure(
            failed
        ).run_in_background()

    @Slot(QModelIndex)
    def _on_result_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        d = self.results.row_value(self.results_proxy.mapToSource(index).row())
        if d.id is not None:
            self.open_id(d.id)

    # -- transitions --------------------------------------------------------------------

    def _current(self, target: Status | None, action: str) -> Dossier | None:
        """The open dossier if ``action`` may start now; otherwise say why and return None."""
        if self.file is None:
            self.view.set_message("Hãy mở một hồ sơ trước.", error=True)
            return None
        if self.busy:
            return None
        d = self.file.dossier
        if target is not None and not can_transition(d.status, target):
            self.view.set_message(
                f"Không thể {action}: hồ sơ {d.code} đang ở trạng thái “{status_label(d.status)}”.",
                error=True,
            )
            return None
        return d

    def _record(self, label: str, fn: Callable[[], Any], doc_type: str | None = None) -> None:
        """Run transition ``fn`` on the db lane, reload, then print ``doc_type`` if any."""
        lookup = self.ctx.lookup

        def job() -> Changed[tuple[Any, Loaded]]:
            result = fn()  # a transition result: it says what it changed
            loaded = Loaded(lookup.open_by_id(result.dossier.id), self._people())
            return Changed((result, loaded), result.changes)

        def done(outcome: tuple[Any, Loaded]) -> None:
            result, loaded = outcome
            self.busy = False
            d: Dossier = result.dossier
            assert loaded.file is not None and d.id is not None
            self.show_file(loaded.file, loaded.people)
            text = f"Đã ghi: {label} — hồ sơ {d.code}."
            warnings = [
                warning_text(w, event_detail(loaded.file.timeline, "supplement_requested"))
                for w in result.warnings
            ]
            self._outcome = ("\n".join([text, *warnings]), bool(warnings))
            if doc_type is not None:
                self.print_flow.print_dossier(doc_type, d)  # a new slip, not a copy
                self._say(f"Đang in {DOC_LABELS.get(doc_type, doc_type)}…")
            else:
                self._say("")
            self.dossier_changed.emit(d.id)

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._enable_actions()
            self.view.set_message(error_text(exc), error=True)
            if not isinstance(getattr(exc, "code", None), str):
                errors.show(exc)
            self.reload()  # the dossier may have moved on elsewhere

        self.busy = True
        self._enable_actions()
        CollectionOp[tuple[Any, Loaded]](self.runner, job).success(done).failure(
            failed
        ).run_in_background()

    @Slot()
    def hand_over(self) -> None:
        """Chuyển xử lý, then print the control slip (Mẫu 06)."""
        d = self._current(Status.PROCESSING, "chuyển xử lý")
        if d is None:
            return
        dialog = dialogs.HandOverDialog(d, list(self.departments), self.view)
        if not self.run_dialog(dialog):
            return
        department, note, cooperating = dialog.value()
        lifecycle, user, dossier_id = self.ctx.lifecycle, self.user, saved_id(d)
        self._record(
            "chuyển xử lý",
            lambda: lifecycle.hand_over(dossier_id, user, department, note, cooperating),
            "control_slip",
        )

    @Slot()
    def result_received(self) -> None:
        d = self._current(Status.PROCESSED, "nhận kết quả")
        if d is None:
            return
        dialog = dialogs.NoteDialog(
            "Nhận kết quả từ bộ phận xử lý",
            "Ghi nhận bộ phận xử lý đã chuyển kết quả về Bộ phận Một cửa.",
            d,
            self.view,
        )
        if not self.run_dialog(dialog):
            return
        note = dialog.value()
        lifecycle, user, dossier_id = self.ctx.lifecycle, self.user, saved_id(d)
        self._record("nhận kết quả", lambda: lifecycle.result_received(dossier_id, user, note))

    @Slot()
    def request_supplement(self) -> None:
        """Mẫu 02 after intake: the clock stops; late or repeated requests are warned."""
        d = self._current(Status.SUPPLEMENT, "yêu cầu bổ sung")
        if d is None:
            return
        dialog = dialogs.SupplementDialog(d, self.view)
        if not self.run_dialog(dialog):
            return
        missing, reason = dialog.value()
        lifecycle, user, dossier_id = self.ctx.lifecycle, self.user, saved_id(d)
        self._record(
            "yêu cầu bổ sung",
            lambda: lifecycle.request_supplement(dossier_id, user, missing, reason),
            "supplement",
        )

    @Slot()
    def supplement_completed(self) -> None:
        """The papers are complete: the clock restarts (or resumes) and the due date moves."""
        d = self._current(Status.RECEIVED, "ghi nhận đã bổ sung đủ")
        if d is None:
            return
        if d.status is not Status.SUPPLEMENT:
            self.view.set_message("Hồ sơ không ở trạng thái chờ bổ sung.", error=True)
            return
        dialog = dialogs.NoteDialog(
            "Công dân đã bổ sung đủ hồ sơ",
            "Thời hạn giải quyết được tính lại từ hôm nay; phần mềm tính ngày hẹn trả mới và in "
            "Giấy tiếp nhận hồ sơ và hẹn trả kết quả mới (Mẫu 01).",
            d,
            self.view,
        )
        if not self.run_dialog(dialog):
            return
        lifecycle, user, dossier_id = self.ctx.lifecycle, self.user, saved_id(d)
        # NĐ 61 Art. 19.4: once complete, the time limit restarts and a new Mẫu 01 is given.
        self._record(
            "đã bổ sung đủ", lambda: lifecycle.supplement_completed(dossier_id, user), "receipt"
        )

    @Slot()
    def apologise_and_extend(self) -> None:
        """Mẫu 04: once, at least one working day before the due date, to a later date."""
        d = self._current(None, "xin lỗi và gia hạn")
        if d is None:
            return
        if d.status not in EXTENDABLE or d.due_at is None:
            self.view.set_message(
                f"Không thể xin lỗi và gia hạn: hồ sơ {d.code} đang ở trạng thái "
                f"“{status_label(d.status)}”.",
                error=True,
            )
            return
        if d.extensions >= 1:
            self.view.set_message(warning_text("second_extension"), error=True)
            return
        # The rule is checked before the clerk types anything (issue 12 §2): too late now, or
        # (as the date changes in the dialog) a date not later than the current one.
        lifecycle = self.ctx.lifecycle
        try:
            latest = lifecycle.check_extension(saved_id(d))
        except Exception as exc:
            self.view.set_message(rule_text(exc), error=True)
            return

        def check(new_due: Any) -> str:
            try:
                lifecycle.check_extension(saved_id(d), new_due)
            except Exception as exc:
                return rule_text(exc)
            return ""

        dialog = dialogs.ExtensionDialog(
            d, self.view, latest_apology=f"{latest:%d/%m/%Y}", check=check
        )
        if not self.run_dialog(dialog):
            return
        new_due, reason = dialog.value()
        lifecycle, user, dossier_id = self.ctx.lifecycle, self.user, saved_id(d)
        self._record(
            "xin lỗi và gia hạn",
            lambda: lifecycle.apologise_and_extend(dossier_id, user, new_due, reason),
            "apology",
        )

    @Slot()
    def withdraw(self) -> None:
        """The citizen withdraws a dossier without result (Mẫu 05)."""
        d = self._current(Status.WITHDRAWN, "ghi nhận công dân rút hồ sơ")
        if d is None:
            return
        dialog = dialogs.ReasonDialog(
            "Công dân rút hồ sơ (Mẫu 05)",
            "Công dân đề nghị rút hồ sơ chưa có kết quả. Sau khi lưu, phần mềm in "
            "Thông báo dừng xử lý hồ sơ (Mẫu 05).",
            d,
            self.view,
        )
        if not self.run_dialog(dialog):
            return
        reason = dialog.value()
        lifecycle, user, dossier_id = self.ctx.lifecycle, self.user, saved_id(d)
        self._record(
            "công dân rút hồ sơ",
            lambda: lifecycle.withdraw(dossier_id, user, reason),
            "stop_notice",
        )

    @Slot()
    def stop(self) -> None:
        """Processing stops (Mẫu 05)."""
        d = self._current(Status.STOPPED, "dừng xử lý")
        if d is None:
            return
        dialog = dialogs.ReasonDialog(
            "Dừng xử lý hồ sơ (Mẫu 05)",
            "Sau khi lưu, phần mềm in Thông báo dừng xử lý hồ sơ (Mẫu 05).",
            d,
            self.view,
        )
        if not self.run_dialog(dialog):
            return
        reason = dialog.value()
        lifecycle, user, dossier_id = self.ctx.lifecycle, self.user, saved_id(d)
        self._record("dừng xử lý", lambda: lifecycle.stop(dossier_id, user, reason), "stop_notice")

    @Slot()
    def request_return(self) -> None:
        """ "Trả kết quả": handled by the return screen."""
        d = self._current(Status.RETURNED, "trả kết quả")
        if d is not None:
            self.return_requested.emit(d.code)

    # -- printing feedback and preview --------------------------------------------------

    def _say(self, printing: str, *, error: bool = False) -> None:
        """The last action's message (with its warnings) and where its slip's printing is."""
        text, warned = self._outcome
        lines = [t for t in (text, printing) if t]
        self.view.set_message("\n".join(lines), error=error, warning=warned)

    @Slot(object, str)
    def _on_printed(self, doc: Any, printer: str) -> None:
        if self.file is not None and doc.dossier_code == self.file.dossier.code:
            label = DOC_LABELS.get(doc.doc_type, doc.doc_type)
            self._say(f"Đã gửi {label} tới máy in {printer}.")

    @Slot(str, str)
    def _on_print_failed(self, code: str, message: str) -> None:
        if self.file is not None and code == self.file.dossier.code:
            self._say(message, error=True)
            self.reload()
