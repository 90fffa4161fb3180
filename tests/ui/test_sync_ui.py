"""Sync in the UI (issue 7): status bar, health panel, retry permissions, enrolment and a real
sync against the reference server running as a subprocess."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from motcua_desk.config import Settings
from motcua_desk.services.sync_service import QueuedEvent, SyncHealth
from motcua_desk.ui.screens.sync_health.controller import SyncHealthController
from motcua_desk.ui.sync_status import SyncStatus
from motcua_desk.ui.tasks import TaskRunner

NOW = datetime.now(UTC)


def _health(**over: Any) -> SyncHealth:
    base: dict[str, Any] = dict(
        pending=0,
        oldest_pending_at=None,
        last_success_at=None,
        last_error=None,
        online=False,
        rejected=[],
        failing=[],
        conflicts=[],
        reprint_required=[],
    )
    return SyncHealth(**(base | over))


@dataclass
class FakeSync:
    snapshot: SyncHealth
    retried: list[str] = field(default_factory=list)
    reapplied: list[int] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    started: int = 0

    def health(self) -> SyncHealth:
        return self.snapshot

    def retry(self, event_id: str, actor: str) -> None:
        self.retried.append(event_id)
        self.actors.append(actor)

    def start(self, on_report: Any = None) -> None:
        self.started += 1

    def stop(self) -> None:
        pass

    def run_once(self) -> None:
        return None

    def resolve_conflict(self, cursor: int, actor: str) -> None:
        self.actors.append(actor)

    def reapply_conflict(self, cursor: int) -> bool:
        self.reapplied.append(cursor)
        return True


def _ctx(sync: FakeSync, server_url: str = "https://motcua.example.vn") -> Any:
    return SimpleNamespace(
        settings=Settings(server_url=server_url, counter_name="Quầy 1"), sync=sync
    )


REJECTED = QueuedEvent(
    "e1", "dossier.received", "sync-1", NOW - timedelta(hours=2), 3, "code_not_leased"
)
FAILING = QueuedEvent(
    "e2", "print.recorded", "sync-2", NOW - timedelta(minutes=5), 2, "sync_network"
)


@pytest.fixture
def runner(qtbot: Any) -> Any:
    r = TaskRunner()
    yield r
    r.shutdown()


def test_status_bar_and_panel_show_queue_and_reasons(qtbot: Any, runner: Any) -> None:
    sync = FakeSync(
        _health(
            pending=4,
            oldest_pending_at=datetime.now(UTC) - timedelta(minutes=12, seconds=20),
            last_error="sync_network",
            rejected=[REJECTED],
            failing=[FAILING],
        )
    )
    user = SimpleNamespace(role="clerk", username="canbo", full_name="Cán Bộ")
    health = SyncHealthController(_ctx(sync), runner, user)
    qtbot.addWidget(health.view)
    status = SyncStatus(_ctx(sync), health)
    with qtbot.waitSignal(health.health_loaded):
        status.start()
    assert sync.started == 1
    assert status.label.text() == "● Ngoại tuyến — chờ gửi: 4"
    assert health.view.pending.text() == "4"
    assert health.view.oldest.text() == "12 phút"
    assert "Không kết nối được máy chủ" in health.view.last_error.text()
    reasons = [health.model.row_value(i).reason for i in range(health.model.rowCount())]
    assert reasons == [
        "mã hồ sơ không thuộc dải số máy chủ đã cấp",
        "Không kết nối được máy chủ; dữ liệu vẫn được lưu và sẽ gửi lại sau.",
    ]
    # A clerk cannot resend a rejected event; nothing is dropped either.
    assert not health.view.retry_button.isEnabled()
    assert not health.view.enrol_box.isVisibleTo(health.view)
    status.stop()


def test_supervisor_retries_a_rejected_event(qtbot: Any, runner: Any) -> None:
    sync = FakeSync(_health(pending=0, online=True, rejected=[REJECTED]))
    user = SimpleNamespace(role="supervisor", username="ld", full_name="Lãnh Đạo")
    health = SyncHealthController(_ctx(sync), runner, user)
    qtbot.addWidget(health.view)
    with qtbot.waitSignal(health.health_loaded):
        health.refresh()
    health.view.problems.selectRow(0)
    with qtbot.waitSignal(health.health_loaded):
        health.view.retry_button.click()
    assert sync.retried == ["e1"]


def test_pull_conflicts_are_shown_in_vietnamese_and_can_be_applied_again(
    qtbot: Any, runner: Any
) -> None:
    conflicts = [
        {
            "entity": "dossier_status",
            "key": "s1",
            "code": "000.00.06.H56-260310-0001",
            "reason": "day_closed",
            "day": "2026-03-10",
            "cursor": 7,
        },
        {
            "entity": "procedure",
            "key": "1.000001",
            "reason": "invalid_change",
            "error": "OverflowError",
            "cursor": 8,
        },
    ]
    sync = FakeSync(_health(online=True, conflicts=conflicts))
    user = SimpleNamespace(role="supervisor", username="ld", full_name="Lãnh Đạo")
    health = SyncHealthController(_ctx(sync), runner, user)
    qtbot.addWidget(health.view)
    with qtbot.waitSignal(health.health_loaded):
        health.refresh()
    lines = [health.view.conflicts.item(i).text() for i in range(health.view.conflicts.count())]
    assert lines == [
        "Trạng thái hồ sơ 000.00.06.H56-260310-0001: ngày 10/03/2026 đã chốt sổ; "
        "lãnh đạo mở lại ngày rồi bấm “Áp dụng lại”",
        "Thủ tục 1.000001: dữ liệu từ máy chủ không hợp lệ, không áp dụng được (đã bỏ qua)",
    ]
    assert "Không có số thứ tự" in health.view.gaps.text()
    health.view.conflicts.setCurrentRow(0)
    with qtbot.waitSignal(health.health_loaded):
        health.view.reapply_button.click()
    assert sync.reapplied == [7]


def test_unused_leased_numbers_are_shown(qtbot: Any, runner: Any) -> None:
    from datetime import date

    from motcua_desk.storage.repositories.sequences import CodeGap

    gaps = [CodeGap(date(2026, 3, 9), 13, 500, True), CodeGap(date(2026, 3, 10), 7, 500, False)]
    sync = FakeSync(_health(online=True, gaps=gaps))
    user = SimpleNamespace(role="clerk", username="cb", full_name="Cán Bộ")
    health = SyncHealthController(_ctx(sync), runner, user)
    qtbot.addWidget(health.view)
    with qtbot.waitSignal(health.health_loaded):
        health.refresh()
    assert health.view.gaps.text() == (
        "Số thứ tự mã hồ sơ đã được cấp nhưng chưa dùng: 09/03: 13–500 (đã báo máy chủ); "
        "10/03: 7–500 (còn dùng được)."
    )


def test_not_configured_is_said_plainly(qtbot: Any, runner: Any) -> None:
    sync = FakeSync(_health(pending=2))
    user = SimpleNamespace(role="admin", username="qt", full_name="Quản Trị")
    ctx = _ctx(sync, server_url="")
    health = SyncHealthController(ctx, runner, user)
    qtbot.addWidget(health.view)
    status = SyncStatus(ctx, health)
    with qtbot.waitSignal(health.health_loaded):
        status.start()
    assert sync.started == 0  # no server: no worker
    assert status.label.text() == "● Chưa kết nối máy chủ"
    assert health.view.enrol_box.isVisibleTo(health.view)
    health.view.enrol_code.setText("ABC")
    health.view.server_url.setText("ftp://x")
    health.view.enrol_button.click()
    assert "https://" in health.view.enrol_message.text()
    status.stop()


def test_enrol_then_sync_against_the_reference_server(qtbot: Any, tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
    from sync_support import free_port, start_server_process

    from motcua_desk.bootstrap import build_context
    from motcua_desk.config import AppPaths
    from motcua_desk.domain.dossier import ApplicantKind, Person
    from motcua_desk.services.accounts import UnitSetup
    from motcua_desk.services.reception import IntakeDraft
    from motcua_desk.ui.app import create_main_window
    from motcua_server import admin
    from motcua_server.db import make_engine

    from .fakes import FakePrinterBackend

    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    port = free_port()
    proc = start_server_process(db_url, port)
    try:
        server_engine = make_engine(db_url)
        admin.create_unit(server_engine, "000.00.06.H56", "Phường Hạc Thành")
        _, code = admin.enrol_device(server_engine, "000.00.06.H56", "Quầy 1")
        server_engine.dispose()

        ctx = build_context(AppPaths(tmp_path / "desk", tmp_path / "logs"))
        admin_user = ctx.accounts.first_run(
            UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường", "Quầy 1", "Thanh Hóa"),
            "admin",
            "Nguyễn Văn An",
            "mat-khau-2026",
        )
        applicant = Person(
            "Lê Thị Hoa", "038195001234", address="Thanh Hóa", kind=ApplicantKind.CITIZEN
        )
        ctx.reception.receive(IntakeDraft("1.014137", applicant), admin_user)  # made offline
        window = create_main_window(ctx, admin_user, backend=FakePrinterBackend())
        qtbot.addWidget(window)
        panel = window.sync_health
        qtbot.waitUntil(lambda: window.sync_status.label.text() == "● Chưa kết nối máy chủ")
        panel.view.server_url.setText(f"http://127.0.0.1:{port}")
        panel.view.enrol_code.setText(code)
        panel.view.enrol_button.click()
        qtbot.waitUntil(
            lambda: panel.view.enrol_message.text().startswith("Đã đăng ký"), timeout=20000
        )
        assert ctx.settings.server_url == f"http://127.0.0.1:{port}"
        assert window.sync_status.started  # the worker reports to the status bar
        panel.view.sync_now_button.click()
        qtbot.waitUntil(lambda: panel.health is not None and panel.health.online, timeout=20000)
        qtbot.waitUntil(lambda: panel.health.pending == 0, timeout=20000)
        assert window.sync_status.label.text() == "● Trực tuyến"
        assert panel.health.rejected == []
        window.shutdown()
        assert ctx.sync._worker is None  # the worker started at enrolment is stopped on close
    finally:
        proc.kill()
        proc.wait()
