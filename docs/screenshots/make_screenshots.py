"""Regenerate docs/screenshots/intake.png (offscreen): ``.venv/bin/python docs/screenshots/make_screenshots.py``."""

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

    from motcua_desk.ui.fonts import apply_app_font
    from tests.ui import fakes

    from motcua_desk.ui.app import create_main_window

    app = QApplication.instance() or QApplication([])
    apply_app_font(app, 10)
    ctx = fakes.make_context(Path(tempfile.mkdtemp()), procedures=30)
    window = create_main_window(ctx, fakes.CLERK, backend=fakes.FakePrinterBackend())
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
