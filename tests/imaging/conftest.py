"""Imaging tests run against the real programs: SANE's ``test`` backend through ``scanimage``,
img2pdf, pikepdf, ocrmypdf with Tesseract's Vietnamese model, poppler's pdftotext."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from motcua_desk.imaging.sane import ScanimageScanner
from motcua_desk.resources import data_root

VIETNAMESE_LINES = (
    "Giấy khai sinh của Nguyễn Thị Ngọc Huyền",
    "Ủy ban nhân dân phường Điện Biên",
)


def sane_env(tmp: Path) -> dict[str, str]:
    """SANE configured with only the frontend-tester device, without touching /etc/sane.d."""
    conf = tmp / "sane.d"
    conf.mkdir(exist_ok=True)
    (conf / "dll.conf").write_text("test\n")
    return dict(os.environ, SANE_CONFIG_DIR=str(conf))


@pytest.fixture
def sane(tmp_path: Path) -> ScanimageScanner:
    return ScanimageScanner(env=sane_env(tmp_path))


def render_text_page(out: Path) -> Path:
    """An A4 PDF page with known Vietnamese text (to rasterise for OCR tests)."""
    font = next((data_root() / "resources" / "fonts").glob("LiberationSerif-Regular.ttf"))
    pdfmetrics.registerFont(TTFont("OcrTestSerif", str(font)))
    c = canvas.Canvas(str(out), pagesize=(595, 842))
    c.setFont("OcrTestSerif", 20)
    for i, line in enumerate(VIETNAMESE_LINES):
        c.drawString(60, 700 - 40 * i, line)
    c.save()
    return out
