"""Return page: scan the slip, check who collects, record fee and rating, mark returned.

While this page is shown the main window sends it every scan: a dossier code opens the dossier,
an ID-card QR fills in and checks the collector. The wrong person is refused before anything is
saved; the service checks again inside its transaction.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QListWidgetItem

from motcua_desk.domain.dossier import Dossier
from motcua_desk.domain.errors import DomainError
from motcua_desk.domain.identity import IdCardData
from motcua_desk.domain.returns import Collector, CollectorKind, Verification
from motcua_desk.domain.scan import ScanKind, classify
from motcua_desk.domain.text import normalize
from motcua_desk.services.returns import ReturnInput
from motcua_desk.ui import errors, strings
from motcua_desk.ui.operations import CollectionOp, QueryOp
from motcua_desk.ui.ports import ReturnsContext
from motcua_desk.ui.tasks import TaskRunner

from .citizen import CitizenRatingWindow
from .view import ReturnView

WARNINGS = {
    "fee_not_collected": "Chưa ghi thu phí, lệ phí (thủ tục có thu phí).",
    "originals_kept": "Có bản chính chưa trả lại công dân.",
}


def message_for(exc: BaseException) -> str:
    code = getattr(exc, "code", "")
    data = getattr(exc, "data", {}) or {}
    if code == "not_found":
        return strings.error_message("dossier_not_found", {"code": data.get("code", "")})
    return strings.exception_message(exc)


class ReturnController(QObject):
    #: (dossier code) after the result was handed over and recorded
    returned = Signal(str)

    def __init__(
        self,
        ctx: ReturnsContext,
        runner: TaskRunner,
        print_flow: Any,
        user: Any,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.print_flow = print_flow
        self.user = user
        self.view = ReturnView()
        self.case: Any = None
        self.verified: Collector | None = None
        self.citizen_window: CitizenRatingWindow | None = None
        self.rating_source = "counter"
        v = self.view
        v.code.returnPressed.connect(lambda: self.open_code(v.code.text()))
        v.open_button.clicked.connect(lambda: self.open_code(v.code.text()))
        v.verify_button.clicked.connect(self.verify)
        v.complete_button.clicked.connect(self.complete)
        v.citizen_button.clicked.connect(self.show_citizen_window)
        v.as_proxy.toggled.connect(self._on_kind_toggled)
        for w in (v.collector_name, v.collector_id, v.authorisation):
            w.textEdited.connect(self._invalidate)
        # Ctrl+Enter comes from the main window's one shortcut (a second one here made Qt
        # treat both as ambiguous and neither fired; issue 12 §2).
        self._on_kind_toggled(False)

    # -- opening ------------------------------------------------------------------------

    def scan(self, raw: str) -> None:
        """A scan while this page is shown."""
        result = classify(raw)
        if result.error is not None:
            self._fail(strings.exception_message(result.error))
        elif result.kind is ScanKind.DOSSIER_CODE:
            self.open_code(result.text)
        elif result.kind is ScanKind.ID_CARD_QR and isinstance(result.value, IdCardData):
            card = result.value
            v = self.view
            v.collector_name.setText(card.full_name)
            v.collector_id.setText(card.personal_id)
            self.verify(verified_by=Verification.ID_CARD_QR)
        elif result.kind is ScanKind.PERSONAL_ID:
            self.view.collector_id.setText(result.text)
            self.verify()
        else:
            self._fail(strings.error_message("unknown_scan", {"text": raw[:60]}))

    def open_code(self, code: str) -> None:
        code = normalize(code)
        if not code:
            return
        self.view.code.setText(code)
        service = self.ctx.returns
        QueryOp[Any](self.runner, lambda: service.start(code)).success(self._show_case).failure(
            lambda exc: self._fail(message_for(exc), clear=True)
        ).run_in_background()

    def _show_case(self, case: Any) -> None:
        self.case = case
        self.verified = None
        self.rating_source = "counter"
        d: Dossier = case.dossier
        v = self.view
        due = strings.format_date(d.due_at)
        lines = [
            f"Hồ sơ {d.code} — {d.procedure_name}",
            f"Chủ hồ sơ: {d.applicant.full_name}"
            + (f" — số định danh {d.applicant.id_number}" if d.applicant.id_number else ""),
            f"Ngày hẹn trả: {due}" + (" (trả sau hạn)" if case.overdue else ""),
            f"Phí, lệ phí theo thủ tục: {strings.format_fee(case.fee_due_vnd)}",
        ]
        if d.submitter is not None:
            lines.append(f"Người nộp hồ sơ: {d.submitter.full_name}")
        v.summary.setText("\n".join(lines))
        v.as_applicant.setChecked(True)
        for w in (v.collector_name, v.collector_id, v.authorisation, v.receipt_no, v.note):
            w.clear()
        v.rating_comment.clear()
        for box in v.scores.values():
            box.setCurrentIndex(0)
        v.fee.setText(str(case.fee_due_vnd) if case.fee_due_vnd else "0")
        v.originals.clear()
        for name in case.originals:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            v.originals.addItem(item)
        v.results.setText("; ".join(case.results))
        v.verdict.clear()
        v.complete_button.setEnabled(False)
        v.set_message("Hãy kiểm tra người nhận: quét QR căn cước hoặc nhập số định danh.")
        v.collector_id.setFocus()

    # -- the collector ------------------------------------------------------------------

    def _on_kind_toggled(self, proxy: bool) -> None:
        self.view.authorisation.setEnabled(proxy)
        self._invalidate()

    def _invalidate(self, *_args: object) -> None:
        self.verified = None
        self.view.complete_button.setEnabled(False)
        self.view.verdict.clear()

    def collector(self, verified_by: Verification = Verification.TYPED) -> Collector:
        v = self.view
        kind = CollectorKind.PROXY if v.as_proxy.isChecked() else CollectorKind.APPLICANT
        return Collector(
            kind,
            v.collector_name.text(),
            v.collector_id.text(),
            verified_by,
            v.authorisation.text(),
        )

    def verify(self, *_args: object, verified_by: Verification = Verification.TYPED) -> bool:
        """Check the person at the counter against the dossier (no database work)."""
        v = self.view
        if self.case is None:
            self._fail("Hãy quét hoặc nhập mã hồ sơ trước.")
            return False
        try:
            who = self.ctx.returns.verify(self.case.dossier, self.collector(verified_by))
        except DomainError as exc:
            self.verified = None
            v.verdict.setStyleSheet("color: #b00020;")
            v.verdict.setText(message_for(exc))
            v.complete_button.setEnabled(False)
            QApplication.beep()
            return False
        self.verified = who
        v.collector_name.setText(who.full_name)
        v.verdict.setStyleSheet("color: #1b5e20;")
        how = "qua mã QR căn cước" if who.verified_by is Verification.ID_CARD_QR else "đã đối chiếu"
        role = "chủ hồ sơ" if who.kind is CollectorKind.APPLICANT else "người được ủy quyền"
        v.verdict.setText(f"Đúng {role} ({how}).")
        v.complete_button.setEnabled(True)
        v.set_message("Ghi phí, lệ phí đã thu (nếu có) rồi bấm “Trả kết quả”.")
        return True

    # -- rating -------------------------------------------------------------------------

    def show_citizen_window(self) -> CitizenRatingWindow | None:
        if self.case is None:
            self._fail("Hãy mở hồ sơ trước khi mời đánh giá.")
            return None
        window = CitizenRatingWindow(self.case.dossier.code)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.submitted.connect(self._on_citizen_rating)
        window.destroyed.connect(self._on_citizen_window_gone)
        self.citizen_window = window
        window.show_facing_citizen()
        return window

    def _on_citizen_window_gone(self) -> None:
        self.citizen_window = None

    def _on_citizen_rating(self, scores: dict[str, int], comment: str) -> None:
        v = self.view
        for key, box in v.scores.items():
            box.setCurrentIndex(max(0, box.findData(scores[key])) if key in scores else 0)
        v.rating_comment.setText(comment)
        self.rating_source = "citizen_screen"
        v.set_message("Công dân đã đánh giá trên màn hình thứ hai.")

    def scores(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for key, box in self.view.scores.items():
            value = box.currentData()
            if isinstance(value, int):
                out[key] = value
        return out

    # -- completing ---------------------------------------------------------------------

    def complete(self) -> None:
        if self.case is None:
            return
        if self.verified is None and not self.verify():
            return
        v = self.view
        fee_text = v.fee.text().replace(".", "").replace(",", "").replace(" ", "") or "0"
        if not fee_text.isdigit():
            self._fail(strings.field_error("fee_collected_vnd", "invalid"))
            return
        originals = tuple(
            v.originals.item(i).text()
            for i in range(v.originals.count())
            if v.originals.item(i).checkState() == Qt.CheckState.Checked
        )
        entry = ReturnInput(
            collector=self.collector(
                self.verified.verified_by if self.verified else Verification.TYPED
            ),
            fee_collected_vnd=int(fee_text),
            fee_receipt_no=v.receipt_no.text(),
            originals_returned=originals,
            results=tuple(x for x in v.results.text().split(";")),
            note=v.note.text(),
            rating=self.scores() or None,
            rating_comment=v.rating_comment.text(),
            rating_source=self.rating_source,
        )
        dossier_id = self.case.dossier.id
        service, user = self.ctx.returns, self.user
        do_print = v.print_confirmation.isChecked()
        v.complete_button.setEnabled(False)

        def job() -> Any:
            return service.complete(dossier_id, entry, user)

        def on_done(outcome: Any) -> None:
            self._on_completed(outcome, do_print)

        def on_error(exc: BaseException) -> None:
            if not isinstance(exc, DomainError):
                errors.show(exc)
            v.complete_button.setEnabled(self.verified is not None)
            self._fail(message_for(exc))

        # The outcome says what it changed (ReturnOutcome.changes): broadcast to every page.
        CollectionOp[Any](self.runner, job).success(on_done).failure(on_error).run_in_background()

    def _on_completed(self, outcome: Any, do_print: bool) -> None:
        d = outcome.dossier
        notes = [WARNINGS[w] for w in outcome.warnings if w in WARNINGS]
        text = f"Đã trả kết quả hồ sơ {d.code} cho {outcome.record.collector_name}."
        self.view.set_message(" ".join([text, *notes]))
        self.case = None
        self.verified = None
        self.view.complete_button.setEnabled(False)
        self.view.code.clear()
        if do_print:
            self.print_flow.print_dossier("return", d)
        self.returned.emit(d.code)

    def _fail(self, text: str, *, clear: bool = False) -> None:
        if clear:
            self.case = None
            self.verified = None
            self.view.summary.setText("Chưa có hồ sơ.")
            self.view.complete_button.setEnabled(False)
        self.view.set_message(text, error=True)
        QApplication.beep()

    def on_data_changed(self, change: object) -> None:
        """Nothing cached here goes stale: the case is re-read when the next code is opened."""
