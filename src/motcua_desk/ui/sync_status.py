"""Online/offline in the status bar, and the background sync worker's life (issue 7).

The worker runs on its own thread (``SyncService.start``); its reports arrive through a Qt
signal, so the GUI thread only ever reads a health snapshot from the db lane.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from motcua_desk.ui.screens.sync_health.controller import SyncHealthController
from motcua_desk.ui.sync_text import moment_text, status_text, sync_error_text

ONLINE_STYLE = "color: #1b7f2a;"
OFFLINE_STYLE = "color: #a15c00;"
IDLE_STYLE = "color: #666666;"


class SyncStatus(QObject):
    #: A worker report (emitted from the worker thread, delivered on the GUI thread).
    report_arrived = Signal(object)

    def __init__(
        self,
        ctx: Any,
        health: SyncHealthController,
        parent: QObject | None = None,
        *,
        poll_ms: int = 10_000,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.health = health
        self.label = QLabel("● Chưa kết nối máy chủ")
        self.label.setObjectName("sync_status")
        self.label.setStyleSheet(IDLE_STYLE)
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(health.refresh)
        self.report_arrived.connect(self._on_report)
        health.health_loaded.connect(self._on_health)
        health.enrolled.connect(self.start)
        self.started = False

    def start(self) -> None:
        """Start the worker when this counter is connected to a server; poll health."""
        if self.ctx.settings.server_url and not self.started:
            self.ctx.sync.start(on_report=self.report_arrived.emit)
            self.started = True
        self.timer.start()
        self.health.refresh()

    def stop(self) -> None:
        self.timer.stop()
        self.ctx.sync.stop()  # idempotent; also stops a worker started outside start()
        self.started = False

    def _on_report(self, _report: Any) -> None:
        self.health.refresh()

    def _on_health(self, health: Any) -> None:
        configured = bool(self.ctx.settings.server_url)
        self.label.setText(status_text(health.online, configured, health.pending))
        style = IDLE_STYLE if not configured else ONLINE_STYLE if health.online else OFFLINE_STYLE
        self.label.setStyleSheet(style)
        tip = f"Đồng bộ thành công gần nhất: {moment_text(health.last_success_at)}"
        if health.last_error:
            tip += f"\n{sync_error_text(health.last_error)}"
        self.label.setToolTip(tip)
