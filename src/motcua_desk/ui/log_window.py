"""In-app log window (after Dangerzone): a logging handler emits a signal.

Records from any thread reach the window through a queued signal. Only INFO and above are
shown, and logs carry no ID numbers, names or phones above DEBUG.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QDialog, QPlainTextEdit, QVBoxLayout, QWidget

from .fit import fit_to_screen

MAX_LINES = 2000


class _Emitter(QObject):
    line = Signal(str)


class SignalLogHandler(logging.Handler):
    """Formats records and emits them as ``emitter.line`` (thread-safe through Qt)."""

    def __init__(self, level: int = logging.INFO) -> None:
        super().__init__(level)
        self.emitter = _Emitter()
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.emitter.line.emit(self.format(record))
        except Exception:  # logging must never raise into the caller
            self.handleError(record)


class LogWindow(QDialog):
    def __init__(self, handler: SignalLogHandler, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("log_window")
        self.setWindowTitle("Nhật ký hoạt động")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(MAX_LINES)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        fit_to_screen(self, 900, 420)
        handler.emitter.line.connect(self._on_handler_line)

    @Slot(str)
    def _on_handler_line(self, line: str) -> None:
        self.text.appendPlainText(line)
