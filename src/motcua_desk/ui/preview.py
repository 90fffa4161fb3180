"""Print preview: the archived PDF shown with QPdfView, from bytes (no temp file)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from . import strings
from .fit import fit_to_screen


class PreviewDialog(QDialog):
    """Shows a RenderedDocument; ``print_requested`` when the clerk presses "In"."""

    print_requested = Signal(object)

    def __init__(self, doc: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setObjectName("preview_dialog")
        self.setWindowTitle(
            f"Xem trước — {strings.DOC_TYPES.get(doc.doc_type, doc.doc_type)} — {doc.dossier_code}"
        )
        self._bytes = QByteArray(doc.pdf)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("In (Ctrl+P)", QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button.setShortcut(QKeySequence("Ctrl+P"))
        self.close_button = buttons.addButton("Đóng (Esc)", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setDefault(True)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        # Never taller than the screen: at 1366×768 the buttons were below its edge (issue 12).
        fit_to_screen(self, 640, 820)
        self.close_button.setFocus()

    @property
    def page_count(self) -> int:
        return int(self.document.pageCount())

    def _on_buttons_accepted(self) -> None:
        self.print_requested.emit(self.doc)
        self.accept()
