from __future__ import annotations

import gc
from typing import Any

from PySide6.QtCore import QObject

from motcua_desk.ui.gc_guard import GuiThreadGarbageCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle only the cyclic collector frees


def test_collects_on_the_timer_thread_only(qtbot: Any) -> None:
    owner = QObject()
    guard = GuiThreadGarbageCollector(owner, interval_ms=10)
    old = gc.get_threshold()
    try:
        assert not gc.isenabled()
        gc.set_threshold(50, 10, 10)
        gc.collect()
        for _ in range(200):
            Node()
        assert gc.get_count()[0] > 50  # nothing collected them automatically
        qtbot.waitUntil(lambda: gc.get_count()[0] < 50, timeout=2000)
        assert guard.check() == -1  # below every threshold now
    finally:
        gc.set_threshold(*old)
        guard.stop()
        gc.disable()  # the test session keeps automatic collection off
