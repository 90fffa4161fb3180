"""Keyboard paths that never surprise (issue 12 §2)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QWidget

from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import Person

from . import fakes
from .test_intake import activate, fill_valid, human

QR = "038195001234|172345678|Lê Thị Hoa|15061995|Nữ|Số 12 Lê Lợi, Thanh Hóa|01072021"


# -- one meaning per key on every page ---------------------------------------------------


@pytest.fixture
def admin_window(qtbot: Any, tmp_path: Path, reported: list[Any]) -> Iterator[Any]:
    """The main window on the real services, signed in as an administrator (every page)."""
    from motcua_desk.bootstrap import build_context
    from motcua_desk.services.accounts import UnitSetup
    from motcua_desk.ui.app import create_main_window
    from motcua_desk.ui.scanner import ScannerFilter

    ctx = build_context(AppPaths(tmp_path / "data", tmp_path / "logs"))
    admin = ctx.accounts.first_run(
        UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường", "Quầy 1", "Thanh Hóa"),
        "admin",
        "Lê Thị Hoa",
        "matkhau-dai-123",
    )
    win = create_main_window(
        ctx,
        admin,
        backend=fakes.FakePrinterBackend(),
        scanner=ScannerFilter(None, clock=fakes.StepClock(0.2)),
    )
    win.intake.confirm = lambda _text: True
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()


def _active_keys(window: Any, page: QWidget) -> list[str]:
    """Key sequences that can fire while ``page`` is the shown page."""
    keys: list[str] = []

    def reachable(owner: QWidget | None, context: Qt.ShortcutContext) -> bool:
        if owner is None or not owner.isVisible():
            return False
        if context in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut):
            return owner.window() is window
        # Widget(-with-children) shortcuts fire only with the focus inside the owner.
        return page.isAncestorOf(owner) or owner is page or owner.isAncestorOf(page)

    for shortcut in window.findChildren(QShortcut):
        owner = shortcut.parent()
        if not isinstance(owner, QWidget):
            continue
        if shortcut.isEnabled() and reachable(owner, shortcut.context()):
            sequences = shortcut.keys()  # noqa: SIM118 - a QShortcut, not a dict
            keys += [k.toString() for k in sequences if not k.isEmpty()]
    for action in window.findChildren(QAction):
        owners = [w for w in action.associatedObjects() if isinstance(w, QWidget)]
        if action.isEnabled() and any(reachable(w, action.shortcutContext()) for w in owners):
            keys += [k.toString() for k in action.shortcuts() if not k.isEmpty()]
    for button in page.findChildren(QAbstractButton):
        if button.isVisible() and not button.shortcut().isEmpty():
            keys.append(button.shortcut().toString())
    return keys


def test_no_page_has_an_ambiguous_shortcut(qtbot: Any, admin_window: Any) -> None:
    window = admin_window
    seen = 0
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.widget(index)
        qtbot.waitUntil(page.isVisible)
        keys = _active_keys(window, page)
        assert QKeySequence("Ctrl+Return").toString() in keys
        twice = sorted(k for k, n in Counter(keys).items() if n > 1)
        assert twice == [], f"{window.tabs.tabText(index)}: {twice}"
        seen += 1
    assert seen >= 10


def test_ctrl_enter_completes_a_return(qtbot: Any, admin_window: Any) -> None:
    window = admin_window
    window.tabs.setCurrentWidget(window.returns.view)
    called: list[bool] = []
    window.returns.complete = lambda: called.append(True)
    activate(qtbot, window)
    window.returns.view.note.setFocus()
    qtbot.keyClick(window.returns.view.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert called == [True]


# -- Enter after a wrong password does the dialog's action --------------------------------


def test_enter_after_a_wrong_password_logs_in_again(qtbot: Any, ctx: Any) -> None:
    from motcua_desk.ui.screens.login.controller import LoginController
    from motcua_desk.ui.tasks import TaskRunner

    runner = TaskRunner()
    login = LoginController(ctx, runner)
    view = login.view
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    view.username.setText("hoa")
    view.password.setText("sai-mat-khau")
    view.password.setFocus()
    qtbot.keyClick(view.password, Qt.Key.Key_Return)
    qtbot.waitUntil(view.error_label.isVisible)
    assert view.isVisible() and view.password.hasFocus()
    view.password.setText("matkhau123")
    with qtbot.waitSignal(login.logged_in, timeout=5000):
        qtbot.keyClick(view.password, Qt.Key.Key_Return)
    assert view.result() == view.DialogCode.Accepted
    runner.shutdown()


def test_enter_in_the_supervisor_dialog_after_an_error_submits(qtbot: Any) -> None:
    from motcua_desk.ui.screens.day_close.dialogs import SupervisorDialog

    dialog = SupervisorDialog("Chốt sổ", "Lãnh đạo xác nhận.", "Ghi chú:", "Chốt sổ")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    submitted: list[bool] = []
    dialog.submitted.connect(lambda: submitted.append(True))
    dialog.password.setFocus()
    qtbot.waitUntil(dialog.password.hasFocus)
    # The check runs: the form is disabled (the focus leaves it), then comes back with the error.
    dialog.set_busy(True)
    qtbot.waitUntil(lambda: not dialog.password.hasFocus())
    dialog.set_busy(False)
    dialog.password.clear()
    dialog.password.setFocus()
    dialog.show_error("Sai mật khẩu.")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert submitted == [True]
    assert dialog.isVisible()


# -- the procedure search ------------------------------------------------------------------


def test_up_down_move_the_result_and_enter_takes_it(
    qtbot: Any, window: Any, scan_clock: Any
) -> None:
    human(window, scan_clock)
    window.show_intake()
    v = window.intake.view
    v.procedure_search.setFocus()
    assert window.intake.model.rowCount() >= 3
    qtbot.keyClick(v.procedure_search, Qt.Key.Key_Down)
    qtbot.keyClick(v.procedure_search, Qt.Key.Key_Down)
    qtbot.keyClick(v.procedure_search, Qt.Key.Key_Up)
    assert v.procedure_table.currentIndex().row() == 1
    assert v.procedure_search.hasFocus()
    expected = window.intake.model.row_value(1)
    qtbot.keyClick(v.procedure_search, Qt.Key.Key_Return)
    assert window.intake.procedure == expected


def test_a_search_without_result_says_so(qtbot: Any, window: Any) -> None:
    window.show_intake()
    v = window.intake.view
    v.procedure_search.setText("xyzkhongco")
    assert window.intake.model.rowCount() == 0
    assert v.procedure_hint.isVisible()
    assert "Không tìm thấy thủ tục nào khớp “xyzkhongco”" in v.procedure_hint.text()
    qtbot.keyClick(v.procedure_search, Qt.Key.Key_Return)
    assert window.intake.procedure is None
    v.procedure_search.setText("khai sinh")
    assert not v.procedure_hint.isVisible()


# -- after a card scan, after a save ---------------------------------------------------------


def test_card_scan_focuses_the_first_empty_required_field(qtbot: Any, window: Any) -> None:
    activate(qtbot, window)
    window.show_intake()
    window.route_scan(QR)
    v = window.intake.view
    assert v.full_name.text() == "Lê Thị Hoa"
    qtbot.waitUntil(v.procedure_search.hasFocus)  # no procedure chosen yet
    window.intake.cancel()
    window.intake.select_procedure_code(fakes.sample_procedures()[0].code)
    window.route_scan(QR)
    qtbot.waitUntil(v.checklist.hasFocus)  # required papers not ticked yet


def test_second_ctrl_enter_after_a_save_does_nothing(
    qtbot: Any, window: Any, ctx: Any, scan_clock: Any
) -> None:
    activate(qtbot, window)
    human(window, scan_clock)
    window.show_intake()
    fill_valid(qtbot, window)
    v = window.intake.view
    with qtbot.waitSignal(window.intake.dossier_saved, timeout=5000) as saved:
        qtbot.keyClick(v.address, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    code = saved.args[0].code
    qtbot.waitUntil(lambda: not window.intake.saving)
    focused = window.focusWidget()
    qtbot.keyClick(focused, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert all(not row.error.isVisible() for row in v.rows.values())
    assert code in v.message.text() and v.message.kind == "info"
    assert len(ctx.store.dossiers) == 1


# -- notices clear on the next action --------------------------------------------------------


def test_an_unknown_scan_notice_goes_with_the_next_action(qtbot: Any, window: Any) -> None:
    window.route_scan("###rac###")
    assert "Không nhận ra mã" in window.notice.text()
    window.tabs.setCurrentIndex(0)
    window.tabs.setCurrentIndex(1)
    assert window.notice.text() == ""
    window.route_scan("###rac###")
    window.route_scan(QR)
    assert "Không nhận ra mã" not in window.notice.text()


def test_a_good_reprint_replaces_the_print_failure(qtbot: Any, window: Any) -> None:
    code = "000.00.06.H56-260212-0001"
    doc = fakes.RenderedDocument("receipt", 1, code, b"%PDF", "", Path("x.pdf"), "A5", "")
    window.print_flow.print_failed.emit("000.00.06.H56-260212-0001", "hết giấy")
    assert window.notice.property("error")
    window.print_flow.printed.emit(doc, "fake-printer")
    assert not window.notice.property("error")
    assert "In không thành công" not in window.notice.text()
    assert "Đã gửi" in window.notice.text()


# -- input checks (issue 12 §3) --------------------------------------------------------------


def test_an_emoji_in_the_name_is_shown_by_the_field_and_nothing_is_saved(
    qtbot: Any, admin_window: Any
) -> None:
    window = admin_window
    window.show_intake()
    intake = window.intake
    assert intake.select_procedure_code("1.014137")
    intake.fill_person(Person("Lê Thị Hoa 😀", "038195001234", address="Thanh Hóa"))
    intake.save_and_print()
    row = intake.view.rows["applicant.full_name"]
    assert row.error.isVisibleTo(intake.view)
    assert "biểu tượng cảm xúc" in row.error.text()
    assert intake.view.message.kind == "error" and intake.view.message.isVisibleTo(intake.view)
    assert not intake.saving
    assert window.ctx.reception.unprinted_receipts() == []
