"""Test helpers: decode every barcode of a PDF and extract its text lines.

Used by the printing tests and, later, by UI/CUPS tests. Load it by path, e.g.::

    spec = importlib.util.spec_from_file_location("printing_decode", path_to_this_file)

Rasterises with poppler's ``pdftoppm`` (poppler-utils) and decodes with zxing-cpp.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader


def rasterise(pdf: bytes | Path, dpi: int = 300) -> list[Image.Image]:
    """Greyscale page images of ``pdf`` at ``dpi``."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes())
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(src), str(Path(tmp) / "page")],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pages = sorted(Path(tmp).glob("page*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        images = []
        for page in pages:
            with Image.open(page) as img:
                img.load()
                images.append(img.copy())
        return images


def decode_pdf(pdf: bytes | Path, dpi: int = 300) -> list[list[str]]:
    """Texts of every barcode found, one list per page (sorted for stable comparisons)."""
    return [sorted(r.text for r in zxingcpp.read_barcodes(img)) for img in rasterise(pdf, dpi)]


def decode_pdf_formats(pdf: bytes | Path, dpi: int = 300) -> list[list[tuple[str, str]]]:
    """(format name, text) of every barcode, one list per page."""
    return [
        sorted((r.format.name, r.text) for r in zxingcpp.read_barcodes(img))
        for img in rasterise(pdf, dpi)
    ]


def _reader(pdf: bytes | Path) -> PdfReader:
    return PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else Path(pdf))


def pdf_lines(pdf: bytes | Path) -> list[str]:
    """Every text line of every page, stripped and NFC-normalised."""
    lines: list[str] = []
    for page in _reader(pdf).pages:
        for line in page.extract_text().splitlines():
            line = unicodedata.normalize("NFC", line).strip()
            if line:
                lines.append(line)
    return lines


def page_lines(pdf: bytes | Path) -> list[list[str]]:
    """Stripped NFC text lines per page."""
    return [
        [
            unicodedata.normalize("NFC", x).strip()
            for x in page.extract_text().splitlines()
            if x.strip()
        ]
        for page in _reader(pdf).pages
    ]


def page_sizes(pdf: bytes | Path) -> list[tuple[float, float]]:
    """(width, height) in points of each page."""
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in _reader(pdf).pages]


def font_names(pdf: bytes | Path) -> set[str]:
    """Base font names used by the pages, subset prefixes removed."""
    names: set[str] = set()
    for page in _reader(pdf).pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.values():
            base = str(ref.get_object().get("/BaseFont", ""))
            names.add(base.lstrip("/").split("+")[-1])
    return names


def text_fonts(pdf: bytes | Path) -> set[str]:
    """Base font names of the fonts that actually draw visible text (subset prefix removed).

    reportlab's page preamble selects Helvetica without drawing with it, so
    :func:`font_names` lists it; this one does not.
    """
    used: set[str] = set()

    def visit(text: str, _cm: object, _tm: object, font: object, _size: object) -> None:
        if text.strip() and isinstance(font, dict):
            used.add(str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1])

    for page in _reader(pdf).pages:
        page.extract_text(visitor_text=visit)
    return used


def metadata(pdf: bytes | Path) -> dict[str, str]:
    meta = _reader(pdf).metadata or {}
    return {str(k): str(v) for k, v in meta.items()}
