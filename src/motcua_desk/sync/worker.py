"""Background sync loop with exponential backoff and full jitter (off the GUI thread)."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable

from motcua_desk.sync.engine import SyncReport

log = logging.getLogger(__name__)


class Backoff:
    """Delay before retry ``n`` (1-based): uniform in ``[0, min(cap, base * 2**(n-1))]``."""

    def __init__(self, base: float = 2.0, cap: float = 300.0, rng: random.Random | None = None):
        self.base = base
        self.cap = cap
        self._rng = rng or random.Random()

    def delay(self, failures: int) -> float:
        if failures <= 0:
            return 0.0
        ceiling = min(self.cap, self.base * 2 ** min(failures - 1, 30))
        return self._rng.uniform(ceiling / 2, ceiling)


class SyncWorker:
    """Runs ``run_once`` every ``interval`` seconds, backing off while it fails.

    Exceptions other than the typed sync errors (which ``run_once`` reports) are logged and
    passed to ``on_crash``; the loop keeps going, so nothing is dropped silently.
    """

    def __init__(
        self,
        run_once: Callable[[], SyncReport],
        *,
        interval: float = 60.0,
        backoff: Backoff | None = None,
        on_report: Callable[[SyncReport], None] | None = None,
        on_crash: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._run = run_once
        self._interval = interval
        self._backoff = backoff or Backoff()
        self._on_report = on_report
        self._on_crash = on_crash
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="sync-worker", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Sync now (e.g. right after a dossier is saved)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            ok = False
            try:
                report = self._run()
                ok = report.ok
                if self._on_report is not None:
                    self._on_report(report)
            except Exception as exc:  # a bug: report it, keep the loop alive
                log.exception("sync run crashed")
                if self._on_crash is not None:
                    self._on_crash(exc)
            self.failures = 0 if ok else self.failures + 1
            wait = self._interval if ok else self._backoff.delay(self.failures)
            self._wake.wait(wait)
            self._wake.clear()
