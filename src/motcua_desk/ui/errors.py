"""Uncaught errors: logged, then shown to the clerk in Vietnamese; the form is never closed.

``install()`` sets ``sys.excepthook`` (run_gui only; pytest-qt owns the hook in tests).
Every error path of the UI ends in :func:`report_exception`, whose presenter can be swapped
(tests collect messages instead of opening dialogs).
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from . import strings

log = logging.getLogger(__name__)

Presenter = Callable[[str, BaseException], None]


_open_boxes: set[QMessageBox] = set()


def _dialog_presenter(message: str, exc: BaseException) -> None:
    if QApplication.instance() is None:
        return
    box = QMessageBox(QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(strings.APP_TITLE)
    box.setText(message)
    code = getattr(exc, "code", None)
    if not isinstance(code, str):
        box.setDetailedText("".join(traceback.format_exception(exc)))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # Without a parent only this reference keeps the dialog alive until the clerk closes it.
    _open_boxes.add(box)
    box.finished.connect(lambda _result: _open_boxes.discard(box))
    box.open()  # window-modal, does not block: whatever is being typed stays in its form


_presenter: Presenter = _dialog_presenter


def set_presenter(presenter: Presenter | None) -> Presenter:
    """Replace how errors are shown; ``None`` restores the dialog. Returns the previous one."""
    global _presenter
    previous = _presenter
    _presenter = presenter or _dialog_presenter
    return previous


def is_bug(exc: BaseException) -> bool:
    """An exception without an error code is a bug (typed errors carry a ``code``)."""
    return not isinstance(getattr(exc, "code", None), str)


def log_failure(exc: BaseException) -> None:
    """Log a failed operation: a typed error by its code, a bug with its traceback.

    Called for every failure whatever the screen then does with it (issue 12 §4): a screen
    that shows its own message must not be able to skip the log.
    """
    if is_bug(exc):
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    else:
        code = getattr(exc, "code", "")
        data = getattr(exc, "data", None)
        detail = data.get("detail") if isinstance(data, dict) else None
        if detail:  # technical text (a spooler's message), never shown to the clerk
            log.warning("operation failed: %s (%s)", code, detail)
        else:
            log.info("operation failed: %s", code)
        log.debug("error data: %r", data)  # may name a citizen: DEBUG only


def report_exception(exc: BaseException) -> None:
    """Log ``exc`` and tell the clerk; typed errors are expected, others are bugs."""
    log_failure(exc)
    show(exc)


def show(exc: BaseException) -> None:
    """Tell the clerk about ``exc`` (already logged by the caller)."""
    try:
        _presenter(strings.exception_message(exc), exc)
    except Exception:  # the presenter itself must never crash the app
        log.exception("error presenter failed")


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    report_exception(exc.with_traceback(tb))


def install() -> Callable[..., object]:
    """Route uncaught exceptions (also those raised in Qt slots) to :func:`report_exception`.

    Returns the previous hook, for :func:`uninstall`.
    """
    previous = sys.excepthook
    sys.excepthook = _excepthook
    return previous


def uninstall(previous: Callable[..., object]) -> None:
    sys.excepthook = previous
