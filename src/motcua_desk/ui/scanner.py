"""Barcode-scanner input from anywhere in the app (issue 4).

Scanners are keyboards. An application-wide event filter buffers printable key presses; a
burst of at least ``min_chars`` characters, each within ``max_gap_ms`` of the previous one and
terminated by Enter/Return, is a scan: it is emitted as ``scanned`` and none of its characters
reach the focused widget. Anything slower is human typing: the buffered keys are replayed to
the widget that was focused, in order, so nothing typed is lost.

We read ``QKeyEvent.text()``, never input-method commits: an IME that composes (IBus Telex/VNI)
works through input-method events, which this filter ignores, and the scan box disables input
methods altogether. An IME that rewrites by sending Backspace plus a new character (Unikey on
Windows) is applied to the buffer, so the burst stays whole; the rewritten character itself
cannot be undone and is left to the tolerant domain parsers.
Key timestamps come from the platform when present, so a busy GUI thread that delivers a
human's keys late does not turn them into a burst.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

#: Widgets with this dynamic property set to True never see their keys buffered (passwords).
EXEMPT_PROPERTY = "scanner_exempt"

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
#: Pressed by scanners too (Shift for capitals); never a reason to end a burst.
_MODIFIER_KEYS = (
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock,
)
_CHORD = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


class ScannerFilter(QObject):
    """Install on the QApplication: ``app.installEventFilter(ScannerFilter(app))``."""

    #: The raw text of a scanner burst, without its terminator.
    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        max_gap_ms: int = 35,
        min_chars: int = 8,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.max_gap_ms = max_gap_ms
        self.min_chars = min_chars
        self._clock = clock
        self._buffer: list[tuple[int, str, Qt.KeyboardModifier]] = []
        self._target: QObject | None = None
        self._last_ms = 0.0
        self._replaying = False
        self._swallowed_releases = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    @property
    def buffering(self) -> bool:
        return bool(self._buffer)

    def _now_ms(self, event: QKeyEvent) -> float:
        stamp = event.timestamp()
        return float(stamp) if stamp else self._clock() * 1000.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self._replaying or kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not watched.isWidgetType() or watched.property(EXEMPT_PROPERTY):
            return False
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.KeyRelease:
            if self._swallowed_releases > 0:
                self._swallowed_releases -= 1
                return True
            return False
        return self._on_key_press(watched, event)

    def _on_key_press(self, watched: QObject, event: QKeyEvent) -> bool:
        if event.key() in _MODIFIER_KEYS:
            return False
        if event.modifiers() & _CHORD or event.isAutoRepeat():
            self.flush()
            return False
        now = self._now_ms(event)
        if self._buffer and (now - self._last_ms > self.max_gap_ms or watched is not self._target):
            self.flush()
        key = event.key()
        text = event.text()
        if key in _ENTER:
            if len(self._buffer) >= self.min_chars:
                scanned = "".join(t for _, t, _ in self._buffer)
                self._buffer.clear()
                self._timer.stop()
                self._swallowed_releases += 1
                log.debug("scanner burst of %d characters", len(scanned))
                self.scanned.emit(scanned)
                return True
            self.flush()
            return False
        if key == Qt.Key.Key_Backspace and self._buffer:
            # Inside a burst: an input method (Unikey, Telex "dd" -> "đ") deleting what it is
            # about to rewrite. Apply it to the buffer so the burst stays whole and no key
            # leaks into the focused field; for a fast typist the result is the same.
            self._buffer.pop()
            self._last_ms = now
            self._swallowed_releases += 1
            self._timer.start(self.max_gap_ms + 5)
            return True
        if text and text.isprintable():
            if not self._buffer:
                self._target = watched
            self._buffer.append((key, text, event.modifiers()))
            self._last_ms = now
            self._swallowed_releases += 1
            self._timer.start(self.max_gap_ms + 5)
            return True
        self.flush()
        return False

    @Slot()
    def flush(self) -> None:
        """Replay buffered keys to the widget they were meant for (human typing)."""
        self._timer.stop()
        pending, self._buffer = self._buffer, []
        target, self._target = self._target, None
        if not pending or target is None or not shiboken6.isValid(target):
            return
        self._replaying = True
        try:
            for key, text, mods in pending:
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(target, QKeyEvent(kind, key, mods, text))
        finally:
            self._replaying = False
