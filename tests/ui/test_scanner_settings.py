"""The scanner section of the settings page (issue 15) on the real services and SANE's test
device: devices listed in the background, defaults shown, a test scan with the values on screen,
bad values refused next to the section, saved values used by the digitisation dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.ui.app import create_main_window
from motcua_desk.ui.screens.intake.digitise import DigitiseDialog

from .fakes import FakePrinterBackend
from .test_settings_about import UNIT


@pytest.fixture
def real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    conf = tmp_path / "sane.d"
    conf.mkdir()
    (conf / "dll.conf").write_text("test\n")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(conf))
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    return ctx, admin


def test_scanner_section_lists_tests_and_saves(qtbot: Any, real: Any) -> None:
    ctx, admin = real
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    page = window.settings_page
    assert page is not None
    v = page.view.scanner
    # Defaults of issue 15: 200 dpi, greyscale, feeder when present, OCR in Vietnamese.
    assert v.resolution.currentData() == 200 and v.mode.currentData() == "gray"
    assert v.source.currentData() == "auto" and v.adapter.currentData() == "sane"
    assert v.ocr.isChecked() and v.language.currentData() == "vie"
    assert v.deskew.isChecked() and v.auto_rotate.isChecked()

    v.find_button.click()
    assert not v.find_button.isEnabled()  # listing runs in the background
    qtbot.waitUntil(lambda: v.find_button.isEnabled(), timeout=20000)
    names = [v.device.itemData(i) for i in range(v.device.count())]
    assert "test:0" in names and "test:1" in names
    assert "Tìm thấy" in v.test_result.text()
    v.device.setCurrentIndex(v.device.findData("test:1"))

    v.resolution.setCurrentIndex(v.resolution.findData(150))
    v.test_button.click()
    assert not v.test_button.isEnabled()
    qtbot.waitUntil(lambda: v.test_button.isEnabled(), timeout=20000)
    assert "Quét thử được 1 trang (150 dpi, Thang xám" in v.test_result.text()
    assert v.test_image.pixmap() is not None and not v.test_image.pixmap().isNull()
    assert ctx.settings.scan_resolution == 200  # a test scan saves nothing

    # A bad OCR language is refused and nothing is saved.
    v.language.setEditText("tiếng việt")
    page.view.save_button.click()
    qtbot.waitUntil(lambda: page.view.message.text().startswith("Chưa lưu"))
    assert "mã Tesseract" in v.test_result.text()
    assert ctx.settings.ocr_language == "vie"

    v.language.setCurrentIndex(v.language.findData("vie+eng"))
    v.mode.setCurrentIndex(v.mode.findData("color"))
    v.source.setCurrentIndex(v.source.findData("flatbed"))
    v.ocr.setChecked(False)
    assert not v.language.isEnabled()
    v.deskew.setChecked(False)
    v.required["number"].setChecked(True)
    with qtbot.waitSignal(page.saved, timeout=10000):
        page.view.save_button.click()
    s = ctx.settings
    assert (s.scanner_device, s.scan_resolution, s.scan_mode, s.scan_source) == (
        "test:1",
        150,
        "color",
        "flatbed",
    )
    assert (s.ocr_enabled, s.ocr_language, s.scan_deskew, s.scan_auto_rotate) == (
        False,
        "vie+eng",
        False,
        True,
    )
    assert s.digitisation_required_fields == "number"
    text = ctx.paths.settings_file.read_text(encoding="utf-8")
    assert 'scanner_device = "test:1"' in text and "scan_resolution = 150" in text

    # The dialog uses what was saved: a required number is asked for before saving.
    dialog = DigitiseDialog(ctx.digitisation, window.runner, ctx.settings, "Giấy chứng sinh")
    qtbot.addWidget(dialog)
    dialog.scan()
    qtbot.waitUntil(lambda: not dialog.scanning and dialog.save_button.isEnabled(), timeout=30000)
    assert dialog.pages  # scanned from test:1 (flatbed: one page)
    assert dialog.result_draft() is None
    assert "Số, ký hiệu" in dialog.message.text()
    dialog.number.setText("123/GCS")
    assert dialog.result_draft() is not None
    dialog.reject()
    window.shutdown()


def test_scanner_section_is_keyboard_usable_and_fits(qtbot: Any, real: Any) -> None:
    ctx, admin = real
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    page = window.settings_page
    assert page is not None
    window.tabs.setCurrentWidget(page.view)
    v = page.view.scanner
    focusable = [
        v.adapter,
        v.device,
        v.find_button,
        v.resolution,
        v.mode,
        v.source,
        v.deskew,
        v.auto_rotate,
        v.ocr,
        v.language,
        *v.required.values(),
        v.test_button,
    ]
    for w in focusable:
        assert w.focusPolicy() & Qt.FocusPolicy.TabFocus, w.objectName()
    assert window.width() <= 1280 and window.height() <= 720
    v.adapter.setFocus()
    QApplication.processEvents()
    assert page.view.scanner.isAncestorOf(QApplication.focusWidget())
    window.shutdown()
