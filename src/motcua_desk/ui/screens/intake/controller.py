"""Intake screen behaviour: search, checklist, validation, save, supplement and refusal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHeaderView, QWidget

from motcua_desk.domain.dossier import Channel, Dossier, Person, ReturnMethod
from motcua_desk.domain.fees import FeeTiming, default_timing
from motcua_desk.domain.procedure import Procedure
from motcua_desk.domain.text import normalize
from motcua_desk.services.reception import IntakeDraft, ReceptionService
from motcua_desk.ui import errors, strings
from motcua_desk.ui.changes import Changed
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import CollectionOp, QueryOp
from motcua_desk.ui.ports import ContextPort
from motcua_desk.ui.print_flow import PrintFlow
from motcua_desk.ui.tasks import TaskRunner

from . import dialogs, form
from .papers import PapersPanel
from .view import IntakeView

log = logging.getLogger(__name__)

PROCEDURE_COLUMNS: tuple[Column[Procedure], ...] = (
    Column("code", "Mã", lambda p: p.code),
    Column("name", "Tên thủ tục", lambda p: p.name),
    Column("level", "Cấp", lambda p: strings.level_label(p.level)),
)


#: Rows moved by a key pressed in the procedure search box.
_STEPS = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 10, Qt.Key.Key_PageUp: -10}


def procedure_model() -> FrozenTableModel[Procedure]:
    return FrozenTableModel(PROCEDURE_COLUMNS)


class IntakeController(QObject):
    """Drives an :class:`IntakeView`. Prompts are attributes so tests can answer them."""

    dossier_saved = Signal(object)
    #: (kind, Dossier) for "supplement" and "refusal".
    outcome_recorded = Signal(str, object)

    def __init__(
        self,
        ctx: ContextPort,
        runner: TaskRunner,
        print_flow: PrintFlow,
        user: Any,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.postal_item: tuple[int, str] | None = None
        self.print_flow = print_flow
        self.user = user
        self.view = IntakeView(parent)
        self.model = procedure_model()
        self.view.procedure_table.setModel(self.model)
        # Fixed widths: resizing to contents on every keystroke costs more than the search.
        header = self.view.procedure_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        metrics = self.view.procedure_table.fontMetrics()
        header.resizeSection(0, metrics.horizontalAdvance("0.000000.H00") + 12)
        header.resizeSection(2, metrics.horizontalAdvance("Cấp tỉnh, cấp xã") + 12)
        self.procedure: Procedure | None = None
        self.saving = False
        self.confirm: Callable[[str], bool] = lambda text: dialogs.confirm(self.view, text)
        self.ask_reason: Callable[[str, str], str | None] = lambda title, prompt: (
            dialogs.ask_reason(self.view, title, prompt)
        )
        self.ask_supplement: Callable[[list[str]], tuple[tuple[str, ...], str] | None] = (
            lambda missing: dialogs.ask_supplement(self.view, missing)
        )
        v = self.view
        v.procedure_search.textChanged.connect(self._on_procedure_search_text_changed)
        v.procedure_search.returnPressed.connect(self._on_procedure_search_return_pressed)
        v.procedure_search.installEventFilter(self)  # Up/Down move in the results
        v.procedure_table.activated.connect(self._on_procedure_table_activated)
        v.procedure_table.clicked.connect(self._on_procedure_table_activated)
        v.return_method.currentIndexChanged.connect(self._on_return_method_changed)
        v.save_button.clicked.connect(self.save_and_print)
        v.supplement_button.clicked.connect(self.request_supplement)
        v.refuse_button.clicked.connect(self.refuse)
        v.cancel_button.clicked.connect(self.cancel)
        self.papers = PapersPanel(ctx, runner, v, user)
        self.search("")

    # -- procedure picker ------------------------------------------------------------------
    def search(self, query: str) -> list[Procedure]:
        results = self.ctx.catalogue.search(normalize(query), limit=50)
        self.model.set_rows(results)
        if results:
            self.view.procedure_table.selectRow(0)
        hint = self.view.procedure_hint
        hint.setText(
            "" if results or not normalize(query) else strings.no_procedure_found(normalize(query))
        )
        hint.setVisible(bool(hint.text()))
        return results

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Up/Down (and Page Up/Down) in the search box move the selected result row."""
        if watched is self.view.procedure_search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            step = _STEPS.get(Qt.Key(event.key()))
            if step is not None and self.model.rowCount() > 0:
                index = self.view.procedure_table.currentIndex()
                row = index.row() if index.isValid() else -1
                row = max(0, min(self.model.rowCount() - 1, row + step))
                self.view.procedure_table.selectRow(row)
                self.view.procedure_table.scrollTo(self.model.index(row, 0))
                return True
        return super().eventFilter(watched, event)

    @Slot(str)
    def _on_procedure_search_text_changed(self, text: str) -> None:
        self.search(text)

    @Slot()
    def _on_procedure_search_return_pressed(self) -> None:
        index = self.view.procedure_table.currentIndex()
        row = index.row() if index.isValid() else 0
        if 0 <= row < self.model.rowCount():
            self.choose_procedure(self.model.row_value(row))
            self.view.checklist.setFocus()
        else:
            self.search(self.view.procedure_search.text())  # says that nothing matched

    @Slot(QModelIndex)
    def _on_procedure_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.choose_procedure(self.model.row_value(index.row()))

    def choose_procedure(self, procedure: Procedure) -> None:
        v = self.view
        if self.procedure is None or self.procedure.code != procedure.code:
            form.set_checklist(v, self.ctx.reception.checklist_for(procedure))
            self.papers.reset()
        self.procedure = procedure
        v.procedure_name.setText(f"{procedure.code} — {procedure.name}")
        v.detail_field.setText(procedure.field or "—")
        v.detail_level.setText(strings.level_label(procedure.level))
        v.detail_fee.setText(strings.format_fee(procedure.fee_vnd))
        proposed = default_timing(procedure.fee_vnd, self.ctx.settings.default_fee_timing)
        v.fee_timing.setCurrentIndex(max(0, v.fee_timing.findData(proposed.value)))
        v.detail_time.setText(
            strings.format_duration(procedure.processing_days, procedure.time_unit.value)
        )
        # The calendar may be read from the database (first use, or after an edit): off the
        # GUI thread, and a late answer for a procedure no longer chosen is dropped.
        v.detail_due.setText(strings.DUE_PENDING)
        code = procedure.code

        def shown(due: Any) -> None:
            if self.procedure is not None and self.procedure.code == code:
                explanation = form.explain_due(due)
                v.detail_due.setText(
                    form.format_due(due) + (f"\n{explanation}" if explanation else "")
                )

        def failed(exc: BaseException) -> None:  # a calendar gap must not block intake
            if self.procedure is None or self.procedure.code != code:
                return
            fields = getattr(exc, "fields", None)
            if isinstance(fields, dict) and fields:
                name, field_code = next(iter(fields.items()))
                v.detail_due.setText(strings.field_error(str(name), str(field_code)))
            else:
                v.detail_due.setText(strings.exception_message(exc))

        QueryOp[Any](self.runner, lambda: self.ctx.reception.preview_due(code)).success(
            shown
        ).failure(failed).run_in_background()
        v.rows["procedure"].set_error("")

    def select_procedure_code(self, code: str) -> bool:
        procedure = self.ctx.catalogue.get(code)
        if procedure is None:
            return False
        self.choose_procedure(procedure)
        return True

    @Slot(int)
    def _on_return_method_changed(self, _index: int) -> None:
        by_post = self.view.return_method.currentData() == ReturnMethod.POST.value
        self.view.return_address.setEnabled(by_post)
        self.view.postage.setEnabled(by_post)
        if by_post and not self.view.return_address.text():
            self.view.return_address.setText(self.view.address.text())

    # -- applicant ----------------------------------------------------------------------
    def fill_person(self, person: Person) -> str:
        """Fill from an ID-card scan: the applicant, or the submitter when that box is open
        and the applicant is already filled. Returns "applicant" or "submitter"."""
        v = self.view
        if v.submitter_box.isChecked() and v.full_name.text().strip():
            form.write_submitter(v, person)
            self.focus_first_empty()
            return "submitter"
        form.write_applicant(v, person)
        self.papers.lookup_offers()
        self.focus_first_empty()
        return "applicant"

    def focus_first_empty(self) -> QWidget:
        """After a card scan the clerk goes on where input is missing (issue 12 §2)."""
        v = self.view
        target: QWidget = v.phone
        if self.procedure is None:
            target = v.procedure_search
        else:
            for edit in (v.full_name, v.id_number, v.address):
                if not edit.text().strip():
                    target = edit
                    break
            else:
                unticked = [i for i in form.read_checklist(v) if i.required and not i.received]
                if unticked:
                    target = v.checklist
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        return target

    # -- draft and validation ---------------------------------------------------------------
    def build_draft(self) -> tuple[IntakeDraft, dict[str, str]]:
        v = self.view
        applicant, problems = form.read_applicant(v)
        method = ReturnMethod(v.return_method.currentData())
        draft = IntakeDraft(
            procedure_code=self.procedure.code if self.procedure else "",
            applicant=applicant,
            submitter=form.read_submitter(v),
            channel=Channel(v.channel.currentData()),
            return_method=method,
            return_address=normalize(v.return_address.text())
            if method == ReturnMethod.POST
            else "",
            checklist=form.read_checklist(v),
            sets_count=v.sets_count.value(),
            note=normalize(v.note.text()),
            postage_vnd=v.postage.value() if method == ReturnMethod.POST else None,
            fee_timing=FeeTiming(v.fee_timing.currentData()),
            fee_paid_vnd=v.fee_paid.value(),
            fee_receipt_no=normalize(v.fee_receipt_no.text()),
            authorisation=normalize(v.sub_authorisation.text())
            if v.submitter_box.isChecked()
            else "",
        )
        return draft, problems

    def show_errors(self, problems: dict[str, str]) -> None:
        v = self.view
        v.clear_errors()
        first: QWidget | None = None
        for name, code in problems.items():
            row = v.rows.get(name) or v.rows.get(name.split(".")[0])
            message = strings.field_error(name, code)
            if row is None:
                log.warning("validation error for unknown field %s", name)
                v.set_message(message, error=True)
                continue
            row.set_error(message)
            if first is None:
                first = row.editor
        if problems:
            v.set_message(strings.ERRORS["validation_failed"], error=True)
        if first is not None:
            first.setFocus()

    def validate(self, draft: IntakeDraft, local: dict[str, str]) -> dict[str, str]:
        problems = dict(self.ctx.reception.validate(draft))
        problems.update(local)
        if self.procedure is None:
            problems["procedure"] = "required"
        self.show_errors(problems)
        return problems

    def is_dirty(self) -> bool:
        return self.procedure is not None or form.has_input(self.view)

    # -- actions ------------------------------------------------------------------------
    def _run(self, fn: Callable[[], Changed[Dossier]], on_done: Callable[[Dossier], None]) -> None:
        self.saving = True
        self._set_enabled(False)

        def done(dossier: Dossier) -> None:
            self.saving = False
            self._set_enabled(True)
            on_done(dossier)

        CollectionOp[Dossier](self.runner, fn).success(done).failure(
            self._on_action_error
        ).run_in_background()

    def _set_enabled(self, enabled: bool) -> None:
        v = self.view
        for b in (v.save_button, v.supplement_button, v.refuse_button):
            b.setEnabled(enabled)

    def _on_action_error(self, exc: BaseException) -> None:
        self.saving = False
        self._set_enabled(True)
        fields = getattr(exc, "fields", None)
        if getattr(exc, "code", None) == "validation_failed" and isinstance(fields, dict):
            self.show_errors(fields)
            return
        self.view.set_message(strings.exception_message(exc), error=True)
        errors.show(exc)

    @Slot()
    def save_and_print(self) -> None:
        """Ctrl+Enter: validate, save in one transaction, then print the receipt (Mẫu 01)."""
        if self.saving or not self.is_dirty():
            # Nothing typed (e.g. a second Ctrl+Enter right after a save): the banner with the
            # saved code stays; no "missing field" errors on the cleared form (issue 12 §2).
            return
        draft, local = self.build_draft()
        if self.validate(draft, local):
            return
        reception, user = self.ctx.reception, self.user
        if self.postal_item is not None:
            # A dossier of an incoming postal batch: received at the record's signing time.
            item_id, postal = self.postal_item[0], self.ctx.postal
            assert postal is not None  # a postal item comes from the postal page
            real_reception = cast(ReceptionService, reception)  # the service it wraps
            self._run(
                lambda: postal.register_incoming(item_id, draft, user, real_reception),
                self._on_saved,
            )
            return
        self._run(lambda: reception.receive(draft, user), self._on_saved)

    def start_postal_intake(self, item_id: int, item_code: str) -> bool:
        """Register the dossier that came by post as item ``item_code`` (issue 6)."""
        if not self.cancel():
            return False
        self.postal_item = (item_id, item_code)
        index = self.view.channel.findData(int(Channel.POSTAL))
        if index >= 0:
            self.view.channel.setCurrentIndex(index)
        self.view.set_message(
            f"Tiếp nhận hồ sơ của bưu gửi {item_code}: thời điểm nộp là giờ ký biên bản giao nhận."
        )
        return True

    def _on_saved(self, dossier: Dossier) -> None:
        log.info("dossier saved: %s", dossier.code)
        if self.postal_item is not None:
            self.postal_item = None
        self.papers.save_for(dossier)
        form.clear(self.view)
        self.procedure = None
        self.view.set_message(f"Đã lưu hồ sơ {dossier.code}. Đang in giấy tiếp nhận…")
        self.dossier_saved.emit(dossier)
        self.print_flow.print_dossier("receipt", dossier)
        self.view.procedure_search.setFocus()

    @Slot()
    def request_supplement(self) -> None:
        """Mẫu 02: every unticked required paper, listed once, with the reason."""
        if self.saving:
            return
        draft, local = self.build_draft()
        basic = {k: v for k, v in local.items()}
        if self.procedure is None:
            basic["procedure"] = "required"
        if not draft.applicant.full_name:
            basic["applicant.full_name"] = "required"
        if basic:
            self.show_errors(basic)
            return
        missing = [i.name for i in draft.checklist if i.required and not i.received]
        answer = self.ask_supplement(missing)
        if answer is None:
            return
        chosen, reason = answer
        reception, user = self.ctx.reception, self.user
        self._run(
            lambda: reception.request_supplement(draft, user, chosen, reason),
            lambda d: self._on_outcome("supplement", d),
        )

    @Slot()
    def refuse(self) -> None:
        """Mẫu 03 with the reason."""
        if self.saving:
            return
        draft, local = self.build_draft()
        basic = dict(local)
        if self.procedure is None:
            basic["procedure"] = "required"
        if not draft.applicant.full_name:
            basic["applicant.full_name"] = "required"
        if basic:
            self.show_errors(basic)
            return
        reason = self.ask_reason("Từ chối tiếp nhận hồ sơ (Mẫu 03)", "Lý do từ chối:")
        if not reason:
            return
        reception, user = self.ctx.reception, self.user
        self._run(
            lambda: reception.refuse(draft, user, reason),
            lambda d: self._on_outcome("refusal", d),
        )

    def _on_outcome(self, kind: str, dossier: Dossier) -> None:
        self.papers.reset()
        form.clear(self.view)
        self.procedure = None
        self.view.set_message(f"Đã ghi nhận {strings.DOC_TYPES[kind]} — hồ sơ {dossier.code}.")
        self.outcome_recorded.emit(kind, dossier)
        self.print_flow.print_dossier(kind, dossier)

    @Slot()
    def new_dossier(self) -> bool:
        """F2: start a new dossier (asks first when typed data would be lost)."""
        return self.cancel()

    @Slot()
    def cancel(self) -> bool:
        """Esc: clear the form, confirming when data would be lost. True when cleared."""
        if self.saving:
            return False
        if self.is_dirty() and not self.confirm("Hủy hồ sơ đang nhập? Dữ liệu chưa lưu sẽ mất."):
            return False
        self.papers.reset()
        form.clear(self.view)
        self.procedure = None
        self.postal_item = None
        self.view.set_message("")
        self.search("")
        self.view.procedure_search.setFocus()
        return True

    def focus_first(self) -> None:
        self.view.procedure_search.setFocus(Qt.FocusReason.ShortcutFocusReason)
