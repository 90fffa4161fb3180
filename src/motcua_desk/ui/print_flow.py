"""Render, print and record a document without blocking the GUI thread.

render (db lane: archives the PDF) -> print (io lane, or GUI thread for QPrinter) ->
record_print (db lane, outcome "sent" or "failed"). A failed print never undoes the save: the
dossier stays "not yet printed" and shows on the home page.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from motcua_desk.domain.dossier import Dossier
from motcua_desk.ui import errors, strings
from motcua_desk.ui.changes import PRINT, Changed, ChangeSet
from motcua_desk.ui.operations import CollectionOp, Lane, QueryOp
from motcua_desk.ui.ports import PrintContext
from motcua_desk.ui.printer import PrinterBackend, PrintFailedError, PrintResult
from motcua_desk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class PrintFlow(QObject):
    #: (RenderedDocument, printer name) after the spooler accepted the job.
    printed = Signal(object, str)
    #: (dossier code, Vietnamese message) when printing failed; the dossier is saved.
    print_failed = Signal(str, str)
    #: A RenderedDocument ready for preview.
    rendered = Signal(object)

    def __init__(
        self,
        ctx: PrintContext,
        runner: TaskRunner,
        backend: PrinterBackend,
        user: Any,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.backend = backend
        self.user = user

    def render(self, doc_type: str, dossier: Dossier) -> None:
        """Render for preview only (nothing is printed or recorded)."""
        documents = self.ctx.documents
        QueryOp[Any](self.runner, lambda: documents.render(doc_type, dossier)).success(
            self.rendered.emit
        ).run_in_background()

    def print_dossier(
        self, doc_type: str, dossier: Dossier, *, reprint_reason: str | None = None
    ) -> None:
        documents = self.ctx.documents

        def on_rendered(doc: Any) -> None:
            self.print_document(doc, reprint_reason=reprint_reason)

        def on_render_error(exc: BaseException) -> None:
            errors.show(exc)
            self.print_failed.emit(dossier.code, strings.exception_message(exc))

        QueryOp[Any](self.runner, lambda: documents.render(doc_type, dossier)).success(
            on_rendered
        ).failure(on_render_error).run_in_background()

    def print_document(self, doc: Any, *, reprint_reason: str | None = None) -> None:
        printer = doc.printer or self.backend.default_printer()
        title = f"{doc.doc_type}-{doc.dossier_code}"

        def job() -> PrintResult:
            return self.backend.print_pdf(doc.pdf, printer=printer, paper=doc.paper, title=title)

        def on_printed(result: PrintResult) -> None:
            self._record(doc, result.printer, "sent", reprint_reason)
            self.printed.emit(doc, result.printer)

        def on_failed(exc: BaseException) -> None:
            log.warning("print of %s failed: %s", doc.doc_type, getattr(exc, "data", exc))
            self._record(doc, printer, "failed", reprint_reason)
            message = strings.exception_message(exc)
            if not isinstance(exc, PrintFailedError):
                errors.show(exc)
            self.print_failed.emit(doc.dossier_code, message)

        if self.backend.thread_safe:
            QueryOp[Any](self.runner, job, lane=Lane.IO).success(on_printed).failure(
                on_failed
            ).run_in_background()
            return
        try:  # QPrinter lives on the GUI thread
            result = job()
        except Exception as exc:
            errors.log_failure(exc)  # as the runner does for work on a lane
            on_failed(exc)
        else:
            on_printed(result)

    def _record(self, doc: Any, printer: str, outcome: str, reason: str | None) -> None:
        documents = self.ctx.documents
        user = self.user
        CollectionOp[Any](
            self.runner,
            lambda: documents.record_print(
                doc, printer=printer, outcome=outcome, clerk=user, reprint_reason=reason
            ),
        ).run_in_background()
        self._sign_copy(doc)

    def _sign_copy(self, doc: Any) -> None:
        """After the print (which never waits for the token): the form's electronic copy gets
        the clerk's digital signature now if the token is open, else waits in "chờ ký"."""
        signing = self.ctx.signing
        if signing is None or not signing.wants(doc.doc_type):
            return
        user = self.user
        # Token trouble is no failure here (the copy waits); anything raised is a bug.
        CollectionOp[Any](
            self.runner,
            lambda: Changed(
                signing.submit_rendered(doc, user), ChangeSet.of(PRINT, codes=(doc.dossier_code,))
            ),
            lane=Lane.IO,
        ).run_in_background()
