"""No English where a clerk looks (issue 12 §3): every page and every dialog, real services.

Qt's own labels (standard buttons, file dialogs, the "Show Details..." of a message box, the
right-click menu of text fields, the wizard's buttons) come from the Vietnamese translation the
app installs; without it this test finds "Yes", "Cancel", "Look in:", "&Undo"…
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, Person, Status
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.ui.app import create_main_window

from .english import english_in, is_english
from .fakes import FakePrinterBackend

UNIT = UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa")
HOA = Person("Lê Thị Hoa", "038195001234", address="Thanh Hóa", kind=ApplicantKind.CITIZEN)


def modal_english(qtbot: Any, open_dialog: Callable[[], object]) -> list[tuple[str, str]]:
    """Open a dialog (blocking or not), read its labels, close it; returns the English ones."""
    found: list[tuple[str, str]] = []
    seen: list[QWidget] = []

    def inspect() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or widget in seen:
            return
        seen.append(widget)
        found.extend(english_in(widget))
        found.append(("<title>", widget.windowTitle()) if not widget.windowTitle() else ("", ""))
        if isinstance(widget, QDialog):
            widget.reject()
        else:
            widget.close()

    timer = QTimer()
    timer.timeout.connect(inspect)
    timer.start(20)
    try:
        open_dialog()
        qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    finally:
        timer.stop()
    return [(where, text) for where, text in found if where]


@pytest.fixture
def real(qtbot: Any, tmp_path: Path) -> Any:
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    dossier = ctx.reception.receive(IntakeDraft("1.014137", HOA), admin)
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    yield ctx, admin, dossier, window
    window.shutdown()


def test_the_detector_sees_untranslated_qt_labels() -> None:
    for text in ("&Yes", "Cancel", "Show Details...", "Look &in:", "Cu&t", "&Next >", "Name"):
        assert is_english(text), text
    for text in ("Đồng ý", "Hủy", "Xuất Excel", "In phiếu (A5)", "Mã hồ sơ", "F2"):
        assert not is_english(text), text


def test_every_page_and_its_menus(qtbot: Any, real: Any) -> None:
    *_, window = real
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(10)
    assert window.tabs.count() >= 10  # admin: every page, settings included
    assert english_in(window) == []


def test_message_boxes_and_input_dialogs(qtbot: Any, real: Any) -> None:
    from motcua_desk.ui import app, errors
    from motcua_desk.ui.screens.intake import dialogs as intake_dialogs

    ctx, _admin, _dossier, window = real
    assert modal_english(qtbot, lambda: intake_dialogs.confirm(window, "Đóng?")) == []
    assert modal_english(qtbot, lambda: intake_dialogs.ask_reason(window, "In lại", "Lý do")) == []
    assert modal_english(qtbot, window.lookup._ask_reprint_reason) == []  # noqa: SLF001
    assert modal_english(qtbot, app._already_running) == []  # noqa: SLF001
    # The error dialog of a bug carries the technical detail behind "Xem chi tiết…".
    assert modal_english(qtbot, lambda: errors.show(RuntimeError("bug"))) == []
    assert modal_english(qtbot, lambda: window.show_about()) == []


def test_the_file_dialog_is_qts_own_and_vietnamese(qtbot: Any, real: Any) -> None:
    from PySide6.QtWidgets import QFileDialog

    *_, window = real
    assert window.reports is not None
    dialogs: list[QWidget] = []

    def capture() -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None:
            dialogs.append(widget)

    timer = QTimer()
    timer.timeout.connect(capture)
    timer.start(20)
    found = modal_english(
        qtbot,
        lambda: window.reports._on_export_clicked("pdf"),  # noqa: SLF001
    )
    timer.stop()
    assert isinstance(dialogs[0], QFileDialog)  # not the OS's, whose language we cannot set
    assert found == []


def test_screen_dialogs(qtbot: Any, real: Any) -> None:
    from motcua_desk.ui.screens.day_close.dialogs import SupervisorDialog
    from motcua_desk.ui.screens.first_run.controller import FirstRunController
    from motcua_desk.ui.screens.intake.dialogs import SupplementDialog as IntakeSupplement
    from motcua_desk.ui.screens.login.controller import LoginController
    from motcua_desk.ui.screens.lookup import dialogs as lookup
    from motcua_desk.ui.screens.returns.citizen import CitizenRatingWindow

    ctx, _admin, dossier, window = real
    built: list[QWidget] = [
        IntakeSupplement(["Tờ khai"], window),
        lookup.HandOverDialog(dossier, ["Phòng Tư pháp"], window),
        lookup.NoteDialog("Nhận kết quả", "Ghi nhận kết quả.", dossier, window),
        lookup.SupplementDialog(dossier, window),
        lookup.ExtensionDialog(dossier, window, latest_apology="11/02/2026"),
        lookup.ReasonDialog("Dừng xử lý", "Lý do dừng.", dossier, window),
        SupervisorDialog("Chốt sổ", "Lãnh đạo xác nhận.", "Ghi chú", "Chốt sổ", window),
        LoginController(ctx, window.runner).view,
        FirstRunController(ctx).view,
        CitizenRatingWindow(dossier.code),
        window.log_window,
    ]
    for widget in built:
        assert english_in(widget) == [], type(widget).__name__
        if widget is not window.log_window:
            widget.deleteLater()


def test_the_print_preview(qtbot: Any, real: Any) -> None:
    ctx, _admin, dossier, window = real
    doc = ctx.documents.render("receipt", ctx.reception.get_by_code(dossier.code))
    preview = window.show_preview(doc)
    assert english_in(preview) == []
    preview.reject()


def test_a_warning_box_with_details_reads_vietnamese(qtbot: Any) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, "Bộ phận Một cửa", "Đã xảy ra lỗi.")
    box.setDetailedText("Traceback …")
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    box.show()
    assert english_in(box) == []
    assert Status  # the real statuses are importable alongside (no fake types here)


def test_the_compiled_translation_matches_its_source(tmp_path: Path) -> None:
    """qt_vi.qm is what pyside6-lrelease makes of qt_vi.ts (edit the .ts, then recompile)."""
    import shutil
    import subprocess
    import sys

    from motcua_desk.ui import translation

    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    if not lrelease.exists():
        found = shutil.which("pyside6-lrelease")
        assert found, "pyside6-lrelease ships with PySide6"
        lrelease = Path(found)
    source = translation.qm_path().with_suffix(".ts")
    out = tmp_path / "qt_vi.qm"
    subprocess.run([str(lrelease), str(source), "-qm", str(out)], check=True, capture_output=True)
    assert out.read_bytes() == translation.qm_path().read_bytes()


def test_the_application_installs_it(qapp: QApplication) -> None:
    from PySide6.QtCore import QCoreApplication, QLocale, Qt

    from motcua_desk.ui.app import ensure_app

    assert ensure_app([]) is qapp
    assert QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
    assert QLocale().language() is QLocale.Language.Vietnamese
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"
