"""Digitising after intake on the lookup page (issue 15): the dossier's checklist papers with
their digitisation state; "Quét…" or "Chọn tệp…" for a received paper not digitised at intake,
or to replace a wrong copy (the reason is asked; the old copy is kept in the row's history),
"Xem" to open a copy, and the replaced copies listed. The same dialog as intake; saving runs on
the db lane as a collection operation (the dossier's completeness, the ledger and the board
hear the change), then OCR on the I/O lane when it is on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.domain.digitisation import Attachment, Completeness, ReplacedCopy, RowState
from motcua_desk.domain.dossier import PaperForm
from motcua_desk.domain.text import normalize
from motcua_desk.services.digitisation import PaperDraft
from motcua_desk.ui import strings
from motcua_desk.ui.changes import DOSSIER, Changed, ChangeSet
from motcua_desk.ui.fit import MessageBanner, make_table
from motcua_desk.ui.labels import format_datetime
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import CollectionOp, QueryOp
from motcua_desk.ui.screens.intake.digitise import DigitiseDialog
from motcua_desk.ui.screens.intake.drops import handle_file_drop
from motcua_desk.ui.screens.intake.finish import finish_paper
from motcua_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

FORMS = {
    PaperForm.ORIGINAL: "Bản chính",
    PaperForm.CERTIFIED_COPY: "Bản sao chứng thực",
    PaperForm.COPY: "Bản sao",
    PaperForm.SHOWN: "Chỉ xuất trình",
}
STATES = {
    RowState.DIGITISED: "Đã số hóa",
    RowState.SHOWN_ONLY: "Chỉ xuất trình, không số hóa",
    RowState.MISSING: "Chưa số hóa",
    RowState.NOT_RECEIVED: "Chưa nhận",
}


@dataclass(frozen=True, slots=True)
class PaperRow:
    position: int
    name: str
    form: PaperForm
    state: RowState
    copy: Attachment | None
    replaced: int  # copies of this row kept in the history


def _state_text(r: PaperRow) -> str:
    text = STATES[r.state]
    if r.state is RowState.DIGITISED and r.copy is not None:
        text += f" ({r.copy.pages} trang)"
    if r.replaced:
        text += f"; đã thay {r.replaced} lần"
    return text


COLUMNS: tuple[Column[PaperRow], ...] = (
    Column("position", "STT", lambda r: str(r.position + 1)),
    Column("name", "Giấy tờ", lambda r: r.name),
    Column("form", "Hình thức", lambda r: FORMS.get(r.form, "")),
    Column("state", "Số hóa", _state_text),
    Column("number", "Số, ký hiệu", lambda r: r.copy.meta.number if r.copy else ""),
    Column("by", "Người số hóa", lambda r: r.copy.digitised_by if r.copy else ""),
    Column("at", "Lúc", lambda r: format_datetime(r.copy.digitised_at) if r.copy else ""),
)


def completeness_line(c: Completeness) -> str:
    if c.to_digitise == 0:
        return "Số hóa: không có giấy tờ phải số hóa."
    if c.complete:
        return f"Số hóa: đầy đủ ({c.digitised}/{c.to_digitise} giấy tờ)."
    return f"Số hóa: {c.digitised}/{c.to_digitise} giấy tờ đã nhận, còn thiếu bản số hóa."


class DossierPapers(QObject):
    """The "Giấy tờ và bản số hóa" tab of the lookup page."""

    #: Emitted after a copy was saved (the page refreshes the dossier's heading).
    changed = Signal()

    def __init__(self, ctx: Any, runner: TaskRunner, user: Any, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.user = user
        self.dossier: Any = None
        self.rows: FrozenTableModel[PaperRow] = FrozenTableModel(COLUMNS, self)
        self.history: list[ReplacedCopy] = []
        self.busy = False
        self.widget = QWidget()
        self.widget.setObjectName("dossier_papers")
        self.table = make_table("dossier_papers_table", sortable=False)
        self.table.setModel(self.rows)
        self.summary = QLabel("")
        self.summary.setObjectName("digitisation_summary")
        self.summary.setWordWrap(True)
        self.message = MessageBanner("dossier_papers_message")
        self.scan_button = QPushButton("Quét…")
        self.file_button = QPushButton("Chọn tệp…")
        self.view_button = QPushButton("Xem bản số hóa")
        self.history_label = QLabel("")
        self.history_label.setObjectName("replaced_copies")
        self.history_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.scan_button, self.file_button, self.view_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.history_label)
        self.scan_button.clicked.connect(lambda: self.digitise(scan=True))
        self.file_button.clicked.connect(lambda: self.digitise(files=True))
        self.view_button.clicked.connect(self.view_current)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        # Files dropped on a paper's row open its dialog with them (as on the intake checklist).
        self.table.setAcceptDrops(True)
        self.table.viewport().setAcceptDrops(True)
        self._viewport = self.table.viewport()
        self._viewport.installEventFilter(self)
        #: Replaceable in tests: the dialog's outcome (None: cancelled) and the reason asked
        #: before a copy is replaced (None: the clerk cancelled).
        self.run_dialog: Callable[[DigitiseDialog], PaperDraft | None] = self._run_dialog
        self.ask_reason: Callable[[str], str | None] = self._ask_reason
        #: Opens a copy (the lookup page's preview window).
        self.open_copy: Callable[[Attachment], Any] = lambda _a: None
        self._update_buttons()

    @property
    def service(self) -> Any:
        return self.ctx.digitisation

    # -- loading ----------------------------------------------------------------------------
    def show(self, dossier: Any) -> None:
        """Load the papers of ``dossier`` (a :class:`Dossier` with an id) in the background."""
        self.dossier = dossier
        service = self.service
        if service is None or dossier is None or dossier.id is None:
            self.rows.set_rows([])
            self.summary.setText("")
            self._update_buttons()
            return
        dossier_id = dossier.id

        def load() -> tuple[Completeness, list[Attachment], list[ReplacedCopy]]:
            return (
                service.completeness(dossier_id),
                service.attachments(dossier_id),
                service.history(dossier_id),
            )

        def done(result: tuple[Completeness, list[Attachment], list[ReplacedCopy]]) -> None:
            if self.dossier is not dossier:
                return
            c, copies, history = result
            by_pos = {a.position: a for a in copies}
            rows = [
                PaperRow(
                    i,
                    item.name,
                    item.form,
                    c.states[i],
                    by_pos.get(i),
                    sum(1 for h in history if h.attachment.position == i),
                )
                for i, item in enumerate(dossier.checklist)
            ]
            self.rows.set_rows(rows)
            self.history = history
            self.summary.setText(completeness_line(c))
            self.history_label.setText(self._history_text(history))
            self._update_buttons()

        QueryOp[Any](self.runner, load).success(done).failure(self._failed).run_in_background()

    def _history_text(self, history: list[ReplacedCopy]) -> str:
        if not history:
            return ""
        names = [i.name for i in self.dossier.checklist]
        lines = []
        for h in history:
            a = h.attachment
            name = names[a.position] if a.position < len(names) else a.meta.paper_type
            what = "thay" if h.replacement_sync_id else "gỡ"
            lines.append(
                f"{name}: bản số hóa lúc {format_datetime(a.digitised_at)} đã được {what} "
                f"lúc {format_datetime(h.replaced_at)} bởi {h.replaced_by}"
                + (f" (lý do: {h.reason})" if h.reason else "")
            )
        return "Bản đã thay (vẫn được lưu): " + "; ".join(lines)

    def _current(self) -> PaperRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.rows.row_value(index.row())

    def _update_buttons(self) -> None:
        row = self._current()
        can = row is not None and not self.busy and self.service is not None
        digitisable = (
            can and row is not None and row.state in (RowState.MISSING, RowState.DIGITISED)
        )
        self.scan_button.setEnabled(digitisable)
        self.file_button.setEnabled(digitisable)
        self.view_button.setEnabled(
            row is not None and row.copy is not None and row.copy.is_digitised
        )
        replacing = row is not None and row.copy is not None and row.copy.is_digitised
        self.scan_button.setText("Quét lại…" if replacing else "Quét…")
        self.file_button.setText("Thay bằng tệp…" if replacing else "Chọn tệp…")

    def select(self, position: int) -> None:
        self.table.setCurrentIndex(self.rows.index(position, 0))
        self._update_buttons()

    # -- actions ----------------------------------------------------------------------------
    def digitise(self, *, scan: bool = False, files: bool = False, paths: Any = None) -> None:
        row = self._current()
        if row is None or self.busy or self.service is None or self.dossier is None:
            return
        if row.state is RowState.NOT_RECEIVED:
            self.message.show_message(
                strings.error_message("digitisation_not_received"), kind="error"
            )
            return
        if row.state is RowState.SHOWN_ONLY:
            return
        reason = ""
        old = row.copy if row.copy is not None and row.copy.is_digitised else None
        if old is not None:
            asked = self.ask_reason(row.name)
            if asked is None:
                return
            reason = asked
        recorded = (
            f"Bản đang có: số hóa bởi {old.digitised_by} lúc {format_datetime(old.digitised_at)}; "
            f"bản mới ghi tên {self.user.username} khi lưu, bản cũ vẫn được giữ lại."
            if old is not None
            else ""
        )
        draft = PaperDraft(meta=old.meta) if old is not None else None
        dialog = DigitiseDialog(
            self.service,
            self.runner,
            self.ctx.settings,
            row.name,
            draft,
            self.widget.window(),
            recorded,
        )
        if scan:
            dialog.scan()
        elif files:
            dialog.choose_files()
        elif paths:
            dialog.add_files(list(paths))
        result = self.run_dialog(dialog)
        if result is not None:
            self.save(row.position, result, reason)

    def _run_dialog(self, dialog: DigitiseDialog) -> PaperDraft | None:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_draft()

    def _ask_reason(self, name: str) -> str | None:
        text, ok = QInputDialog.getText(
            self.widget,
            "Thay bản số hóa",
            f"Giấy tờ “{name}” đã có bản số hóa. Bản cũ vẫn được lưu lại.\nLý do thay:",
        )
        reason = normalize(text)
        return reason if ok and reason else None

    def save(self, position: int, draft: PaperDraft, reason: str) -> None:
        """Store the copy (db lane), then OCR it in the background when OCR is on."""
        dossier, service, clerk = self.dossier, self.service, self.user.username
        self.busy = True
        self._update_buttons()
        self.message.show_message("Đang lưu bản số hóa…")

        def work() -> Changed[Attachment]:
            att = service.save(
                dossier.id, position, draft.pages, draft.meta, clerk, draft.source, reason=reason
            )
            return Changed(att, ChangeSet.of(DOSSIER, codes=(dossier.code,)))

        def done(att: Attachment) -> None:
            self.busy = False
            self.message.show_message("Đã lưu bản số hóa.")
            # OCR, then the copy signed with the conversion mark, as at intake.
            finish_paper(self.ctx, self.runner, self.user, att.sync_id, self._finished)
            self.show(self.dossier)
            self.changed.emit()

        def failed(exc: BaseException) -> None:
            self.busy = False
            self._failed(exc)
            self._update_buttons()

        CollectionOp[Attachment](self.runner, work).success(done).failure(
            failed
        ).run_in_background()

    def view_current(self) -> None:
        row = self._current()
        if row is not None and row.copy is not None and row.copy.is_digitised:
            self.open_copy(row.copy)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._viewport and handle_file_drop(
            event, lambda at: self.table.indexAt(at).isValid(), self._dropped
        ):
            return True
        return super().eventFilter(watched, event)

    def _dropped(self, at: QPoint, paths: list[Path]) -> None:
        self.select(self.table.indexAt(at).row())
        self.digitise(paths=paths)

    def _finished(self, _outcome: Any) -> None:
        """OCR or signing done in the background: show the copy the dossier now holds."""
        if self.dossier is not None:
            self.show(self.dossier)
            self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        self.message.show_message(strings.exception_message(exc), kind="error")
