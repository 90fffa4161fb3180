"""Background work off the GUI thread (after Anki's ``taskman.py``).

Two lanes: ``db`` has one worker (SQLite has one writer), ``io`` has a few (printing,
rendering, exports). Results come back to the GUI thread through a queued signal; errors are
always logged (bugs with their traceback), then go to ``on_error`` or, when none is given, to the
application error handler: never dropped. Screens do not call this directly: they build an
operation (:mod:`motcua_desk.ui.operations`). A busy
indicator is announced only after ``progress_delay_ms`` so quick work does not flicker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot

from . import errors

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 600


class CancelToken:
    """Set by the GUI when the window closes; long worker loops check it."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits ``finished`` and Qt queues the delivery."""

    finished = Signal(object, object)

    def __init__(
        self,
        runner: TaskRunner,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        super().__init__()
        self._runner = runner
        self._on_done = on_done
        self._on_error = on_error
        self.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @Slot(object, object)
    def _deliver(self, result: object, error: object) -> None:
        runner = self._runner
        if not shiboken6.isValid(runner) or runner.token.cancelled:
            # Delivered after shutdown (the window is closing or gone): its widgets may be
            # deleted, so the result is dropped; a failure still reaches the log.
            if isinstance(error, BaseException) and not isinstance(error, TaskCancelledError):
                log.error("background task failed after shutdown", exc_info=error)
            return
        runner._task_finished(self)
        try:
            if isinstance(error, BaseException):
                if self._on_error is not None:
                    errors.log_failure(error)  # logged whatever the screen's handler does
                    self._on_error(error)
                else:
                    errors.report_exception(error)
            elif self._on_done is not None:
                self._on_done(result)
        except Exception as exc:  # a failing callback must still reach the clerk
            errors.report_exception(exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, token: CancelToken) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay
        self._token = token

    def run(self) -> None:
        if self._token.cancelled:
            self._relay.finished.emit(None, TaskCancelledError())
            return
        try:
            result = self._fn()
        except BaseException as exc:  # delivered to on_error on the GUI thread
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class TaskCancelledError(Exception):
    """A task queued before shutdown was not run."""


class TaskRunner(QObject):
    """Runs callables on the db or io lane and hands results back on the GUI thread."""

    #: True after work has been running for ``progress_delay_ms``; False when all is done.
    busy_changed = Signal(bool)
    #: A ChangeSet after every operation that changed something (Anki's
    #: ``operation_did_execute``); the main window broadcasts it to every page.
    operation_did_execute = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        io_workers: int = 3,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._db = QThreadPool(self)
        self._db.setMaxThreadCount(1)
        self._io = QThreadPool(self)
        self._io.setMaxThreadCount(max(2, min(4, io_workers)))
        self.token = CancelToken()
        self._pending: set[_Relay] = set()
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(progress_delay_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def pending(self) -> int:
        """Tasks submitted whose result has not been delivered yet."""
        return len(self._pending)

    @property
    def busy(self) -> bool:
        return self._busy

    def db(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``fn`` on the single database worker."""
        self._submit(self._db, fn, on_done, on_error)

    def io(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``fn`` on the I/O pool (printing, rendering, exports)."""
        self._submit(self._io, fn, on_done, on_error)

    def _submit(
        self,
        pool: QThreadPool,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> None:
        if self.token.cancelled:
            raise TaskCancelledError()
        relay = _Relay(self, on_done, on_error)
        self._pending.add(relay)
        if not self._timer.isActive() and not self._busy:
            self._timer.start()
        pool.start(_Job(fn, relay, self.token))

    def _task_finished(self, relay: _Relay) -> None:
        self._pending.discard(relay)
        if not self._pending:
            self._timer.stop()
            if self._busy:
                self._busy = False
                self.busy_changed.emit(False)

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self._pending and not self._busy:
            self._busy = True
            self.busy_changed.emit(True)

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Cancel queued work and wait for running work (window close, test teardown)."""
        self.token.cancel()
        self._timer.stop()
        self._db.clear()
        self._io.clear()
        ok_db = self._db.waitForDone(timeout_ms)
        ok_io = self._io.waitForDone(timeout_ms)
        if not (ok_db and ok_io):
            log.error("background tasks did not finish within %d ms", timeout_ms)
        return ok_db and ok_io
