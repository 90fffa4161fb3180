"""About box: versions of the app and its parts, and the database schema revision (issue 8)."""

from __future__ import annotations

import platform
import sys
from typing import Any

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from motcua_desk import __version__


def about_lines(ctx: Any) -> list[str]:
    import reportlab
    import sqlalchemy

    from motcua_desk.storage.migrate import head_revision

    db_rev = ctx.db_revision or "?"
    head = head_revision()
    schema = f"{db_rev}" + ("" if db_rev == head else f" (phiên bản phần mềm: {head})")
    return [
        f"motcua_desk {__version__}",
        f"Cơ sở dữ liệu: lược đồ {schema}",
        f"Thư mục dữ liệu: {ctx.paths.data_dir}",
        f"Python {platform.python_version()} ({sys.platform})",
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}",
        f"SQLAlchemy {sqlalchemy.__version__}, reportlab {reportlab.Version}",
    ]


def show_about(parent: QWidget | None, ctx: Any) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("about_box")
    box.setWindowTitle("Giới thiệu phần mềm")
    box.setText("<b>Phần mềm Bộ phận Một cửa</b>")
    box.setInformativeText("\n".join(about_lines(ctx)))
    box.setIcon(QMessageBox.Icon.Information)
    box.open()
    return box
