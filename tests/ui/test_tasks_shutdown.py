"""A result that arrives after the runner shut down (window closing) is dropped, not delivered
to deleted widgets."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtWidgets import QApplication

from motcua_desk.ui.tasks import TaskRunner


def test_late_result_after_shutdown_is_dropped(qtbot: Any) -> None:
    runner = TaskRunner()
    started, release = threading.Event(), threading.Event()
    delivered: list[object] = []

    def slow() -> str:
        started.set()
        release.wait(5)
        return "late"

    runner.db(slow, on_done=delivered.append)
    assert started.wait(5)
    release.set()
    assert runner.shutdown()  # the job finished; its result is queued on the GUI thread
    runner.deleteLater()
    for _ in range(5):
        QApplication.processEvents()
    assert delivered == []
