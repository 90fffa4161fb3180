"""Guards against known defects of the pinned Qt binding.

PySide6 6.12.0 drops a reference to ``True`` on every ``Signal.emit()`` made from Python; after
a few hundred emits the interpreter aborts (``Fatal Python error: bool_dealloc``). The desk
emits on every background task, scan and print, so that would crash a counter within the day.
This test fails on any binding with that defect.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    with_value = Signal(object)
    with_text = Signal(str)
    bare = Signal()


def test_emit_keeps_the_reference_count_of_true(qtbot: Any) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.with_value.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(30):  # few enough that a faulty binding fails here instead of aborting
        emitter.with_value.emit(i)
        emitter.with_text.emit("x")
        emitter.bare.emit()
    after = sys.getrefcount(True)
    assert len(received) == 30
    assert abs(after - before) < 10, (before, after)
