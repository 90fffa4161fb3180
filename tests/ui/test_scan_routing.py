"""Scans routed through the domain classifier: ID-card QR, dossier code, malformed input."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from PySide6.QtCore import Qt

from .conftest import press, type_text
from .fakes import FakeContext

QR = "038195001234|123456789|Lê Thị Hoa|15061995|Nữ|Số 12 Lê Lợi, Phường Điện Biên, TP Thanh Hóa, Thanh Hóa|20052021"


def scan(qtbot: Any, widget: Any, payload: str, window: Any) -> list[Any]:
    """Type ``payload`` + Enter as a scanner does (no delay between keys)."""
    with qtbot.waitSignal(window.scanned, timeout=3000) as blocker:
        type_text(widget, payload)
        press(widget, Qt.Key.Key_Return)
    return blocker.args


def test_id_card_burst_fills_applicant_while_focus_is_elsewhere(qtbot: Any, window: Any) -> None:
    v = window.intake.view
    window.show_intake()
    v.note.setText("ghi chú cũ")
    v.note.setFocus()
    assert scan(qtbot, v.note, QR, window) == [QR]
    assert v.note.text() == "ghi chú cũ"  # no scanned character leaked into the focused field
    assert v.full_name.text() == "Lê Thị Hoa"
    assert unicodedata.is_normalized("NFC", v.full_name.text())
    assert v.id_number.text() == "038195001234"
    assert v.birth_date.text() == "15/06/1995"
    assert v.sex.currentData() == "female"
    assert v.address.text().startswith("Số 12 Lê Lợi")
    assert "Lê Thị Hoa" in window.notice.text()


def test_id_card_nfd_burst_is_normalised(qtbot: Any, window: Any) -> None:
    window.show_intake()
    scan(qtbot, window.scan_box, unicodedata.normalize("NFD", QR), window)
    assert window.intake.view.full_name.text() == "Lê Thị Hoa"


def test_second_card_fills_submitter_when_box_open(qtbot: Any, window: Any) -> None:
    v = window.intake.view
    window.show_intake()
    scan(qtbot, v.full_name, QR, window)
    v.submitter_box.setChecked(True)
    other = "001090001234||Trần Văn Nam|01011990|Nam|Hà Nội|01012022"
    scan(qtbot, v.phone, other, window)
    assert v.full_name.text() == "Lê Thị Hoa"
    assert v.sub_full_name.text() == "Trần Văn Nam"


def test_scan_box_accepts_paste(qtbot: Any, window: Any) -> None:
    window.scan_box.setText(QR)  # pasted, not typed
    with qtbot.waitSignal(window.scanned, timeout=3000):
        qtbot.keyClick(window.scan_box, Qt.Key.Key_Return)
    assert window.intake.view.full_name.text() == "Lê Thị Hoa"
    assert window.scan_box.text() == ""


@pytest.mark.parametrize(
    "payload",
    [
        "038195001234|123456789|",  # too few fields
        "038195001234|123456789|Lê Thị Hoa|15061995|Nam|Số 12|20052021",  # sex contradicts the ID
        "999195001234|123456789|Lê Thị Hoa|15061995|Nữ|Số 12|20052021",  # unknown province
        "038195001234|123456789|Lê Thị Hoa|35131995|Nữ|Số 12|20052021",  # impossible date
        "||||||||||",
        "hello world, this is not a code",
        "ABC-991399-0001",  # dossier-code shape with an impossible date
    ],
)
def test_malformed_scans_fill_nothing_and_explain(qtbot: Any, window: Any, payload: str) -> None:
    window.show_intake()
    v = window.intake.view
    scan(qtbot, v.address, payload, window)
    assert v.full_name.text() == ""
    assert v.id_number.text() == ""
    assert v.address.text() == ""
    assert window.notice.text()
    assert "b00020" in window.notice.styleSheet()  # shown as an error


def test_dossier_code_scan_opens_the_dossier(
    qtbot: Any, window: Any, ctx: FakeContext, scan_clock: Any
) -> None:
    from .test_intake import fill_valid

    scan_clock.step = 0.2
    window.show_intake()
    fill_valid(qtbot, window)
    with qtbot.waitSignal(window.intake.dossier_saved, timeout=5000) as saved:
        window.intake.save_and_print()
    code = saved.args[0].code
    qtbot.waitUntil(lambda: bool(ctx.store.prints), timeout=10000)
    scan_clock.step = 0.0
    scan(qtbot, window.intake.view.note, code.lower(), window)
    qtbot.waitUntil(lambda: window.home.view.d_code.text() == code)
    assert window.tabs.currentIndex() == 0
    assert window.home.view.d_applicant.text() == saved.args[0].applicant.full_name
    assert "fake-printer" in window.home.view.d_prints.text()


def test_unknown_dossier_code_is_reported(qtbot: Any, window: Any) -> None:
    scan(qtbot, window.scan_box, "000.00.06.H56-260212-9999", window)
    qtbot.waitUntil(lambda: "Không tìm thấy" in window.notice.text())


def test_procedure_code_scan_selects_procedure(qtbot: Any, window: Any) -> None:
    scan(qtbot, window.scan_box, "2.000908", window)
    assert window.intake.procedure is not None
    assert window.intake.procedure.code == "2.000908"


def test_personal_id_scan_fills_id(qtbot: Any, window: Any) -> None:
    scan(qtbot, window.scan_box, "038195001234", window)
    assert window.intake.view.id_number.text() == "038195001234"
