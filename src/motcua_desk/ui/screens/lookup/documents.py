"""The dossier's documents on the lookup page: its digitised papers and its archived slips.

A mixin of :class:`~motcua_desk.ui.screens.lookup.controller.LookupController`, kept apart so
the controller holds the lookup and the transitions only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QInputDialog

from motcua_desk.domain.text import normalize
from motcua_desk.services.lookup import DossierFile
from motcua_desk.ui.models.table import FrozenTableModel
from motcua_desk.ui.operations import Lane, QueryOp
from motcua_desk.ui.ports import LookupContext
from motcua_desk.ui.preview import PreviewDialog
from motcua_desk.ui.print_flow import PrintFlow
from motcua_desk.ui.tasks import TaskRunner

from .panel import header_html
from .papers import DossierPapers, completeness_line
from .view import LookupView


class LookupDocuments:
    """Digitised papers (issue 15) and archived slips of the dossier shown."""

    ctx: LookupContext
    view: LookupView
    runner: TaskRunner
    print_flow: PrintFlow
    file: DossierFile | None
    papers: list[Any]
    dossier_papers: DossierPapers
    previews: list[PreviewDialog]
    prints: FrozenTableModel[Any]
    ask_reprint_reason: Callable[[], str | None]

    def _name(self, username: str) -> str:
        raise NotImplementedError  # the controller's: the clerk's full name

    def _on_papers_changed(self) -> None:
        """A copy saved after intake: the heading's completeness and the papers menu follow."""
        if self.file is not None:
            self._show_digitisation(self.file)

    def _show_digitisation(self, file: DossierFile) -> None:
        """Add how far the dossier's papers are digitised to the heading (issue 15)."""
        service = self.ctx.digitisation
        dossier_id = file.dossier.id
        if service is None or dossier_id is None:
            return

        def done(c: Any) -> None:
            if self.file is file:
                line = completeness_line(c)
                self.view.header.setText(f"{header_html(file, self._name)}<br>{line}")

        def listed(found: list[Any]) -> None:
            if self.file is file:
                self.papers = [a for a in found if a.is_digitised]
                self.view.papers_button.setEnabled(bool(self.papers))

        self.view.papers_button.setEnabled(False)
        self.dossier_papers.show(file.dossier)
        QueryOp[Any](self.runner, lambda: service.completeness(dossier_id)).success(
            done
        ).run_in_background()
        QueryOp[list[Any]](self.runner, lambda: service.attachments(dossier_id)).success(
            listed
        ).run_in_background()

    def show_papers_menu(self) -> None:
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self.view)
        items = self.file.dossier.checklist if self.file is not None else ()
        for a in self.papers:
            name = items[a.position].name if a.position < len(items) else a.meta.paper_type
            action = menu.addAction(f"{name} ({a.pages} trang)")
            action.triggered.connect(lambda _c=False, att=a: self.show_paper(att))
        menu.exec(self.view.papers_button.mapToGlobal(self.view.papers_button.rect().bottomLeft()))

    def show_paper(self, attachment: Any) -> PreviewDialog | None:
        """The digitised paper in the preview window (its searchable copy when OCR is done)."""
        from types import SimpleNamespace

        service = self.ctx.digitisation
        if service is None or self.file is None or attachment.best_sha256 is None:
            return None
        pdf = service.store.read(attachment.best_sha256)
        doc = SimpleNamespace(doc_type="digitised", dossier_code=self.file.dossier.code, pdf=pdf)
        dialog = PreviewDialog(doc, self.view)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.print_button.hide()  # a citizen's paper is not a slip to reprint
        self.previews.append(dialog)
        dialog.destroyed.connect(lambda: self.previews.remove(dialog))
        dialog.open()
        return dialog

    @Slot()
    def preview_selected(self, *_: Any) -> None:
        """Show the archived PDF of the chosen print (the record, not a new rendering)."""
        index = self.view.prints.currentIndex()
        if self.file is None or not index.isValid():
            self.view.set_message("Hãy chọn một phiếu trong danh sách đã in.", error=True)
            return
        job = self.prints.row_value(index.row())
        d = self.file.dossier
        paper = self.ctx.settings.paper_sizes.get(job.doc_type, "A4")

        def read() -> Any:
            from motcua_desk.services.documents import RenderedDocument

            path = Path(job.pdf_path)
            return RenderedDocument(
                doc_type=job.doc_type,
                dossier_id=job.dossier_id,
                dossier_code=d.code,
                pdf=path.read_bytes(),
                sha256=job.pdf_sha256,
                path=path,
                paper=paper,
                printer=job.printer,
            )

        def failed(exc: BaseException) -> None:
            self.view.set_message(f"Không mở được tệp phiếu đã lưu ({exc}).", error=True)

        def show(doc: Any) -> None:
            self.show_preview(doc)

        QueryOp[Any](self.runner, read, lane=Lane.IO).success(show).failure(
            failed
        ).run_in_background()

    def show_preview(self, doc: Any) -> PreviewDialog:
        dialog = PreviewDialog(doc, self.view)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.print_requested.connect(self._on_preview_print_requested)
        self.previews.append(dialog)
        dialog.destroyed.connect(lambda: self.previews.remove(dialog))
        dialog.open()
        return dialog

    @Slot(object)
    def _on_preview_print_requested(self, doc: Any) -> None:
        """Printing an archived slip again is a reprint: ask why."""
        reason = self.ask_reprint_reason()
        if reason:
            self.print_flow.print_document(doc, reprint_reason=reason)

    def _ask_reprint_reason(self) -> str | None:
        text, ok = QInputDialog.getText(self.view, "In lại phiếu", "Lý do in lại:")
        reason = normalize(text)
        return reason if ok and reason else None
