"""Scanner bursts are caught app-wide; human typing reaches the focused field unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from motcua_desk.ui.scanner import EXEMPT_PROPERTY, ScannerFilter

from .conftest import nfd, press, type_text
from .fakes import StepClock


class Form(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.a = QLineEdit()
        self.b = QLineEdit()
        layout = QVBoxLayout(self)
        layout.addWidget(self.a)
        layout.addWidget(self.b)


@pytest.fixture
def clock() -> StepClock:
    return StepClock(0.0)


@pytest.fixture
def scanner(qtbot: Any, clock: StepClock) -> Iterator[ScannerFilter]:
    f = ScannerFilter(None, clock=clock, max_gap_ms=35, min_chars=8)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(f)
    yield f
    app.removeEventFilter(f)


@pytest.fixture
def form(qtbot: Any) -> Form:
    w = Form()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


CODE = "000.00.06.H56-260212-0001"


def test_burst_is_emitted_and_does_not_reach_the_field(
    qtbot: Any, scanner: ScannerFilter, form: Form
) -> None:
    form.a.setText("đã gõ")
    with qtbot.waitSignal(scanner.scanned, timeout=2000) as blocker:
        type_text(form.a, CODE)
        press(form.a, Qt.Key.Key_Return)
    assert blocker.args == [CODE]
    assert form.a.text() == "đã gõ"
    assert not scanner.buffering


def test_vietnamese_burst_keeps_raw_text(qtbot: Any, scanner: ScannerFilter, form: Form) -> None:
    payload = "038195001234|123456789|Lê Thị Hoa|15061995|Nữ|Số 12 Lê Lợi|20052021"
    with qtbot.waitSignal(scanner.scanned, timeout=2000) as blocker:
        type_text(form.b, payload)
        press(form.b, Qt.Key.Key_Enter)
    assert blocker.args == [payload]
    assert form.b.text() == ""


def test_slow_typing_is_replayed_in_order(
    qtbot: Any, scanner: ScannerFilter, form: Form, clock: StepClock
) -> None:
    clock.step = 0.2  # 200 ms between readings: a human
    emitted: list[str] = []
    scanner.scanned.connect(emitted.append)
    text = "Nguyễn Văn An 0123456789"
    type_text(form.a, text)
    qtbot.waitUntil(lambda: form.a.text() == text, timeout=2000)
    press(form.a, Qt.Key.Key_Return)
    assert emitted == []


def test_fast_typing_without_enter_is_replayed_after_the_gap(
    qtbot: Any, scanner: ScannerFilter, form: Form
) -> None:
    type_text(form.a, "abcdefghijk")
    assert form.a.text() == ""  # buffered for at most the gap
    qtbot.waitUntil(lambda: form.a.text() == "abcdefghijk", timeout=2000)


def test_short_burst_then_enter_passes_enter_through(
    qtbot: Any, scanner: ScannerFilter, form: Form
) -> None:
    emitted: list[str] = []
    scanner.scanned.connect(emitted.append)
    with qtbot.waitSignal(form.a.returnPressed, timeout=2000):
        type_text(form.a, "12")
        press(form.a, Qt.Key.Key_Return)
    assert form.a.text() == "12"
    assert emitted == []


def test_nfd_typing_is_kept_for_the_field(
    qtbot: Any, scanner: ScannerFilter, form: Form, clock: StepClock
) -> None:
    clock.step = 0.2
    type_text(form.a, nfd("Hằng"))
    qtbot.waitUntil(lambda: form.a.text() == nfd("Hằng"), timeout=2000)


def test_control_chord_flushes_and_passes(qtbot: Any, scanner: ScannerFilter, form: Form) -> None:
    type_text(form.a, "abc")
    press(form.a, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # select all
    assert form.a.text() == "abc"
    assert form.a.selectedText() == "abc"


def test_exempt_widget_is_not_buffered(qtbot: Any, scanner: ScannerFilter, form: Form) -> None:
    form.b.setProperty(EXEMPT_PROPERTY, True)
    emitted: list[str] = []
    scanner.scanned.connect(emitted.append)
    type_text(form.b, "password123")
    assert form.b.text() == "password123"
    press(form.b, Qt.Key.Key_Return)
    assert emitted == []


def test_switching_target_flushes_previous_keys(
    qtbot: Any, scanner: ScannerFilter, form: Form
) -> None:
    type_text(form.a, "xy")
    type_text(form.b, "z")
    assert form.a.text() == "xy"
    qtbot.waitUntil(lambda: form.b.text() == "z", timeout=2000)


def test_deleted_target_is_ignored(qtbot: Any, scanner: ScannerFilter, clock: StepClock) -> None:
    edit = QLineEdit()
    type_text(edit, "abc")
    edit.deleteLater()
    qtbot.waitUntil(lambda: not scanner.buffering, timeout=2000)


def test_shift_presses_inside_a_burst_do_not_split_it(
    qtbot: Any, scanner: ScannerFilter, form: Form
) -> None:
    with qtbot.waitSignal(scanner.scanned, timeout=2000) as blocker:
        for ch in "000.00.06.H56-260212-0007":
            if ch.isupper():
                press(form.a, Qt.Key.Key_Shift, Qt.KeyboardModifier.ShiftModifier)
            type_text(form.a, ch)
        press(form.a, Qt.Key.Key_Return)
    assert blocker.args == ["000.00.06.H56-260212-0007"]
    assert form.a.text() == ""


def test_backspace_inside_a_burst_edits_the_buffer(
    qtbot: Any, scanner: ScannerFilter, form: Form
) -> None:
    form.a.setText("giữ nguyên")
    with qtbot.waitSignal(scanner.scanned, timeout=2000) as blocker:
        type_text(form.a, "ABC-2602dd")
        press(form.a, Qt.Key.Key_Backspace)  # Unikey: "dd" -> Backspace, "đ"
        press(form.a, Qt.Key.Key_Backspace)
        type_text(form.a, "đ12-0001")
        press(form.a, Qt.Key.Key_Return)
    assert blocker.args == ["ABC-2602đ12-0001"]
    assert form.a.text() == "giữ nguyên"


def test_backspace_outside_a_burst_reaches_the_field(
    qtbot: Any, scanner: ScannerFilter, form: Form, clock: StepClock
) -> None:
    clock.step = 0.2
    type_text(form.a, "ab")
    qtbot.waitUntil(lambda: form.a.text() == "ab", timeout=2000)
    press(form.a, Qt.Key.Key_Backspace)
    assert form.a.text() == "a"
