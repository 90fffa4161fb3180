"""Optional OCR of a digitised paper: ocrmypdf with Tesseract's Vietnamese model, producing a
PDF/A with a text layer, pages deskewed and turned upright. Runs as a separate process (never on
the GUI thread, never in the app's interpreter), bounded by a timeout.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from .errors import OcrFailedError

# ocrmypdf exit codes (ocrmypdf.ExitCode)
_OK, _PRIOR_OCR = 0, 6


def _command() -> list[str] | None:
    """How to start ocrmypdf: this interpreter's module, or (frozen app, where
    ``sys.executable`` is the app itself) the ``ocrmypdf`` program on PATH."""
    if getattr(sys, "frozen", False):
        exe = shutil.which("ocrmypdf")
        return [exe] if exe else None
    try:
        import ocrmypdf  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "ocrmypdf"]


def ocr_available() -> bool:
    return shutil.which("tesseract") is not None and _command() is not None


def ocr_pdf(
    src: Path,
    dst: Path,
    *,
    language: str = "vie",
    deskew: bool = True,
    timeout: float = 600,
    jobs: int = 1,
) -> bool:
    """Write the searchable PDF/A of ``src`` to ``dst`` and return True; False when ``src``
    already has a text layer (an imported born-digital PDF: nothing to do, ``dst`` not
    written); :class:`OcrFailedError` otherwise.

    ``--skip-text`` is not used: with Ghostscript 10.0.0 (Debian 12) ocrmypdf refuses it,
    because that Ghostscript corrupts PDFs with existing text.
    """
    base = _command()
    if base is None or shutil.which("tesseract") is None:
        raise OcrFailedError(reason="unavailable")
    cmd = [
        *base,
        "-l",
        language,
        "--output-type",
        "pdfa",
        "--rotate-pages",
        "--jobs",
        str(jobs),
        "--quiet",
    ]
    if deskew:
        cmd.append("--deskew")
    cmd += [str(src), str(dst)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        dst.unlink(missing_ok=True)
        raise OcrFailedError(reason="timeout") from exc
    if out.returncode == _PRIOR_OCR:
        dst.unlink(missing_ok=True)
        return False
    if out.returncode != _OK or not dst.is_file():
        dst.unlink(missing_ok=True)
        raise OcrFailedError(reason="exit", status=out.returncode)
    return True
