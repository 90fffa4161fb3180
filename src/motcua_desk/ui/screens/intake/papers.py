"""Digitisation on the intake checklist (issue 15): per row Quét / Chọn tệp / Chỉ xuất trình /
Dùng lại, files dropped on a row, the count of papers digitised, and the drafts saved once the
dossier exists (then OCR in the background).

The buttons act on the selected checklist row. Drafts live here until the dossier is saved;
nothing is written before, so cancelling the intake leaves no trace.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMenu, QPushButton, QWidget

from motcua_desk.domain.digitisation import Attachment, Source
from motcua_desk.domain.dossier import Dossier, PaperForm
from motcua_desk.services.digitisation import PaperDraft
from motcua_desk.ui import strings
from motcua_desk.ui.changes import DOSSIER, Changed, ChangeSet
from motcua_desk.ui.operations import CollectionOp, Lane, QueryOp
from motcua_desk.ui.tasks import TaskRunner

from . import form
from .digitise import DigitiseDialog
from .drops import handle_file_drop
from .finish import finish_paper
from .view import IntakeView

log = logging.getLogger(__name__)


def offer_label(a: Any) -> str:
    meta = a.meta
    parts = [meta.paper_type or "Giấy tờ"]
    if meta.number:
        parts.append(f"số {meta.number}")
    if meta.issued_on:
        parts.append(f"cấp ngày {meta.issued_on:%d/%m/%Y}")
    pages = getattr(a, "pages", 0)
    where = "" if isinstance(a, Attachment) else " (từ máy chủ)"
    return " — ".join(parts) + (f" ({pages} trang)" if pages else "") + where


class PapersPanel(QObject):
    """Owns the drafts of the current intake and the buttons under the checklist."""

    #: (dossier code, attachments saved) after the drafts are stored.
    saved = Signal(str, object)
    #: A saved paper's OCR and signed copy are done (a ``PaperOutcome``).
    paper_finished = Signal(object)

    def __init__(self, ctx: Any, runner: TaskRunner, view: IntakeView, user: Any) -> None:
        super().__init__(view)
        self.ctx = ctx
        self.runner = runner
        self.view = view
        self.user = user
        self.drafts: dict[int, PaperDraft] = {}
        self.offers: list[Any] = []
        self.remote: dict[str, Any] = {}  # sync id -> RemoteOffer chosen for reuse
        bar = QWidget()
        bar.setObjectName("papers_bar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        self.scan_button = QPushButton("Quét")
        self.file_button = QPushButton("Chọn tệp…")
        self.shown_button = QPushButton("Chỉ xuất trình")
        self.reuse_button = QPushButton("Dùng lại")
        self.clear_button = QPushButton("Bỏ bản số hóa")
        self.count = QLabel("")
        self.count.setObjectName("digitised_count")
        for b in (
            self.scan_button,
            self.file_button,
            self.shown_button,
            self.reuse_button,
            self.clear_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.count)
        view.papers_bar_holder.addWidget(bar)
        self.scan_button.clicked.connect(lambda: self.open_dialog(scan=True))
        self.file_button.clicked.connect(lambda: self.open_dialog(files=True))
        self.shown_button.clicked.connect(self.toggle_shown_only)
        self.reuse_button.clicked.connect(self.show_reuse_menu)
        self.clear_button.clicked.connect(self.clear_current)
        view.checklist.setAcceptDrops(True)
        view.checklist.viewport().setAcceptDrops(True)
        self._viewport = view.checklist.viewport()
        self._viewport.installEventFilter(self)
        view.checklist.currentRowChanged.connect(lambda _r: self._update_buttons())
        view.checklist.itemChanged.connect(lambda _i: self._update_count())
        view.id_number.editingFinished.connect(self.lookup_offers)
        #: Replaceable in tests: run the dialog, return the draft or None.
        self.run_dialog = self._run_dialog
        self.refresh()

    @property
    def service(self) -> Any:
        return self.ctx.digitisation

    # -- rows -------------------------------------------------------------------------------
    def reset(self) -> None:
        self.drafts.clear()
        self.remote.clear()
        self.refresh()

    def _row(self) -> int:
        return self.view.checklist.currentRow()

    def refresh(self) -> None:
        checklist = self.view.checklist
        blocker = checklist.blockSignals(True)
        try:
            for i in range(checklist.count()):
                entry = checklist.item(i)
                item = entry.data(form.ITEM_ROLE)
                entry.setText(form.checklist_label(item) + self._suffix(i, item))
                draft = self.drafts.get(i)
                if draft is None or not draft.pages:
                    entry.setIcon(QIcon())
        finally:
            checklist.blockSignals(blocker)
        self._update_count()
        self._update_buttons()

    def _suffix(self, i: int, item: Any) -> str:
        draft = self.drafts.get(i)
        if draft is None:
            return "  · chỉ xuất trình, không số hóa" if item.form is PaperForm.SHOWN else ""
        if draft.reuse_sync_id:
            return "  · dùng lại bản đã số hóa"
        if draft.source is Source.SHOWN_ONLY:
            return "  · chỉ xuất trình, không số hóa"
        return f"  · đã số hóa ({len(draft.pages)} trang)"

    def _update_count(self) -> None:
        items = form.read_checklist(self.view)
        todo = done = 0
        for i, item in enumerate(items):
            draft = self.drafts.get(i)
            shown = item.form is PaperForm.SHOWN or (
                draft is not None and draft.source is Source.SHOWN_ONLY
            )
            if not item.received or shown:
                continue
            todo += 1
            done += 1 if draft is not None else 0
        self.count.setText(f"Đã số hóa {done}/{todo} giấy tờ đã nhận" if todo else "")

    def _update_buttons(self) -> None:
        has_row = 0 <= self._row() < self.view.checklist.count()
        enabled = has_row and self.service is not None
        for b in (self.scan_button, self.file_button, self.shown_button):
            b.setEnabled(enabled)
        self.reuse_button.setEnabled(enabled and bool(self.offers))
        self.clear_button.setEnabled(has_row and self._row() in self.drafts)

    def _tick(self, i: int) -> None:
        entry = self.view.checklist.item(i)
        if entry is not None:
            entry.setCheckState(Qt.CheckState.Checked)  # a paper digitised was received

    # -- actions ----------------------------------------------------------------------------
    def open_dialog(self, *, scan: bool = False, files: bool = False, paths: Any = None) -> None:
        i = self._row()
        if not 0 <= i < self.view.checklist.count() or self.service is None:
            return
        item = self.view.checklist.item(i).data(form.ITEM_ROLE)
        current = self.drafts.get(i)
        if current is not None and not current.pages:
            current = None
        draft = self.run_dialog(item.name, current, scan, files, paths)
        if draft is not None:
            self.drafts[i] = draft
            self._tick(i)
            self.refresh()
            self._thumbnail(i, draft)

    def _thumbnail(self, i: int, draft: PaperDraft) -> None:
        """The first page as the row's icon: what is attached, at a glance."""
        service, page = self.service, draft.pages[0]

        def done(png: bytes) -> None:
            entry = self.view.checklist.item(i)
            pixmap = QPixmap()
            if entry is not None and self.drafts.get(i) is draft and pixmap.loadFromData(png):
                entry.setIcon(QIcon(pixmap))

        QueryOp[bytes](self.runner, lambda: service.page_thumbnail(page, 48), lane=Lane.IO).success(
            done
        ).failure(self._ocr_failed).run_in_background()

    def _run_dialog(
        self, name: str, draft: PaperDraft | None, scan: bool, files: bool, paths: Any
    ) -> PaperDraft | None:
        dialog = DigitiseDialog(
            self.service, self.runner, self.ctx.settings, name, draft, self.view.window()
        )
        if scan:
            dialog.scan()
        elif files:
            dialog.choose_files()
        elif paths:
            dialog.add_files(list(paths))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_draft()

    def toggle_shown_only(self) -> None:
        i = self._row()
        if not 0 <= i < self.view.checklist.count():
            return
        current = self.drafts.get(i)
        if current is not None and current.source is Source.SHOWN_ONLY:
            del self.drafts[i]
        else:
            self.drafts[i] = PaperDraft(source=Source.SHOWN_ONLY)
            self._tick(i)
        self.refresh()

    def clear_current(self) -> None:
        self.drafts.pop(self._row(), None)
        self.refresh()

    # -- reuse ------------------------------------------------------------------------------
    def lookup_offers(self) -> None:
        id_number = self.view.id_number.text().replace(" ", "").strip()
        self.offers = []
        self._update_buttons()
        if self.service is None or len(id_number) not in (9, 12):
            return

        def local_done(found: list[Attachment]) -> None:
            self.offers = list(found) + [o for o in self.offers if not isinstance(o, Attachment)]
            self._update_buttons()

        service = self.service
        QueryOp[list[Attachment]](self.runner, lambda: service.offers(id_number)).success(
            local_done
        ).failure(self._lookup_failed).run_in_background()
        sync = self.ctx.attachment_sync
        if sync is not None:

            def remote_done(found: list[Any]) -> None:
                known = {o.file_sha256 for o in self.offers if isinstance(o, Attachment)}
                self.offers += [o for o in found if o.sha256 not in known]
                self._update_buttons()

            QueryOp[list[Any]](
                self.runner, lambda: sync.remote_offers(id_number), lane=Lane.IO
            ).success(remote_done).failure(self._lookup_failed).run_in_background()

    def _lookup_failed(self, exc: BaseException) -> None:
        log.info("reuse lookup failed: %s", getattr(exc, "code", type(exc).__name__))

    def show_reuse_menu(self) -> None:
        menu = QMenu(self.view)
        for offer in self.offers:
            action = menu.addAction(offer_label(offer))
            action.triggered.connect(lambda _c=False, o=offer: self.choose_offer(o))
        menu.exec(self.reuse_button.mapToGlobal(self.reuse_button.rect().bottomLeft()))

    def choose_offer(self, offer: Any) -> None:
        i = self._row()
        if not 0 <= i < self.view.checklist.count():
            return
        self.drafts[i] = PaperDraft(
            meta=offer.meta, source=Source.REUSED, reuse_sync_id=offer.sync_id
        )
        if not isinstance(offer, Attachment):
            self.remote[offer.sync_id] = offer
        self._tick(i)
        self.refresh()

    # -- drops ------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._viewport and handle_file_drop(
            event, lambda at: self.view.checklist.itemAt(at) is not None, self._dropped
        ):
            return True
        return super().eventFilter(watched, event)

    def _dropped(self, at: QPoint, paths: list[Path]) -> None:
        item = self.view.checklist.itemAt(at)
        if item is not None:  # target_at checked it
            self.view.checklist.setCurrentItem(item)
        self.open_dialog(paths=paths)

    def finish_paper(self, sync_id: str) -> None:
        """After a paper is saved: OCR, then the copy signed with the conversion mark."""
        finish_paper(self.ctx, self.runner, self.user, sync_id, self.paper_finished.emit)

    @staticmethod
    def _ocr_failed(exc: BaseException) -> None:
        log.info("background image work not done: %s", getattr(exc, "code", type(exc).__name__))

    # -- after the dossier is saved ---------------------------------------------------------
    def save_for(self, dossier: Dossier) -> None:
        """Store the drafts of the dossier just saved (db lane), then OCR (I/O lane)."""
        if not self.drafts or self.service is None or dossier.id is None:
            self.reset()
            return
        drafts, remote = dict(self.drafts), dict(self.remote)
        dossier_id, clerk = dossier.id, self.user.username
        service, sync = self.service, self.ctx.attachment_sync
        self.reset()

        def work() -> list[Attachment]:
            saved: list[Attachment] = []
            local = {}
            for pos, d in drafts.items():
                if d.reuse_sync_id in remote and sync is not None:
                    saved.append(sync.reuse_remote(dossier_id, pos, remote[d.reuse_sync_id], clerk))
                else:
                    local[pos] = d
            rest: list[Attachment] = service.save_drafts(dossier_id, local, clerk)
            return saved + rest

        def done(saved: list[Attachment]) -> None:
            self.saved.emit(dossier.code, saved)
            for a in saved:
                if a.is_digitised and a.source is not Source.REUSED:
                    self.finish_paper(a.sync_id)

        def failed(exc: BaseException) -> None:
            self.view.set_message(
                f"Hồ sơ {dossier.code} đã lưu, nhưng có giấy tờ chưa lưu được bản số hóa: "
                f"{strings.exception_message(exc)}",
                error=True,
            )

        # Fetching a paper from the server is network work: the I/O lane; else the db lane.
        CollectionOp[list[Attachment]](
            self.runner,
            lambda: Changed(work(), ChangeSet.of(DOSSIER, codes=(dossier.code,))),
            lane=Lane.IO if remote else Lane.DB,
        ).success(done).failure(failed).run_in_background()
