"""One typed helper for every background call (issue 12 §4; after Anki's ``aqt.operations``).

A screen never hands a callable to the :class:`~motcua_desk.ui.tasks.TaskRunner` itself::

    CollectionOp(runner, lambda: service.record_outcome(item_id, outcome, user)) \\
        .success(self._on_recorded).failure(self._show_error).run_in_background()

- :class:`QueryOp` reads (db lane by default, ``lane=Lane.IO`` for network, files, printing);
- :class:`CollectionOp` changes data: its service returns a
  :class:`~motcua_desk.services.changes.Changed`, a bare ``ChangeSet``, or a result with a
  ``changes`` property (lifecycle transitions, returns); the value goes to
  ``success`` and the change set is emitted on the runner's ``operation_did_execute``, which the
  main window broadcasts to every page. A service that does not yet say what it changed is
  given the change set with :meth:`CollectionOp.changes`.

Failures: an exception without an error code is a bug and is always logged with its traceback
(the runner does it before any handler runs); without a ``failure`` handler the application
error handler shows it. Typed errors go to the screen's handler, or to the same default.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from motcua_desk.services.changes import Changed, ChangeSet

from . import errors
from .tasks import TaskRunner

T = TypeVar("T")

Failure = Callable[[BaseException], None]


class Lane(enum.Enum):
    """Which worker pool runs the call: the single database worker or the I/O pool."""

    DB = "db"
    IO = "io"


class _Operation(Generic[T]):
    def __init__(self, runner: TaskRunner, fn: Callable[[], Any], *, lane: Lane = Lane.DB) -> None:
        self._runner = runner
        self._fn = fn
        self._lane = lane
        self._success: Callable[[T], None] | None = None
        self._failure: Failure | None = None

    def success(self, callback: Callable[[T], None]) -> Any:
        """Run ``callback(result)`` on the GUI thread when the call returns."""
        self._success = callback
        return self

    def failure(self, callback: Failure) -> Any:
        """Handle a failure on the GUI thread (a bug is logged before this runs)."""
        self._failure = callback
        return self

    def _done(self, result: Any) -> None:
        if self._success is not None:
            self._success(result)

    def _failed(self, exc: BaseException) -> None:
        if self._failure is not None:
            self._failure(exc)
        else:
            errors.show(exc)

    def run_in_background(self) -> None:
        submit = self._runner.db if self._lane is Lane.DB else self._runner.io
        submit(self._fn, self._done, self._failed)


class QueryOp(_Operation[T]):
    """A read: its result goes to ``success``; nothing is broadcast."""

    def success(self, callback: Callable[[T], None]) -> QueryOp[T]:
        super().success(callback)
        return self

    def failure(self, callback: Failure) -> QueryOp[T]:
        super().failure(callback)
        return self


class CollectionOp(_Operation[T]):
    """A change: the value goes to ``success`` and the change set to every page."""

    def __init__(
        self,
        runner: TaskRunner,
        fn: Callable[[], Changed[T] | ChangeSet | T],
        *,
        lane: Lane = Lane.DB,
    ) -> None:
        super().__init__(runner, fn, lane=lane)
        self._changes: Callable[[T], ChangeSet] | None = None

    def success(self, callback: Callable[[T], None]) -> CollectionOp[T]:
        super().success(callback)
        return self

    def failure(self, callback: Failure) -> CollectionOp[T]:
        super().failure(callback)
        return self

    def changes(self, changes: ChangeSet | Callable[[T], ChangeSet]) -> CollectionOp[T]:
        """What the call changed, for a service that does not return it itself."""
        self._changes = changes if callable(changes) else (lambda _value: changes)
        return self

    def _done(self, result: Any) -> None:
        value: Any = result
        change: ChangeSet | None = None
        if isinstance(result, Changed):
            value, change = result.value, result.changes
        elif isinstance(result, ChangeSet):
            change = result
        elif isinstance(getattr(result, "changes", None), ChangeSet):
            change = result.changes  # a service result that says what it changed
        if self._changes is not None:
            extra = self._changes(value)
            change = extra if change is None else change | extra
        try:
            super()._done(value)
        finally:
            # Broadcast even when the screen's own callback fails: the data did change.
            if change:
                self._runner.operation_did_execute.emit(change)
