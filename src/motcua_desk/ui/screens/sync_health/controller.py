"""Sync-health page: what waits, what failed and why, retry, conflicts, enrolment (issue 7).

Nothing here waits on the network on the GUI thread: health reads go to the db lane, a manual
sync and the enrolment go to the io lane.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from motcua_desk.domain.text import normalize
from motcua_desk.ui import strings, sync_text
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import CollectionOp, Lane, QueryOp
from motcua_desk.ui.ports import SyncContext
from motcua_desk.ui.screens.home.view import proxy_for
from motcua_desk.ui.sync_text import (
    EVENT_KINDS,
    age_text,
    moment_text,
    reject_reason_text,
    status_text,
    sync_error_text,
)
from motcua_desk.ui.tasks import TaskRunner

from .view import SyncHealthView

PRIVILEGED = {"supervisor", "admin"}


@dataclass(frozen=True)
class ProblemRow:
    event_id: str
    kind: str
    aggregate_id: str
    created_at: datetime
    attempts: int
    state: str  # "rejected" | "failing"
    reason: str


COLUMNS: tuple[Column[ProblemRow], ...] = (
    Column(
        "state", "Tình trạng", lambda r: "Bị từ chối" if r.state == "rejected" else "Đang thử lại"
    ),
    Column("kind", "Loại", lambda r: EVENT_KINDS.get(r.kind, r.kind)),
    Column("created", "Thời điểm", lambda r: moment_text(r.created_at), lambda r: r.created_at),
    Column("attempts", "Số lần gửi", lambda r: str(r.attempts), lambda r: r.attempts),
    Column("reason", "Lý do", lambda r: r.reason),
)


def problem_rows(health: Any) -> list[ProblemRow]:
    rows = [
        ProblemRow(
            e.event_id,
            e.kind,
            e.aggregate_id,
            e.created_at,
            e.attempts,
            "rejected",
            reject_reason_text(e.reason),
        )
        for e in health.rejected
    ]
    rows += [
        ProblemRow(
            e.event_id,
            e.kind,
            e.aggregate_id,
            e.created_at,
            e.attempts,
            "failing",
            sync_error_text(e.reason),
        )
        for e in health.failing
    ]
    return rows


def role_of(user: Any) -> str:
    return str(getattr(user.role, "value", user.role))


class SyncHealthController(QObject):
    #: The latest health snapshot, for the status bar.
    health_loaded = Signal(object)
    #: The counter has just been enrolled: the status bar starts the worker with its callback.
    enrolled = Signal()

    def __init__(
        self, ctx: SyncContext, runner: TaskRunner, user: Any, parent: QObject | None = None
    ):
        super().__init__(parent)
        self.ctx = ctx
        self.sync = ctx.sync
        self.runner = runner
        self.user = user
        self.view = SyncHealthView()
        self.model: FrozenTableModel[ProblemRow] = FrozenTableModel(COLUMNS, self)
        self.proxy = proxy_for(self.model, self.view)
        self.view.problems.setModel(self.proxy)
        self.health: Any = None
        privileged = role_of(user) in PRIVILEGED
        self.view.retry_button.setEnabled(privileged)
        self.view.resolve_button.setEnabled(privileged)
        self.view.reapply_button.setEnabled(privileged)
        if not privileged:
            self.view.retry_hint.setText(
                "Chỉ lãnh đạo hoặc quản trị được gửi lại sự kiện bị từ chối."
            )
        self.view.enrol_box.setVisible(role_of(user) == "admin")
        s = ctx.settings
        self.view.server_url.setText(s.server_url)
        self.view.ca_bundle.setText(s.ca_bundle)
        self.view.device_name.setText(s.counter_name)
        self.view.sync_now_button.clicked.connect(self.sync_now)
        self.view.retry_button.clicked.connect(self.retry_selected)
        self.view.resolve_button.clicked.connect(self.resolve_selected)
        self.view.reapply_button.clicked.connect(self.reapply_selected)
        self.view.enrol_button.clicked.connect(self.enrol)

    # -- reading ----------------------------------------------------------------------

    def refresh(self) -> None:
        QueryOp[Any](self.runner, self.sync.health).success(self._on_health).failure(
            self._on_error
        ).run_in_background()

    def _on_health(self, health: Any) -> None:
        self.health = health
        v = self.view
        configured = bool(self.ctx.settings.server_url)
        v.state.setText(status_text(health.online, configured, health.pending))
        v.pending.setText(str(health.pending))
        v.oldest.setText(age_text(health.oldest_pending_at) if health.pending else "—")
        v.last_success.setText(moment_text(health.last_success_at))
        v.last_error.setText(sync_error_text(health.last_error) or "không có")
        self.model.set_rows(problem_rows(health))
        v.conflicts.clear()
        for conflict in health.conflicts:
            v.conflicts.addItem(sync_text.pull_conflict_text(conflict))
        count = len(health.reprint_required)
        v.reprint.setText(
            f"{count} hồ sơ đã được máy chủ cấp mã chính thức thay mã tạm; hãy in lại giấy tiếp nhận."
            if count
            else "Không có giấy tiếp nhận nào cần in lại."
        )
        v.gaps.setText(sync_text.code_gaps_text(list(getattr(health, "gaps", []))))
        self.health_loaded.emit(health)

    def _on_error(self, exc: BaseException) -> None:
        self.view.last_error.setText(strings.exception_message(exc))

    # -- actions ----------------------------------------------------------------------

    def sync_now(self) -> None:
        self.view.sync_now_button.setEnabled(False)

        def done(_report: Any) -> None:
            self.view.sync_now_button.setEnabled(True)
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.view.sync_now_button.setEnabled(True)
            self._on_error(exc)

        CollectionOp[Any](self.runner, self.sync.run_once, lane=Lane.IO).success(done).failure(
            failed
        ).run_in_background()

    def selected_problem(self) -> ProblemRow | None:
        index = self.view.problems.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_value(self.proxy.mapToSource(index).row())

    def retry_selected(self) -> None:
        row = self.selected_problem()
        if row is None or row.state != "rejected" or role_of(self.user) not in PRIVILEGED:
            return
        CollectionOp[Any](
            self.runner, lambda: self.sync.retry(row.event_id, self.user.username)
        ).success(lambda _: self.refresh()).run_in_background()

    def resolve_selected(self) -> None:
        row = self.view.conflicts.currentRow()
        if self.health is None or row < 0 or role_of(self.user) not in PRIVILEGED:
            return
        cursor = self.health.conflicts[row].get("cursor")
        CollectionOp[Any](
            self.runner, lambda: self.sync.resolve_conflict(cursor, self.user.username)
        ).success(lambda _: self.refresh()).run_in_background()

    def reapply_selected(self) -> None:
        """Try the selected pulled change again (the day reopened, local events sent)."""
        row = self.view.conflicts.currentRow()
        if self.health is None or row < 0 or role_of(self.user) not in PRIVILEGED:
            return
        cursor = self.health.conflicts[row].get("cursor")
        CollectionOp[Any](self.runner, lambda: self.sync.reapply_conflict(cursor)).success(
            lambda _: self.refresh()
        ).run_in_background()

    def enrol(self) -> None:
        v = self.view
        url = normalize(v.server_url.text())
        code = normalize(v.enrol_code.text())
        name = normalize(v.device_name.text()) or self.ctx.settings.counter_name
        if not url.startswith(("https://", "http://")) or not code:
            v.enrol_message.setText("Hãy nhập địa chỉ máy chủ (https://…) và mã đăng ký một lần.")
            return
        store = self.ctx.settings_store
        store.update(server_url=url, ca_bundle=normalize(v.ca_bundle.text()))
        v.enrol_button.setEnabled(False)
        v.enrol_message.setText("Đang đăng ký…")

        def done(response: Any) -> None:
            v.enrol_button.setEnabled(True)
            v.enrol_code.clear()
            v.enrol_message.setText(f"Đã đăng ký máy trạm ({response.device_id}).")
            self.enrolled.emit()
            self.sync.start()  # idempotent: already started by the status bar when connected
            self.sync.wake()
            self.refresh()

        def failed(exc: BaseException) -> None:
            v.enrol_button.setEnabled(True)
            code_ = getattr(exc, "code", "")
            v.enrol_message.setText(sync_error_text(code_) or strings.exception_message(exc))

        CollectionOp[Any](self.runner, lambda: self.sync.enrol(code, name), lane=Lane.IO).success(
            done
        ).failure(failed).run_in_background()
