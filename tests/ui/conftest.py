"""Fixtures for UI tests: fake services, a main window, typing helpers."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from . import fakes


def type_text(widget: QWidget, text: str) -> None:
    """Type any text (Vietnamese too) as key events carrying the text (toolchain.md §3)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch)
            )


def press(
    widget: QWidget, key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, key, mods, ""))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def decode_pdf(pdf: bytes, dpi: int = 300) -> list[tuple[str, str]]:
    """(format, text) of every barcode on every page, rendered with QtPdf + zxing-cpp."""
    import zxingcpp
    from PIL import Image

    from motcua_desk.ui.printer import render_pdf_pages

    found: list[tuple[str, str]] = []
    for page in render_pdf_pages(pdf, dpi):
        gray = page.convertToFormat(QImage.Format.Format_Grayscale8)
        image = Image.frombuffer(
            "L",
            (gray.width(), gray.height()),
            bytes(gray.constBits()),
            "raw",
            "L",
            gray.bytesPerLine(),
            1,
        )
        found += [(r.format.name, r.text) for r in zxingcpp.read_barcodes(image)]
    return found


@pytest.fixture(autouse=True)
def _vietnamese_qt(qapp: QApplication) -> None:
    """Qt's own strings in Vietnamese, as ``app.ensure_app`` installs them in the product."""
    from motcua_desk.ui import translation

    assert translation.install(qapp)


@pytest.fixture
def ctx(tmp_path: Path) -> fakes.FakeContext:
    return fakes.make_context(tmp_path)


@pytest.fixture
def reported() -> Iterator[list[tuple[str, BaseException]]]:
    """Messages the app would show in error dialogs."""
    from motcua_desk.ui import errors

    shown: list[tuple[str, BaseException]] = []
    previous = errors.set_presenter(lambda message, exc: shown.append((message, exc)))
    yield shown
    errors.set_presenter(previous)


@pytest.fixture
def backend() -> fakes.FakePrinterBackend:
    return fakes.FakePrinterBackend()


@pytest.fixture
def scan_clock() -> fakes.StepClock:
    return fakes.StepClock(0.0)


@pytest.fixture
def window(
    qtbot: Any,
    ctx: fakes.FakeContext,
    backend: fakes.FakePrinterBackend,
    scan_clock: fakes.StepClock,
    reported: list[tuple[str, BaseException]],
) -> Iterator[Any]:
    from motcua_desk.ui.app import create_main_window
    from motcua_desk.ui.scanner import ScannerFilter

    scanner = ScannerFilter(None, clock=scan_clock)
    win = create_main_window(ctx, fakes.CLERK, backend=backend, scanner=scanner)
    win.intake.confirm = lambda _text: True
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()


@pytest.fixture
def real_ctx(tmp_path: Path) -> Any:
    """The bootstrap's context on a temporary database, with the unit set up."""
    from motcua_desk.bootstrap import build_context
    from motcua_desk.config import AppPaths
    from motcua_desk.services.accounts import UnitSetup

    ctx = build_context(AppPaths(tmp_path / "data", tmp_path / "logs"))
    unit = UnitSetup(
        "000.00.06.H56", "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa"
    )
    ctx.accounts.first_run(unit, "admin", "Nguyễn Văn An", "mat-khau-2026")
    return ctx


@pytest.fixture
def real_window(
    qtbot: Any,
    real_ctx: Any,
    backend: fakes.FakePrinterBackend,
    scan_clock: fakes.StepClock,
    reported: list[tuple[str, BaseException]],
) -> Iterator[Any]:
    """The main window on the real services (only the printer and the scan clock are fakes)."""
    from motcua_desk.ui.app import create_main_window
    from motcua_desk.ui.scanner import ScannerFilter

    admin = real_ctx.accounts.login("admin", "mat-khau-2026")
    scanner = ScannerFilter(None, clock=scan_clock)
    win = create_main_window(real_ctx, admin, backend=backend, scanner=scanner)
    win.intake.confirm = lambda _text: True
    qtbot.addWidget(win)
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()
