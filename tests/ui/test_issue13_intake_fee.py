"""Issue 13: the fee of a dossier at intake (timing proposed from the catalogue and the unit's
setting; amount and receipt number when paid now), on the real services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.fees import FeeTiming
from motcua_desk.ui.app import create_main_window

from .fakes import FakePrinterBackend
from .test_postal_page import HOA, UNIT


def test_fee_paid_at_intake_is_checked_and_saved(qtbot: Any, tmp_path: Path) -> None:
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"))
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    window = create_main_window(ctx, admin, backend=FakePrinterBackend())
    qtbot.addWidget(window)
    intake = window.intake
    v = intake.view
    assert intake.select_procedure_code("1.014137")  # no fee in the catalogue
    assert v.fee_timing.currentData() == "no_fee"
    assert intake.select_procedure_code("2.001019")  # 50,000 đồng: the unit's default
    assert v.fee_timing.currentData() == "at_return"
    intake.fill_person(HOA)
    for i in range(v.checklist.count()):
        v.checklist.item(i).setCheckState(Qt.CheckState.Checked)
    v.fee_timing.setCurrentIndex(v.fee_timing.findData("at_intake"))
    intake.save_and_print()  # paid now, but no amount or receipt: refused, nothing saved
    assert "Chưa nhập" in v.rows["fee_paid_vnd"].error.text()
    assert "Chưa nhập" in v.rows["fee_receipt_no"].error.text()
    v.fee_paid.setValue(50_000)
    v.fee_receipt_no.setText("0001234")
    with qtbot.waitSignal(intake.dossier_saved, timeout=10000) as saved:
        intake.save_and_print()
    d = saved.args[0]
    assert (d.fee_timing, d.fee_paid_vnd, d.fee_receipt_no) == (
        FeeTiming.AT_INTAKE,
        50_000,
        "0001234",
    )
    window.shutdown()
