"""Application fonts with full Vietnamese coverage.

The Qt wheels ship no fonts. We register every TTF under ``resources/fonts`` and use the first
family we know to be complete; until those files exist, fall back to system fonts (DejaVu,
Liberation 2.x) and finally to Qt's default.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from motcua_desk.resources import fonts_dir

log = logging.getLogger(__name__)

PREFERRED_FAMILIES = ("Liberation Sans", "Arimo", "Noto Sans", "DejaVu Sans", "Liberation Serif")
SYSTEM_FALLBACK_FILES = (
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
)


def register_fonts(directory: Path | None = None) -> list[str]:
    """Register bundled TTFs; return the families Qt accepted (failures are logged)."""
    directory = fonts_dir() if directory is None else directory
    files = sorted(directory.glob("*.ttf")) + sorted(directory.glob("*.otf"))
    if not files:
        files = [p for p in SYSTEM_FALLBACK_FILES if p.exists()]
        if not files:
            log.warning("no bundled fonts in %s; Vietnamese may show as boxes", directory)
    families: list[str] = []
    for path in files:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id == -1:
            log.warning("font rejected by Qt: %s", path.name)
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    return families


def choose_family(available: list[str]) -> str | None:
    for family in PREFERRED_FAMILIES:
        if family in available:
            return family
    return available[0] if available else None


def apply_app_font(app: QApplication, point_size: int = 11) -> str | None:
    """Register fonts and set the app font; returns the family used (None = Qt default)."""
    family = choose_family(register_fonts())
    if family is not None:
        app.setFont(QFont(family, point_size))
    return family
