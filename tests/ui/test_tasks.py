"""TaskRunner: results on the GUI thread, errors never dropped, busy after a delay, shutdown."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from motcua_desk.ui.tasks import TaskCancelledError, TaskRunner


@pytest.fixture
def runner(qtbot: Any) -> Any:
    r = TaskRunner(progress_delay_ms=50)
    yield r
    r.shutdown()


def test_result_is_delivered_on_the_gui_thread(qtbot: Any, runner: TaskRunner) -> None:
    gui = threading.get_ident()
    worker_threads: list[int] = []
    got: list[tuple[int, int]] = []

    def work() -> int:
        worker_threads.append(threading.get_ident())
        return 42

    runner.db(work, on_done=lambda r: got.append((r, threading.get_ident())))
    qtbot.waitUntil(lambda: bool(got))
    assert got == [(42, gui)]
    assert worker_threads[0] != gui
    assert runner.pending == 0


def test_error_goes_to_on_error(qtbot: Any, runner: TaskRunner) -> None:
    errors: list[BaseException] = []

    def fail() -> None:
        raise ValueError("bad")

    runner.io(fail, on_done=lambda _: pytest.fail("on_done called"), on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ValueError)


def test_error_without_handler_is_reported(
    qtbot: Any, runner: TaskRunner, reported: list[Any]
) -> None:
    def fail() -> None:
        raise KeyError("lost?")

    runner.db(fail)
    qtbot.waitUntil(lambda: bool(reported))
    assert isinstance(reported[0][1], KeyError)


def test_failing_callback_is_reported(qtbot: Any, runner: TaskRunner, reported: list[Any]) -> None:
    def bad_callback(_: object) -> None:
        raise RuntimeError("callback broke")

    runner.db(lambda: 1, on_done=bad_callback)
    qtbot.waitUntil(lambda: bool(reported))
    assert "callback broke" in str(reported[0][1])


def test_db_lane_runs_one_task_at_a_time(qtbot: Any, runner: TaskRunner) -> None:
    active = 0
    peak = 0
    lock = threading.Lock()
    done: list[int] = []

    def work(i: int) -> int:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        threading.Event().wait(0.01)
        with lock:
            active -= 1
        return i

    for i in range(5):
        runner.db(lambda i=i: work(i), on_done=done.append)
    qtbot.waitUntil(lambda: len(done) == 5)
    assert peak == 1
    assert done == [0, 1, 2, 3, 4]  # FIFO on the single worker


def test_busy_is_announced_only_for_slow_work(qtbot: Any, runner: TaskRunner) -> None:
    states: list[bool] = []
    runner.busy_changed.connect(states.append)
    release = threading.Event()
    finished: list[int] = []
    runner.db(lambda: release.wait(5), on_done=lambda _: finished.append(1))
    qtbot.waitUntil(lambda: states == [True], timeout=3000)
    release.set()
    qtbot.waitUntil(lambda: states == [True, False], timeout=3000)
    states.clear()
    runner.db(lambda: 1, on_done=lambda _: finished.append(2))
    qtbot.waitUntil(lambda: 2 in finished)
    assert states == []


def test_shutdown_waits_and_refuses_new_work(qtbot: Any) -> None:
    runner = TaskRunner()
    started = threading.Event()
    ran: list[int] = []

    def slow() -> None:
        started.set()
        threading.Event().wait(0.2)
        ran.append(1)

    runner.db(slow)
    runner.db(lambda: ran.append(2))  # queued behind: cancelled by shutdown
    assert started.wait(5)
    assert runner.shutdown()
    assert 1 in ran
    assert 2 not in ran
    with pytest.raises(TaskCancelledError):
        runner.db(lambda: None)
