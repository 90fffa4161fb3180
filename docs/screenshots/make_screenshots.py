"""Regenerate docs/screenshots/intake.png (offscreen, real services on a temporary database): ``.venv/bin/python docs/screenshots/make_screenshots.py``."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from motcua_desk.bootstrap import build_context
    from motcua_desk.config import AppPaths
    from motcua_desk.services.accounts import UnitSetup
    from motcua_desk.ui.app import create_main_window
    from motcua_desk.ui.fonts import apply_app_font
    from tests.ui import fakes

    app = QApplication.instance() or QApplication([])
    apply_app_font(app, 10)
    base = Path(tempfile.mkdtemp())
    ctx = build_context(AppPaths(base / "data", base / "logs"))  # the real services
    clerk = ctx.accounts.first_run(
        UnitSetup(
            "000.00.06.H56",
            "Bộ phận Tiếp nhận và Trả kết quả phường Hạc Thành",
            "UBND PHƯỜNG HẠC THÀNH",
            "Quầy số 1",
            "Thanh Hóa",
        ),
        "hangnt",
        "Nguyễn Thị Hằng",
        "mat-khau-2026",
    )
    window = create_main_window(ctx, clerk, backend=fakes.FakePrinterBackend())
    window.resize(1366, 820)
    window.show()
    window.route_scan(
        "038195001234|123456789|Lê Thị Hoa|15061995|Nữ|"
        "Số 12 Lê Lợi, Phường Điện Biên, TP Thanh Hóa, Thanh Hóa|20052021"
    )
    v = window.intake.view
    v.procedure_search.setText("khai sinh")
    window.intake.select_procedure_code("1.001193")
    v.checklist.item(0).setCheckState(Qt.CheckState.Checked)
    v.phone.setText("0912345678")
    v.email.setText("hoa.le@example.vn")
    v.phone.setFocus()
    app.processEvents()
    out = Path(__file__).with_name("intake.png")
    window.grab().save(str(out))
    window.shutdown()
    print(out)


if __name__ == "__main__":
    main()
