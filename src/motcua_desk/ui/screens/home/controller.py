"""Home page behaviour: list unprinted receipts, show a scanned dossier, preview, reprint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QWidget

from motcua_desk.domain.dossier import Dossier
from motcua_desk.ui import strings
from motcua_desk.ui.changes import ChangeSet
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import QueryOp
from motcua_desk.ui.ports import ContextPort
from motcua_desk.ui.print_flow import PrintFlow
from motcua_desk.ui.screens.intake import dialogs
from motcua_desk.ui.tasks import TaskRunner

from .view import HomeView, proxy_for

DOSSIER_COLUMNS: tuple[Column[Dossier], ...] = (
    Column("code", "Mã hồ sơ", lambda d: d.code),
    Column("applicant", "Người đứng tên", lambda d: d.applicant.full_name),
    Column("procedure", "Thủ tục", lambda d: d.procedure_name),
    Column(
        "received",
        "Nhận lúc",
        lambda d: strings.format_datetime(d.received_at),
        lambda d: d.received_at,
    ),
)


class HomeController(QObject):
    def __init__(
        self,
        ctx: ContextPort,
        runner: TaskRunner,
        print_flow: PrintFlow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.print_flow = print_flow
        self.view = HomeView(parent)
        self.model: FrozenTableModel[Dossier] = FrozenTableModel(DOSSIER_COLUMNS)
        self.proxy = proxy_for(self.model, self.view)
        self.view.unprinted.setModel(self.proxy)
        self.opened: Dossier | None = None
        self.ask_reason: Callable[[], str | None] = lambda: dialogs.ask_reason(
            self.view, "In lại", "Lý do in lại (bắt buộc):"
        )
        self.view.reprint_button.clicked.connect(self._on_reprint_clicked)
        self.view.preview_button.clicked.connect(self._on_preview_clicked)
        self.view.d_reprint_button.clicked.connect(self._on_opened_reprint_clicked)
        self.view.d_preview_button.clicked.connect(self._on_opened_preview_clicked)
        self.view.unprinted.doubleClicked.connect(self._on_preview_clicked)

    def refresh(self) -> None:
        reception = self.ctx.reception
        QueryOp[Any](self.runner, reception.unprinted_receipts).success(
            self._on_unprinted
        ).run_in_background()

    def _on_unprinted(self, rows: list[Dossier]) -> None:
        self.model.set_rows(rows)
        count = len(rows)
        self.view.unprinted_label.setText(
            f"Có {count} giấy tiếp nhận chưa in được; hãy in lại."
            if count
            else "Tất cả giấy tiếp nhận đã được in."
        )

    def on_data_changed(self, change: ChangeSet) -> None:
        if change.kinds & {"dossier", "print"}:
            self.refresh()
            if self.opened is not None and self.opened.code in change.dossier_codes:
                self.open_code(self.opened.code)

    def selected(self) -> Dossier | None:
        index = self.view.unprinted.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_value(self.proxy.mapToSource(index).row())

    def open_code(self, code: str, on_missing: Callable[[str], None] | None = None) -> None:
        reception = self.ctx.reception
        documents = self.ctx.documents

        def load() -> tuple[Dossier | None, list[Any]]:
            dossier = reception.get_by_code(code)
            history = documents.print_history(dossier.id) if dossier and dossier.id else []
            return dossier, history

        def done(result: tuple[Dossier | None, list[Any]]) -> None:
            dossier, history = result
            if dossier is None:
                if on_missing is not None:
                    on_missing(code)
                return
            self.show_dossier(dossier, history)

        QueryOp[Any](self.runner, load).success(done).run_in_background()

    def show_dossier(self, dossier: Dossier, history: list[Any]) -> None:
        v = self.view
        self.opened = dossier
        v.d_code.setText(dossier.code)
        v.d_applicant.setText(dossier.applicant.full_name)
        v.d_procedure.setText(dossier.procedure_name)
        v.d_status.setText(strings.STATUS_LABELS.get(int(dossier.status), str(dossier.status)))
        v.d_received.setText(strings.format_datetime(dossier.received_at))
        v.d_due.setText(strings.format_datetime(dossier.due_at))
        lines = [
            f"{strings.format_datetime(getattr(j, 'at', None))} — {getattr(j, 'printer', '')} — "
            f"{getattr(j, 'outcome', '')}"
            for j in history
        ]
        v.d_prints.setText("\n".join(lines) if lines else "Chưa in lần nào.")
        v.dossier_box.show()

    def reprint(self, dossier: Dossier) -> bool:
        reason = self.ask_reason()
        if not reason:
            return False
        self.print_flow.print_dossier("receipt", dossier, reprint_reason=reason)
        return True

    @Slot()
    def _on_reprint_clicked(self) -> None:
        dossier = self.selected()
        if dossier is not None:
            self.reprint(dossier)

    @Slot()
    def _on_preview_clicked(self) -> None:
        dossier = self.selected()
        if dossier is not None:
            self.print_flow.render("receipt", dossier)

    @Slot()
    def _on_opened_reprint_clicked(self) -> None:
        if self.opened is not None:
            self.reprint(self.opened)

    @Slot()
    def _on_opened_preview_clicked(self) -> None:
        if self.opened is not None:
            self.print_flow.render("receipt", self.opened)
