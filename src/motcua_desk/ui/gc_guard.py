"""Run Python's cyclic garbage collector on the GUI thread only.

The collector runs on whichever thread happens to allocate when a threshold is crossed. If
that is a worker of the TaskRunner and the garbage holds Qt objects made on the GUI thread,
they are destroyed on the wrong thread and Qt crashes (seen as a segmentation fault while a
database task ran). As qutebrowser does, automatic collection is switched off and a timer on
the GUI thread collects the generations whose thresholds were crossed.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        gc.disable()
        self.timer.start()

    def check(self) -> int:
        """Collect like the automatic collector would; returns the generation collected (-1: none)."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        generation = -1
        for gen in (2, 1, 0):
            if counts[gen] > thresholds[gen]:
                generation = gen
                break
        if generation >= 0:
            gc.collect(generation)
        return generation

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()
