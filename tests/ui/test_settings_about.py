"""Settings page (admin only) and About box, on the real services (issue 8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.storage.migrate import head_revision
from motcua_desk.storage.repositories.users import Role
from motcua_desk.ui.app import create_main_window

from .fakes import FakePrinterBackend

UNIT = UnitSetup(
    "000.00.06.H56", "Bộ phận Một cửa phường Hạc Thành", "UBND phường", "Quầy 1", "Thanh Hóa"
)


@pytest.fixture
def real(tmp_path: Path) -> Any:
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    return ctx, admin


def test_admin_sees_settings_and_saves_with_errors_next_to_fields(qtbot: Any, real: Any) -> None:
    ctx, admin = real
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    page = window.settings_page
    assert page is not None
    assert window.tabs.indexOf(page.view) >= 0
    v = page.view
    assert v.fields["agency_id"].widget.text() == "000.00.06.H56"
    v.fields["cutoff"].widget.setText("25:00")
    v.fields["qr_lookup_template"].widget.setText("https://dvc.example.vn/tra-cuu")
    v.saturdays.setChecked(True)
    v.save_button.click()
    qtbot.waitUntil(lambda: v.message.text().startswith("Chưa lưu"))
    assert v.fields["cutoff"].error.text() == "Giá trị không hợp lệ."
    assert "{code}" in v.fields["qr_lookup_template"].error.text()
    assert v.fields["agency_id"].error.isHidden()
    assert not ctx.settings.saturdays_count  # nothing saved
    v.fields["cutoff"].widget.setText("16:30")
    v.fields["qr_lookup_template"].widget.setText("https://dvc.example.vn/tra-cuu?ma={code}")
    v.papers["receipt"].setCurrentText("80mm")
    with qtbot.waitSignal(page.saved):
        v.save_button.click()
    assert v.message.text() == "Đã lưu cấu hình."
    assert ctx.settings.cutoff.strftime("%H:%M") == "16:30"
    assert ctx.settings.saturdays_count and ctx.settings.paper_sizes["receipt"] == "80mm"
    assert 'cutoff = "16:30"' in ctx.paths.settings_file.read_text(encoding="utf-8")
    window.shutdown()


def test_admin_adds_and_removes_a_holiday(qtbot: Any, real: Any) -> None:
    ctx, admin = real
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    v = window.settings_page.view
    qtbot.waitUntil(lambda: window.settings_page.days.rowCount() > 0)
    seeded = window.settings_page.days.rowCount()
    v.day_date.setDate(QDate(2027, 3, 15))
    v.day_name.setText("Nghỉ theo quyết định của tỉnh")
    v.add_day_button.click()
    qtbot.waitUntil(lambda: window.settings_page.days.rowCount() == seeded + 1)
    rows = window.settings_page.days.rows()
    added = [r for r in rows if r.day == date(2027, 3, 15)]
    assert added and added[0].source == "admin" and added[0].name == "Nghỉ theo quyết định của tỉnh"
    source_row = rows.index(added[0])
    v.days.selectRow(
        window.settings_page.days_proxy.mapFromSource(
            window.settings_page.days.index(source_row, 0)
        ).row()
    )
    v.remove_day_button.click()
    qtbot.waitUntil(lambda: window.settings_page.days.rowCount() == seeded)
    window.shutdown()


def test_clerks_have_no_settings_page(qtbot: Any, real: Any) -> None:
    ctx, admin = real
    clerk = ctx.accounts.create_user(admin, "canbo1", "Trần Thị Bình", "mat-khau-clerk", Role.CLERK)
    window = create_main_window(ctx, clerk, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    assert window.settings_page is None
    assert "Cấu hình" not in [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.shutdown()


def test_about_box_names_versions_and_schema(qtbot: Any, real: Any) -> None:
    ctx, admin = real
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    box = window.show_about()
    text = box.informativeText()
    assert "motcua_desk 0.1.0" in text
    assert f"Cơ sở dữ liệu: lược đồ {head_revision()}" in text
    assert "PySide6" in text and "SQLAlchemy" in text
    box.close()
    window.shutdown()


def test_the_audit_chain_is_checked_when_the_admin_window_opens_and_on_demand(
    qtbot: Any, real: Any
) -> None:
    import sqlite3

    ctx, admin = real
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    page = window.settings_page
    assert page is not None
    status = page.view.audit_status
    qtbot.waitUntil(lambda: "toàn vẹn" in status.text())  # checked at start, in the background
    with sqlite3.connect(ctx.paths.db_file) as conn:  # someone edits the log behind our back
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET actor = 'ke_gian' WHERE id = 1")
    page.view.audit_button.click()
    qtbot.waitUntil(lambda: "bị sửa hoặc xóa" in status.text())
    assert "từ dòng 1" in status.text()
    window.shutdown()


def test_an_admin_unlocks_a_locked_account_from_the_settings_page(qtbot: Any, real: Any) -> None:
    from motcua_desk.services.accounts import AccountLockedError, AuthFailedError
    from motcua_desk.storage.repositories.users import MAX_FAILED_LOGINS

    ctx, admin = real
    ctx.accounts.create_user(admin, "hoa", "Lê Thị Hoa", "mat-khau-hoa-1", Role.CLERK)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthFailedError):
            ctx.accounts.login("hoa", "sai")
    with pytest.raises(AccountLockedError):
        ctx.accounts.login("hoa", "sai")
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    page = window.settings_page
    assert page is not None
    page.view.unlock_name.setText("Hoa")
    page.view.unlock_button.click()
    qtbot.waitUntil(lambda: page.view.message.text() == "Đã mở khóa tài khoản hoa.")
    assert ctx.accounts.login("hoa", "mat-khau-hoa-1").username == "hoa"
    window.shutdown()
