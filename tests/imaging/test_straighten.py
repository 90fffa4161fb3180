"""Deskew and auto-rotate without OCR (imaging/straighten.py): a rendered page with known
Vietnamese text and a ruled line is skewed or turned; straightening reduces the skew, measured
on the ruled line (not with the detector itself), and finds the upright turn with Tesseract's
orientation detection."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from motcua_desk.imaging.straighten import (
    MIN_SKEW,
    deskew_image,
    detect_skew,
    detect_turn,
    parse_osd,
)
from motcua_desk.resources import data_root

LINES = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Giấy khai sinh của Nguyễn Thị Ngọc Huyền",
    "Ủy ban nhân dân phường Điện Biên",
)
RULE_Y = 160  # pixels from the top of the 200 dpi page


def text_page(path: Path, lines: int = 28) -> Path:
    """A 200 dpi greyscale A4 page: Vietnamese text lines and one ruled line across."""
    font = data_root() / "resources" / "fonts" / "LiberationSerif-Regular.ttf"
    pdfmetrics.registerFont(TTFont("StraightenSerif", str(font)))
    pdf = path.with_suffix(".pdf")
    c = canvas.Canvas(str(pdf), pagesize=(595, 842))
    c.setFont("StraightenSerif", 14)
    for i in range(lines):
        c.drawString(60, 740 - 24 * i, f"{LINES[i % len(LINES)]} — dòng {i + 1}")
    c.save()
    image = pdfium.PdfDocument(str(pdf))[0].render(scale=200 / 72).to_pil().convert("L")
    ImageDraw.Draw(image).rectangle((40, RULE_Y, image.width - 40, RULE_Y + 3), fill=0)
    image.save(path, dpi=(200, 200))
    return path


def skewed(src: Path, dst: Path, degrees: float) -> Path:
    with Image.open(src) as im:
        im.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=255).save(
            dst, dpi=(200, 200)
        )
    return dst


def rule_angle(path: Path) -> float:
    """The ruled line's angle in degrees, from the first dark pixel near each of its ends."""
    with Image.open(path) as im:
        grey = im.convert("L")

    def top_dark(x: int) -> int:
        for y in range(0, RULE_Y + 200):
            if grey.getpixel((x, y)) < 96:  # type: ignore[operator]
                return y
        raise AssertionError(f"no ruled line at x={x}")

    left, right = 300, grey.width - 300
    return math.degrees(math.atan2(top_dark(right) - top_dark(left), right - left))


def test_a_skewed_page_is_straightened(tmp_path: Path) -> None:
    page = text_page(tmp_path / "page.png")
    assert abs(rule_angle(page)) < 0.1
    for degrees in (4.0, -2.5, 6.0):
        bent = skewed(page, tmp_path / f"bent{degrees}.png", degrees)
        before = abs(rule_angle(bent))
        assert before > abs(degrees) - 0.5
        out = tmp_path / f"straight{degrees}.png"
        applied = deskew_image(bent, out)
        assert abs(applied + degrees) < 0.5  # the detector found the opposite turn
        after = abs(rule_angle(out))
        assert after < 0.5 and after < before / 4
        with Image.open(out) as im, Image.open(bent) as orig:
            assert im.size == orig.size and im.info.get("dpi") is not None


def test_a_straight_or_blank_page_is_left_as_scanned(tmp_path: Path) -> None:
    page = text_page(tmp_path / "page.png")
    assert abs(detect_skew(page)) < MIN_SKEW
    assert deskew_image(page, tmp_path / "out.png") == 0.0
    assert not (tmp_path / "out.png").exists()
    blank = tmp_path / "blank.png"
    Image.new("L", (800, 1100), 0).save(blank)  # the SANE test device's black page
    assert detect_skew(blank) == 0.0


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is a CI package")
def test_upside_down_and_sideways_pages_get_their_upright_turn(tmp_path: Path) -> None:
    page = text_page(tmp_path / "page.png")
    assert detect_turn(page) == 0
    with Image.open(page) as im:
        im.rotate(180).save(tmp_path / "down.png", dpi=(200, 200))
        im.rotate(90, expand=True).save(tmp_path / "left.png", dpi=(200, 200))  # turned ccw
    assert detect_turn(tmp_path / "down.png") == 180
    assert detect_turn(tmp_path / "left.png") == 90  # a clockwise quarter turn puts it upright
    ruled = tmp_path / "ruled.png"
    image = Image.new("L", (1653, 2339), 255)
    ImageDraw.Draw(image).rectangle((40, RULE_Y, 1600, RULE_Y + 3), fill=0)
    image.save(ruled, dpi=(200, 200))
    assert detect_turn(ruled) == 0  # no text: no guess


def test_orientation_report_is_parsed() -> None:
    report = (
        "Page number: 0\nOrientation in degrees: 180\nRotate: 180\nOrientation confidence: 13.66\n"
    )
    assert parse_osd(report) == 180
    assert parse_osd(report.replace("13.66", "0.40")) == 0  # not sure: left as it is
    assert parse_osd(report.replace("Rotate: 180", "Rotate: 90")) == 90
    assert parse_osd(report.replace("Rotate: 180", "Rotate: 0")) == 0
    assert parse_osd("") == 0


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=5000))
def test_fuzzed_orientation_reports_never_crash(text: str) -> None:
    assert parse_osd(text) in (0, 90, 180, 270)
    assert parse_osd(f"Rotate: 270\nOrientation confidence: 9.5\n{text}") in (0, 90, 180, 270)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(1, 120),
    st.integers(1, 160),
    st.binary(min_size=0, max_size=64),
    st.sampled_from(["L", "RGB", "1"]),
)
def test_fuzzed_pages_are_straightened_or_left(
    width: int, height: int, seed: bytes, mode: str
) -> None:
    import tempfile

    data = (seed or b"\x00") * ((width * height * 3) // max(1, len(seed or b"x")) + 1)
    image = Image.frombytes("L", (width, height), data[: width * height]).convert(mode)
    with tempfile.TemporaryDirectory() as d:
        src, dst = Path(d) / "p.png", Path(d) / "o.png"
        image.save(src)
        angle = deskew_image(src, dst)
        assert -8.0 <= angle <= 8.0
        if angle:
            with Image.open(dst) as out:
                assert out.size == (width, height)
