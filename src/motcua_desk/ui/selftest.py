"""UI part of ``--self-test`` (frozen-build smoke test): open the window offscreen, check that
fonts, the picker and QtPdf work, then close everything. Raises on any problem."""

from __future__ import annotations

import logging
from typing import Any

from .app import create_main_window, ensure_app
from .fonts import apply_app_font
from .ports import ContextPort
from .printer import PrinterBackend, render_pdf_pages

log = logging.getLogger(__name__)


class SelfTestError(RuntimeError):
    """The UI cannot work in this build (missing fonts, QtPdf, or a broken screen)."""


class _NoPrinter:
    """The self-test never prints."""

    thread_safe = True

    def print_pdf(self, pdf: bytes, *, printer: str, paper: str, title: str) -> Any:
        raise SelfTestError("the self-test does not print")

    def printers(self) -> list[str]:
        return []

    def default_printer(self) -> str:
        return ""


def smoke_test_window(ctx: ContextPort, user: Any) -> None:
    app = ensure_app(["motcua_desk", "--self-test"])
    family = apply_app_font(app)
    if family is None:
        raise SelfTestError("no font with Vietnamese coverage could be registered")
    backend: PrinterBackend = _NoPrinter()
    window = create_main_window(ctx, user, backend=backend)
    try:
        window.show()
        app.processEvents()
        if not window.isVisible():
            raise SelfTestError("main window did not show")
        if not window.intake.search(""):
            raise SelfTestError("procedure picker is empty")
        for dossier in ctx.reception.unprinted_receipts()[:1]:
            doc = ctx.documents.render("receipt", dossier)
            pages = render_pdf_pages(doc.pdf, 100)  # proves QtPdf loads in this build
            if not pages or pages[0].isNull():
                raise SelfTestError("QtPdf could not render the receipt")
        log.info("UI self-test passed (font %s)", family)
    finally:
        window.shutdown()
        window.hide()
        window.deleteLater()
        app.processEvents()
