"""Scans routed through the domain classifier: ID-card QR, dossier code, malformed input.

The window runs on the real services on a temporary database."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from PySide6.QtCore import Qt

from .conftest import press, type_text

QR = "038195001234|123456789|Lê Thị Hoa|15061995|Nữ|Số 12 Lê Lợi, Phường Điện Biên, TP Thanh Hóa, Thanh Hóa|20052021"


def scan(qtbot: Any, widget: Any, payload: str, window: Any) -> list[Any]:
    """Type ``payload`` + Enter as a scanner does (no delay between keys)."""
    with qtbot.waitSignal(window.scanned, timeout=3000) as blocker:
        type_text(widget, payload)
        press(widget, Qt.Key.Key_Return)
    return blocker.args


def test_id_card_burst_fills_applicant_while_focus_is_elsewhere(
    qtbot: Any, real_window: Any
) -> None:
    v = real_window.intake.view
    real_window.show_intake()
    v.note.setText("ghi chú cũ")
    v.note.setFocus()
    assert scan(qtbot, v.note, QR, real_window) == [QR]
    assert v.note.text() == "ghi chú cũ"  # no scanned character leaked into the focused field
    assert v.full_name.text() == "Lê Thị Hoa"
    assert unicodedata.is_normalized("NFC", v.full_name.text())
    assert v.id_number.text() == "038195001234"
    assert v.birth_date.text() == "15/06/1995"
    assert v.sex.currentData() == "female"
    assert v.address.text().startswith("Số 12 Lê Lợi")
    assert "Lê Thị Hoa" in real_window.notice.text()


def test_id_card_nfd_burst_is_normalised(qtbot: Any, real_window: Any) -> None:
    real_window.show_intake()
    scan(qtbot, real_window.scan_box, unicodedata.normalize("NFD", QR), real_window)
    assert real_window.intake.view.full_name.text() == "Lê Thị Hoa"


def test_second_card_fills_submitter_when_box_open(qtbot: Any, real_window: Any) -> None:
    v = real_window.intake.view
    real_window.show_intake()
    scan(qtbot, v.full_name, QR, real_window)
    v.submitter_box.setChecked(True)
    other = "001090001234||Trần Văn Nam|01011990|Nam|Hà Nội|01012022"
    scan(qtbot, v.phone, other, real_window)
    assert v.full_name.text() == "Lê Thị Hoa"
    assert v.sub_full_name.text() == "Trần Văn Nam"


def test_scan_box_accepts_paste(qtbot: Any, real_window: Any) -> None:
    real_window.scan_box.setText(QR)  # pasted, not typed
    with qtbot.waitSignal(real_window.scanned, timeout=3000):
        qtbot.keyClick(real_window.scan_box, Qt.Key.Key_Return)
    assert real_window.intake.view.full_name.text() == "Lê Thị Hoa"
    assert real_window.scan_box.text() == ""


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
def test_malformed_scans_fill_nothing_and_explain(
    qtbot: Any, real_window: Any, payload: str
) -> None:
    real_window.show_intake()
    v = real_window.intake.view
    scan(qtbot, v.address, payload, real_window)
    assert v.full_name.text() == ""
    assert v.id_number.text() == ""
    assert v.address.text() == ""
    assert real_window.notice.text()
    assert "b00020" in real_window.notice.styleSheet()  # shown as an error


def test_dossier_code_scan_opens_the_dossier(qtbot: Any, real_window: Any, real_ctx: Any) -> None:
    from motcua_desk.domain.dossier import ApplicantKind, Person
    from motcua_desk.services.reception import IntakeDraft

    hoa = Person("Lê Thị Hoa", "038195001234", address="Thanh Hóa", kind=ApplicantKind.CITIZEN)
    admin = real_ctx.accounts.login("admin", "mat-khau-2026")
    d = real_ctx.reception.receive(IntakeDraft("1.014137", hoa), admin)
    real_window.show_intake()
    scan(qtbot, real_window.intake.view.note, d.code.lower(), real_window)
    lookup = real_window.lookup
    qtbot.waitUntil(lambda: lookup.file is not None and lookup.file.dossier.code == d.code)
    assert real_window.tabs.currentWidget() is lookup.view
    assert real_window.intake.view.note.text() == ""  # nothing leaked into the focused field


def test_unknown_dossier_code_is_reported(qtbot: Any, real_window: Any) -> None:
    scan(qtbot, real_window.scan_box, "000.00.06.H56-260212-9999", real_window)
    qtbot.waitUntil(lambda: "Không tìm thấy" in real_window.notice.text())


def test_procedure_code_scan_selects_procedure(qtbot: Any, real_window: Any) -> None:
    scan(qtbot, real_window.scan_box, "1.014137", real_window)
    assert real_window.intake.procedure is not None
    assert real_window.intake.procedure.code == "1.014137"


def test_personal_id_scan_fills_id(qtbot: Any, real_window: Any) -> None:
    scan(qtbot, real_window.scan_box, "038195001234", real_window)
    assert real_window.intake.view.id_number.text() == "038195001234"
