"""Bundled fonts with full Vietnamese coverage, registered in reportlab on demand."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from motcua_desk import resources

from .errors import FontMissingError

#: reportlab font name -> TTF file name inside ``resources/fonts``.
FONT_FILES: dict[str, str] = {
    "LiberationSerif": "LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold": "LiberationSerif-Bold.ttf",
    "LiberationSerif-Italic": "LiberationSerif-Italic.ttf",
    "LiberationSerif-BoldItalic": "LiberationSerif-BoldItalic.ttf",
    "LiberationSans": "LiberationSans-Regular.ttf",
    "LiberationSans-Bold": "LiberationSans-Bold.ttf",
}


@dataclass(frozen=True)
class FontSet:
    """Names of the registered reportlab fonts; ``serif`` is also a family (<b>, <i> work)."""

    serif: str = "LiberationSerif"
    serif_bold: str = "LiberationSerif-Bold"
    serif_italic: str = "LiberationSerif-Italic"
    serif_bold_italic: str = "LiberationSerif-BoldItalic"
    sans: str = "LiberationSans"
    sans_bold: str = "LiberationSans-Bold"
    directory: Path = Path()

    def files(self) -> dict[str, Path]:
        """Font name -> TTF path, e.g. for the UI's ``QFontDatabase.addApplicationFont``."""
        return {name: self.directory / file for name, file in FONT_FILES.items()}


_lock = threading.Lock()
_registered: dict[Path, FontSet] = {}


def font_paths(fonts_dir: Path | None = None) -> dict[str, Path]:
    """Font name -> path of each bundled TTF (default directory: ``resources/fonts``)."""
    base = fonts_dir if fonts_dir is not None else resources.fonts_dir()
    return {name: base / file for name, file in FONT_FILES.items()}


_TTF_MAGIC = (b"\x00\x01\x00\x00", b"true")


def _check_truetype(path: Path) -> None:
    """Raise :class:`FontMissingError` unless ``path`` is a TrueType file."""
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise FontMissingError(path=str(path), reason="unreadable") from exc
    if magic not in _TTF_MAGIC:
        raise FontMissingError(path=str(path), reason="not_truetype")


def register_fonts(fonts_dir: Path | None = None) -> FontSet:
    """Register the bundled TTFs in reportlab once and return their names.

    Idempotent and thread-safe. Raises :class:`FontMissingError` if a file is missing or is
    not a readable TrueType font. reportlab's font registry is process-wide, so the first
    directory registered wins for the names in :data:`FONT_FILES`.
    """
    base = (fonts_dir if fonts_dir is not None else resources.fonts_dir()).resolve()
    with _lock:
        cached = _registered.get(base)
        if cached is not None:
            return cached
        paths = font_paths(base)
        for path in paths.values():
            _check_truetype(path)
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, path in paths.items():
            if name in registered:
                continue
            try:
                pdfmetrics.registerFont(TTFont(name, str(path)))
            except (TTFError, OSError) as exc:
                raise FontMissingError(path=str(path), reason=type(exc).__name__) from exc
        fs = FontSet(directory=base)
        pdfmetrics.registerFontFamily(
            fs.serif,
            normal=fs.serif,
            bold=fs.serif_bold,
            italic=fs.serif_italic,
            boldItalic=fs.serif_bold_italic,
        )
        # Sans has no italic files: map italic to the upright faces so <i> never fails.
        addMapping(fs.sans, 0, 0, fs.sans)
        addMapping(fs.sans, 1, 0, fs.sans_bold)
        addMapping(fs.sans, 0, 1, fs.sans)
        addMapping(fs.sans, 1, 1, fs.sans_bold)
        _registered[base] = fs
        return fs
