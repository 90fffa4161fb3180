"""One PDF per paper from its draft pages: scanned images wrapped by img2pdf without re-encoding,
pages of imported PDFs copied as they are, each page turned by its ``/Rotate`` entry (lossless).

The output is deterministic (fixed document ID, no timestamps), so the same pages give the same
bytes and the content-addressed store keeps them once.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import img2pdf
import pikepdf
from PIL import Image

from .errors import FileRefusedError
from .fileimport import PDF

#: Serialises every use of PDFium in the process (it is not thread-safe).
PDFIUM_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class PageSource:
    path: Path
    media_type: str
    index: int = 0  # page of a PDF, frame of a TIFF
    rotation: int = 0  # clockwise degrees


def _image_pdf(src: PageSource) -> pikepdf.Pdf:
    if src.index == 0:
        data = img2pdf.convert(str(src.path), rotation=img2pdf.Rotation.ifvalid)
    else:  # one frame of a multi-page TIFF
        with Image.open(src.path) as im:
            im.seek(src.index)
            buf = io.BytesIO()
            im.save(buf, format="TIFF", compression="tiff_lzw" if im.mode != "1" else "group4")
        data = img2pdf.convert(buf.getvalue(), rotation=img2pdf.Rotation.ifvalid)
    if data is None:  # pragma: no cover - img2pdf returns bytes when no outputstream
        raise FileRefusedError(reason="corrupt")
    return pikepdf.open(io.BytesIO(data))


def assemble(pages: Sequence[PageSource], out: Path) -> int:
    """Write the pages, in order, as one PDF at ``out``; returns the page count."""
    if not pages:
        raise ValueError("no pages")
    result = pikepdf.new()
    opened: dict[Path, pikepdf.Pdf] = {}
    try:
        for number, src in enumerate(pages):
            try:
                page = _page(src, opened)
            except Exception as exc:  # img2pdf and qpdf refuse damaged data in many ways
                raise FileRefusedError(reason="corrupt", page=number + 1) from exc
            result.pages.append(page)
            added = result.pages[-1]
            turn = (int(added.obj.get("/Rotate", 0)) + src.rotation) % 360
            if turn:
                added.obj.Rotate = turn
            elif "/Rotate" in added.obj:
                del added.obj["/Rotate"]
        out.parent.mkdir(parents=True, exist_ok=True)
        result.remove_unreferenced_resources()
        result.save(out, static_id=True, deterministic_id=False, linearize=False)
        return len(result.pages)
    finally:
        result.close()
        for doc in opened.values():
            doc.close()


def _page(src: PageSource, opened: dict[Path, pikepdf.Pdf]) -> pikepdf.Page:
    if src.media_type == PDF:
        doc = opened.get(src.path)
        if doc is None:
            doc = opened[src.path] = pikepdf.open(src.path)
        return doc.pages[src.index]
    doc = _image_pdf(src)
    opened[Path(f"{src.path}#{len(opened)}")] = doc
    return doc.pages[0]


def thumbnail_png(pdf: Path, page: int = 0, width: int = 160) -> bytes:
    """A small PNG of one page (pypdfium2), for the checklist's thumbnails.

    PDFium is not thread-safe and thumbnails are made on several I/O threads at once: every
    call into it holds one process-wide lock (without it the app crashed, seen in a test run).
    """
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            p = doc[page]
            scale = width / max(p.get_width(), 1)
            image = p.render(scale=scale, rotation=0).to_pil()
            image.load()
        finally:
            doc.close()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
