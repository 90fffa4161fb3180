"""Sending PDFs to a printer (issue 4 "Printing").

Two backends behind one protocol:

* :class:`LpBackend` (Linux/macOS CUPS): ``lp -d <printer> -o media=A5`` with the PDF on stdin.
  The page stays vector. Safe on a worker thread (it is a subprocess).
* :class:`QtPrinterBackend` (Windows spooler, or no ``lp``): renders each page with QPdfDocument
  at ``dpi`` (>= 300) onto a lazily created ``QPrinter``. GUI thread only.

Both return a :class:`PrintResult`; they raise :class:`PrintFailedError` (code
``print_failed``) when the job cannot be handed to the spooler.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSize
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument

from motcua_desk.domain.errors import DomainError

PAPERS: dict[str, QPageSize.PageSizeId] = {
    "A5": QPageSize.PageSizeId.A5,
    "A4": QPageSize.PageSizeId.A4,
}
_LP_MEDIA = {"A5": "A5", "A4": "A4", "80mm": "Custom.80x297mm"}
_REQUEST_ID = re.compile(r"request id is (\S+)")


class PrintFailedError(DomainError):
    """The printer or spooler refused the job.

    ``data['reason']`` is worded for the clerk (``strings.PRINT_REASONS``); ``data['detail']``
    is the spooler's own (English) text, for the log only.
    """

    code = "print_failed"

    def __init__(self, reason: str = "spooler_refused", **data: Any) -> None:
        super().__init__(reason=reason, **data)


def lp_failure_reason(output: str) -> str:
    """Classify ``lp``'s complaint (CUPS messages are stable English) into a reason code."""
    text = output.lower()
    if "does not exist" in text or "unknown destination" in text or "not found" in text:
        return "printer_not_found"
    if "not accepting" in text or "disabled" in text or "paused" in text:
        return "printer_stopped"
    if "scheduler is not running" in text or "connection refused" in text:
        return "spooler_down"
    return "spooler_refused"


@dataclass(frozen=True, slots=True)
class PrintResult:
    printer: str
    job_id: str
    backend: str


class PrinterBackend(Protocol):
    """Something that can print PDF bytes on a named printer."""

    #: Whether :meth:`print_pdf` may run on a worker thread.
    thread_safe: bool

    def print_pdf(self, pdf: bytes, *, printer: str, paper: str, title: str) -> PrintResult: ...

    def printers(self) -> list[str]: ...

    def default_printer(self) -> str: ...


def job_id_from_lp_output(output: str) -> str:
    """The CUPS job id from ``lp`` output ("request id is motcua-pdf-12 (1 file(s))")."""
    match = _REQUEST_ID.search(output)
    if match is None:
        raise PrintFailedError(
            "spooler_refused", detail=f"unexpected lp output: {output.strip()[:200]}"
        )
    return match.group(1)


class LpBackend:
    """CUPS through the ``lp`` command; keeps vector output and the A5 media size."""

    thread_safe = True

    def __init__(self, lp: str = "lp", lpstat: str = "lpstat", timeout_s: float = 60.0) -> None:
        self._lp = lp
        self._lpstat = lpstat
        self._timeout = timeout_s

    def print_pdf(self, pdf: bytes, *, printer: str, paper: str, title: str) -> PrintResult:
        if not printer:
            raise PrintFailedError("no_printer", detail="no printer configured")
        media = _LP_MEDIA.get(paper, "A4")
        cmd = [self._lp, "-d", printer, "-o", f"media={media}", "-t", title[:80] or "motcua"]
        try:
            proc = subprocess.run(
                cmd, input=pdf, capture_output=True, timeout=self._timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PrintFailedError("spooler_down", detail=f"lp failed: {exc}") from exc
        out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
        if proc.returncode != 0:
            raise PrintFailedError(
                lp_failure_reason(out), detail=f"lp exit {proc.returncode}: {out.strip()[:200]}"
            )
        return PrintResult(printer=printer, job_id=job_id_from_lp_output(out), backend="lp")

    def printers(self) -> list[str]:
        try:
            proc = subprocess.run(
                [self._lpstat, "-e"], capture_output=True, timeout=10, check=False, text=True
            )
        except (OSError, subprocess.TimeoutExpired):
            return []
        return [line.strip() for line in proc.stdout.splitlines() if line.strip()]

    def default_printer(self) -> str:
        try:
            proc = subprocess.run(
                [self._lpstat, "-d"], capture_output=True, timeout=10, check=False, text=True
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        _, _, name = proc.stdout.partition(":")
        return name.strip() if "no system default" not in proc.stdout else ""


def render_pdf_pages(pdf: bytes, dpi: int) -> list[QImage]:
    """Rasterise every page of ``pdf`` on white (QPdfDocument renders transparent)."""
    document = QPdfDocument()
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise PrintFailedError("bad_document", detail=f"cannot read PDF: {document.error().name}")
    pages: list[QImage] = []
    for index in range(document.pageCount()):
        size = document.pagePointSize(index)
        image = document.render(
            index, QSize(round(size.width() * dpi / 72), round(size.height() * dpi / 72))
        )
        flat = QImage(image.size(), QImage.Format.Format_RGB32)
        flat.fill(QColor("white"))
        painter = QPainter(flat)
        painter.drawImage(0, 0, image)
        painter.end()
        pages.append(flat)
    document.close()
    buffer.close()
    return pages


class QtPrinterBackend:
    """QPrinter (Windows spooler or any Qt print backend); GUI thread only."""

    thread_safe = False

    def __init__(self, dpi: int = 300) -> None:
        self.dpi = max(300, dpi)

    def print_pdf(self, pdf: bytes, *, printer: str, paper: str, title: str) -> PrintResult:
        from PySide6.QtPrintSupport import QPrinter, QPrinterInfo  # lazy: may list printers

        info = QPrinterInfo.printerInfo(printer) if printer else QPrinterInfo.defaultPrinter()
        if info.isNull():
            raise PrintFailedError(
                "printer_not_found", detail=f"printer not found: {printer or '<default>'}"
            )
        qprinter = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        qprinter.setDocName(title)
        qprinter.setResolution(self.dpi)
        qprinter.setFullPage(True)
        page_size = QPageSize(PAPERS.get(paper, QPageSize.PageSizeId.A4))
        qprinter.setPageLayout(
            QPageLayout(page_size, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
        )
        pages = render_pdf_pages(pdf, self.dpi)
        painter = QPainter()
        if not painter.begin(qprinter):
            raise PrintFailedError(
                "printer_stopped", detail=f"cannot open printer {info.printerName()}"
            )
        try:
            for number, image in enumerate(pages):
                if number and not qprinter.newPage():
                    raise PrintFailedError("printer_stopped", detail="printer refused a new page")
                target = qprinter.pageLayout().fullRectPixels(qprinter.resolution())
                painter.drawImage(target, image)
        finally:
            painter.end()
        return PrintResult(printer=info.printerName(), job_id="", backend="qt")

    def printers(self) -> list[str]:
        from PySide6.QtPrintSupport import QPrinterInfo

        return list(QPrinterInfo.availablePrinterNames())

    def default_printer(self) -> str:
        from PySide6.QtPrintSupport import QPrinterInfo

        return str(QPrinterInfo.defaultPrinterName())


def default_backend() -> PrinterBackend:
    """``lp`` where CUPS is installed (keeps vectors), else QPrinter."""
    if sys.platform != "win32" and shutil.which("lp"):
        return LpBackend()
    return QtPrinterBackend()
