"""One PDF per paper with img2pdf (no re-encoding), page turns and order, thumbnails, and OCR
with Tesseract's Vietnamese model finding known words in the produced PDF."""

from __future__ import annotations

import hashlib
import subprocess
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from motcua_desk.imaging.assemble import PageSource, assemble, thumbnail_png
from motcua_desk.imaging.errors import OcrFailedError
from motcua_desk.imaging.fileimport import inspect_file
from motcua_desk.imaging.ocr import ocr_pdf
from motcua_desk.imaging.port import ScanControl, ScanSettings
from motcua_desk.imaging.sane import ScanimageScanner

from .conftest import VIETNAMESE_LINES, render_text_page


def _idat(png: Path) -> bytes:
    data, out, pos = png.read_bytes(), b"", 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        if data[pos + 4 : pos + 8] == b"IDAT":
            out += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return out


def test_feeder_scan_becomes_one_pdf_without_reencoding(
    sane: ScanimageScanner, tmp_path: Path
) -> None:
    batch = sane.scan("test:0", ScanSettings(max_pages=5), tmp_path / "scan", ScanControl())
    pages = [PageSource(p, "image/png") for p in batch.pages]
    out = tmp_path / "paper.pdf"
    assert assemble(pages, out) == 5
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 5
        (name, image), *_ = pdf.pages[0].get_images().items()
        assert image.Filter == "/FlateDecode"
        assert bytes(image.read_raw_bytes()) == _idat(batch.pages[0])  # the scanner's bytes
    # Same pages, same bytes: the store keeps the PDF once.
    again = tmp_path / "again.pdf"
    assemble(pages, again)
    assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(again.read_bytes()).digest()


def test_pages_are_reordered_rotated_and_mixed_with_pdf_pages(tmp_path: Path) -> None:
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    Image.new("L", (100, 200), 0).save(a, dpi=(100, 100))
    Image.new("L", (300, 100), 255).save(b, dpi=(100, 100))
    src_pdf = tmp_path / "in.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 400))
    pdf.pages[0].obj.Rotate = 90
    pdf.save(src_pdf)
    out = tmp_path / "out.pdf"
    n = assemble(
        [
            PageSource(b, "image/png", rotation=90),
            PageSource(src_pdf, "application/pdf", 0, rotation=270),
            PageSource(a, "image/png"),
        ],
        out,
    )
    assert n == 3
    with pikepdf.open(out) as result:
        sizes = [tuple(float(x) for x in p.mediabox[2:]) for p in result.pages]
        assert sizes == [(216.0, 72.0), (200.0, 400.0), (72.0, 144.0)]
        assert [int(p.obj.get("/Rotate", 0)) for p in result.pages] == [90, 0, 0]
    png = thumbnail_png(out, 0, width=80)
    thumb = tmp_path / "t.png"
    thumb.write_bytes(png)
    with Image.open(thumb) as im:
        assert im.width == 80 or im.height == 80  # the rotated page is rendered upright


def test_multipage_tiff_frames_become_pages(tmp_path: Path) -> None:
    tif = tmp_path / "fax.tif"
    frames = [Image.new("1", (100 + i, 100)) for i in range(3)]
    frames[0].save(
        tif, format="TIFF", save_all=True, append_images=frames[1:], compression="group4"
    )
    assert inspect_file(tif).pages == 3
    out = tmp_path / "fax.pdf"
    assemble([PageSource(tif, "image/tiff", i) for i in range(3)], out)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 3


def test_ocr_finds_the_vietnamese_words(tmp_path: Path) -> None:
    page = render_text_page(tmp_path / "text.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", str(page), str(tmp_path / "p")],
        check=True,
    )
    scanned = tmp_path / "scanned.pdf"
    assemble([PageSource(tmp_path / "p.png", "image/png")], scanned)
    assert not subprocess.run(
        ["pdftotext", scanned, "-"], capture_output=True, text=True
    ).stdout.strip()
    searchable = tmp_path / "searchable.pdf"
    assert ocr_pdf(scanned, searchable)
    text = subprocess.run(
        ["pdftotext", searchable, "-"], capture_output=True, text=True, check=True
    ).stdout
    for line in VIETNAMESE_LINES:
        assert line in text
    with pikepdf.open(searchable) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status.startswith("2")  # PDF/A-2
    # A PDF that already has its text is left as it is.
    assert not ocr_pdf(searchable, tmp_path / "twice.pdf")
    assert not (tmp_path / "twice.pdf").exists()


def test_ocr_of_a_broken_pdf_fails_typed(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage" + zlib.compress(b"x" * 100))
    with pytest.raises(OcrFailedError):
        ocr_pdf(bad, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_ocr_without_tesseract_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from motcua_desk.imaging import ocr

    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract, no ocrmypdf program
    with pytest.raises(OcrFailedError) as err:
        ocr_pdf(tmp_path / "in.pdf", tmp_path / "out.pdf")
    assert err.value.data["reason"] == "unavailable"
    monkeypatch.setattr(ocr.sys, "frozen", True, raising=False)
    assert not ocr.ocr_available()


_THUMBNAILS_AT_ONCE = """
import sys, threading
from pathlib import Path
from motcua_desk.imaging.assemble import thumbnail_png
pdf = Path(sys.argv[1])
errors = []
def work():
    try:
        for _ in range(60):
            for page in range(3):
                assert thumbnail_png(pdf, page).startswith(b"\\x89PNG")
    except Exception as exc:
        errors.append(exc)
threads = [threading.Thread(target=work) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
sys.exit(1 if errors else 0)
"""


def test_thumbnails_made_on_many_threads_at_once_do_not_crash(tmp_path: Path) -> None:
    """The dialog makes thumbnails on several I/O threads; PDFium is not thread-safe (a full
    test run once died of it). In a child process, so a crash is a failure, not the end."""
    import sys

    pngs = []
    for i, shade in enumerate((60, 140, 220)):
        png = tmp_path / f"{i}.png"
        Image.new("L", (800, 1100), shade).save(png, dpi=(200, 200))
        pngs.append(PageSource(png, "image/png"))
    pdf = tmp_path / "three.pdf"
    assert assemble(pngs, pdf) == 3
    done = subprocess.run(
        [sys.executable, "-c", _THUMBNAILS_AT_ONCE, str(pdf)], capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
