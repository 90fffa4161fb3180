"""Real-window scanner test: xdotool types a dossier code into the focused field (Xvfb, xcb).

Run by scripts/test.sh as ``xvfb-run ... env QT_QPA_PLATFORM=xcb pytest -m x11``.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication

pytestmark = pytest.mark.x11

CODE = "000.00.06.H56-260212-0007"


@pytest.fixture(autouse=True)
def _needs_xcb(qapp: Any) -> None:
    if QGuiApplication.platformName() != "xcb":
        pytest.skip("needs a real X server (QT_QPA_PLATFORM=xcb under Xvfb)")
    if shutil.which("xdotool") is None:
        pytest.fail("xdotool is not installed")


def test_xdotool_burst_is_a_scan_and_does_not_reach_the_field(qtbot: Any, window: Any) -> None:
    window.show_intake()
    field = window.intake.view.note
    field.setText("ghi chú")
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=5000)
    with qtbot.waitSignal(window.scanned, timeout=10000) as blocker:
        proc = subprocess.Popen(
            ["sh", "-c", f"xdotool type --delay 5 '{CODE}' && xdotool key Return"]
        )
    proc.wait(timeout=10)
    assert blocker.args == [CODE]
    assert field.text() == "ghi chú"
    qtbot.waitUntil(lambda: "Không tìm thấy" in window.notice.text(), timeout=5000)


def test_xdotool_slow_typing_reaches_the_field(qtbot: Any, window: Any) -> None:
    window.show_intake()
    field = window.intake.view.note
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=5000)
    emitted: list[str] = []
    window.scanned.connect(emitted.append)
    proc = subprocess.Popen(["xdotool", "type", "--delay", "120", "abc123xyz"])
    qtbot.waitUntil(lambda: field.text() == "abc123xyz", timeout=15000)
    proc.wait(timeout=10)
    assert emitted == []
