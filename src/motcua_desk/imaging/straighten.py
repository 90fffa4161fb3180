"""Deskew and auto-rotate of scanned pages without OCR (issue 15).

ocrmypdf's ``--deskew`` and ``--rotate-pages`` both ask Tesseract (``--psm 2`` for the skew,
``--psm 0`` for the orientation); with OCR off (``--tesseract-timeout 0`` or
``--ocr-engine none``) ocrmypdf 17 does not deskew at all (angle 0) and its page rotation still
runs Tesseract's orientation detection. So, for scans made while OCR is off (and before OCR when
it is on), the app does both itself:

- **Deskew** with Pillow only: the angle is the one, within ±8°, whose horizontal projection
  profile of the dark pixels has the highest variance (text lines become sharp peaks), searched
  coarse then fine on a reduced copy; the full page is then turned by that angle (white fill).
  Below 0.2° nothing is changed, so a straight page keeps its scanner bytes.
- **Auto-rotate** by 90/180/270° with Tesseract's orientation and script detection (``--psm 0``,
  the ``osd`` model of the tesseract-ocr package; no text layer is made). A page with too little
  text gives no confident answer and is left as it is. The turn is returned, not applied: it
  becomes the draft page's lossless ``/Rotate``, which the clerk sees and can undo.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image as PilImage

MAX_SKEW = 8.0  # degrees searched either way
MIN_SKEW = 0.2  # below this a page is left untouched
_WORK_WIDTH = 600  # pixels of the reduced copy the angle is searched on
_OSD_MIN_CONFIDENCE = 2.0


def _profile_score(image: PilImage, angle: float) -> float:
    """Variance of the row sums of ``image`` (dark = high) turned by ``angle`` degrees."""
    from PIL import Image

    turned = image.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
    numbers = turned.resize((1, turned.height), Image.Resampling.BOX).tobytes()  # mode L
    mean = sum(numbers) / len(numbers)
    return sum((v - mean) ** 2 for v in numbers)


def detect_skew(path: Path) -> float:
    """The angle (degrees, counter-clockwise positive as Pillow turns) that makes the page's
    text lines horizontal; 0.0 for a blank page."""
    from PIL import Image, ImageOps

    with Image.open(path) as im:
        grey = im.convert("L")
    ink = ImageOps.invert(_reduced(grey, _WORK_WIDTH))
    low, high = ink.getextrema()
    assert isinstance(low, int) and isinstance(high, int)  # mode L
    if high - low < 64:  # a blank or uniform page: no lines to align
        return 0.0
    coarse_ink = _reduced(ink, _WORK_WIDTH // 2)
    steps = int(MAX_SKEW * 2)
    centre = max((_profile_score(coarse_ink, a / 2), a / 2) for a in range(-steps, steps + 1))[1]
    fine = max((_profile_score(ink, centre + t / 10), centre + t / 10) for t in range(-5, 6))
    return max(-MAX_SKEW, min(MAX_SKEW, round(fine[1], 1)))


def _reduced(image: PilImage, width: int) -> PilImage:
    from PIL import Image

    if image.width <= width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.BOX)


def deskew_image(src: Path, dst: Path) -> float:
    """Write ``src`` straightened to ``dst`` (PNG, same resolution) and return the angle
    applied; 0.0 and nothing written when the page is straight enough."""
    from PIL import Image

    angle = detect_skew(src)
    if abs(angle) < MIN_SKEW:
        return 0.0
    with Image.open(src) as im:
        dpi = im.info.get("dpi")
        mode = im.mode if im.mode in ("L", "RGB", "1") else "RGB"
        page = im.convert(mode)
    white = 255 if mode in ("L", "1") else (255, 255, 255)
    resample = Image.Resampling.NEAREST if mode == "1" else Image.Resampling.BICUBIC
    turned = page.rotate(angle, resample=resample, fillcolor=white)
    if dpi:
        turned.save(dst, format="PNG", dpi=dpi)
    else:
        turned.save(dst, format="PNG")
    return angle


def _uniform(path: Path) -> bool:
    """A blank or single-tone page (nothing to read the orientation from)."""
    from PIL import Image

    with Image.open(path) as im:
        low, high = im.convert("L").getextrema()
    assert isinstance(low, int) and isinstance(high, int)
    return high - low < 64


_ROTATE_RE = re.compile(r"^Rotate:[ \t]*([0-9]+)", re.MULTILINE | re.ASCII)
_CONF_RE = re.compile(
    r"^Orientation confidence:[ \t]*([0-9]+(?:\.[0-9]+)?)", re.MULTILINE | re.ASCII
)


def orientation_available() -> bool:
    return shutil.which("tesseract") is not None


def detect_turn(path: Path, timeout: float = 30) -> int:
    """Clockwise degrees (0, 90, 180, 270) that put the page upright, from Tesseract's
    orientation detection; 0 when unsure, when the page has too little text, or when
    Tesseract is not installed."""
    exe = shutil.which("tesseract")
    if exe is None or _uniform(path):
        return 0
    try:
        out = subprocess.run(
            [exe, str(path), "stdout", "--psm", "0"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (subprocess.TimeoutExpired, OSError):
        return 0
    return parse_osd(out.stdout) if out.returncode == 0 else 0


def parse_osd(text: str) -> int:
    """The clockwise turn from Tesseract's ``--psm 0`` report; 0 when unsure or unreadable."""
    rotate, conf = _ROTATE_RE.search(text), _CONF_RE.search(text)
    if rotate is None or conf is None:
        return 0
    try:
        confidence = float(conf.group(1))
    except ValueError:
        return 0
    if not confidence >= _OSD_MIN_CONFIDENCE:  # also NaN
        return 0
    degrees = int(rotate.group(1)[:4]) % 360
    return degrees if degrees in (90, 180, 270) else 0
