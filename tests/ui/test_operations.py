"""The operations layer (issue 12 §4): bugs always logged, change sets broadcast."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from motcua_desk.domain.errors import RuleViolationError
from motcua_desk.services.changes import Changed, ChangeSet
from motcua_desk.ui.operations import CollectionOp, Lane, QueryOp
from motcua_desk.ui.tasks import TaskRunner


@pytest.fixture
def runner(qtbot: Any) -> Any:
    r = TaskRunner(progress_delay_ms=50)
    yield r
    r.shutdown()


def _boom() -> None:
    raise RuntimeError("a bug in a service")


@pytest.mark.parametrize("lane", [Lane.DB, Lane.IO])
def test_a_bug_is_logged_with_its_traceback_even_with_a_screen_handler(
    qtbot: Any, runner: TaskRunner, caplog: pytest.LogCaptureFixture, lane: Lane
) -> None:
    shown: list[BaseException] = []
    with caplog.at_level(logging.INFO):
        QueryOp[None](runner, _boom, lane=lane).failure(shown.append).run_in_background()
        qtbot.waitUntil(lambda: bool(shown))
    bugs = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(bugs) == 1 and bugs[0].exc_info is not None
    assert "_boom" in caplog.text  # the traceback names the failing function
    assert isinstance(shown[0], RuntimeError)


def test_a_typed_error_is_not_logged_as_a_bug(
    qtbot: Any, runner: TaskRunner, caplog: pytest.LogCaptureFixture
) -> None:
    shown: list[BaseException] = []

    def refused() -> None:
        raise RuleViolationError(rule="postal_empty_batch")

    with caplog.at_level(logging.INFO):
        CollectionOp[None](runner, refused).failure(shown.append).run_in_background()
        qtbot.waitUntil(lambda: bool(shown))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "rule_violation" in caplog.text


def test_without_a_handler_the_clerk_is_told(
    qtbot: Any, runner: TaskRunner, reported: list[tuple[str, BaseException]]
) -> None:
    QueryOp[None](runner, _boom).run_in_background()
    qtbot.waitUntil(lambda: bool(reported))
    assert "nhật ký" in reported[0][0]


def test_a_collection_op_unwraps_the_value_and_broadcasts_its_changes(
    qtbot: Any, runner: TaskRunner
) -> None:
    got: list[int] = []
    change = ChangeSet.of("dossier", codes=("000.00.06.H56-260212-0001",))
    with qtbot.waitSignal(runner.operation_did_execute) as blocker:
        CollectionOp[int](runner, lambda: Changed(7, change)).success(
            got.append
        ).run_in_background()
    assert got == [7]
    assert blocker.args == [change]


def test_declared_changes_merge_and_a_read_broadcasts_nothing(
    qtbot: Any, runner: TaskRunner
) -> None:
    seen: list[ChangeSet] = []
    runner.operation_did_execute.connect(seen.append)
    done: list[object] = []
    QueryOp[int](runner, lambda: 1).success(done.append).run_in_background()
    CollectionOp[int](runner, lambda: Changed(2, ChangeSet.of("postal"))).changes(
        lambda value: ChangeSet.of("dossier", codes=(str(value),))
    ).success(done.append).run_in_background()
    qtbot.waitUntil(lambda: len(done) == 2)
    assert seen == [ChangeSet.of("postal", "dossier", codes=("2",))]


def test_a_failing_success_callback_still_broadcasts_and_is_reported(
    qtbot: Any, runner: TaskRunner, reported: list[tuple[str, BaseException]]
) -> None:
    seen: list[ChangeSet] = []
    runner.operation_did_execute.connect(seen.append)

    def broken(_value: object) -> None:
        raise KeyError("screen bug")

    CollectionOp[None](runner, lambda: ChangeSet.of("day")).success(broken).run_in_background()
    qtbot.waitUntil(lambda: bool(reported))
    assert seen == [ChangeSet.of("day")]


def test_a_result_that_says_what_it_changed_is_broadcast(qtbot: Any, runner: TaskRunner) -> None:
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Outcome:
        code: str

        @property
        def changes(self) -> ChangeSet:
            return ChangeSet.of("dossier", codes=(self.code,))

    got: list[Outcome] = []
    with qtbot.waitSignal(runner.operation_did_execute) as blocker:
        CollectionOp[Outcome](runner, lambda: Outcome("X-1")).success(
            got.append
        ).run_in_background()
    assert got == [Outcome("X-1")]  # the screen gets the result itself
    assert blocker.args == [ChangeSet.of("dossier", codes=("X-1",))]


def test_lifecycle_and_return_results_name_their_dossier() -> None:
    from motcua_desk.services.lifecycle import TransitionResult

    class D:
        code = "000.00.06.H56-260212-0007"

    result = TransitionResult(D())  # type: ignore[arg-type]
    assert result.changes == ChangeSet.of("dossier", codes=(D.code,))
