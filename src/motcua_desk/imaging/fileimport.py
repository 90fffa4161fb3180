"""File import adapter: a PDF, JPEG, PNG or TIFF chosen by the clerk, checked by its content.

The extension is never trusted: the first bytes say what the file is, then the real reader
(Pillow for images, pikepdf for PDF) must open it whole. Limits refuse what would hang or fill
the counter PC: size, pixel count (decompression bombs), page count; encrypted PDFs are refused
because they cannot be archived or sent on.
"""

from __future__ import annotations

import logging
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image, UnidentifiedImageError

from .errors import FileRefusedError

log = logging.getLogger(__name__)

PDF, JPEG, PNG, TIFF = "application/pdf", "image/jpeg", "image/png", "image/tiff"
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF"}


@dataclass(frozen=True, slots=True)
class ImportLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_pixels: int = 60_000_000  # per page: an A3 page at 600 dpi in colour is ~35 Mpx
    max_pages: int = 300


@dataclass(frozen=True, slots=True)
class InspectedFile:
    path: Path
    media_type: str
    pages: int
    size: int


def sniff(head: bytes) -> str | None:
    # PDF may start after a little garbage (the spec allows 1024 bytes); images may not.
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return PDF if b"%PDF-" in head[:1024] else None


def inspect_file(path: Path, limits: ImportLimits = ImportLimits()) -> InspectedFile:
    """The file's real type and page count, or :class:`FileRefusedError` with a reason."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise FileRefusedError(reason="unreadable")
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise FileRefusedError(reason="unreadable", errno=exc.errno) from exc
    if size == 0:
        raise FileRefusedError(reason="empty")
    if size > limits.max_bytes:
        raise FileRefusedError(reason="too_large", size=size, limit=limits.max_bytes)
    kind = sniff(head)
    if kind is None:
        raise FileRefusedError(reason="not_supported")
    pages = _pdf_pages(path, limits) if kind == PDF else _image_pages(path, kind, limits)
    return InspectedFile(path, kind, pages, size)


def _pdf_pages(path: Path, limits: ImportLimits) -> int:
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise FileRefusedError(reason="encrypted")
            n = len(pdf.pages)
            for page in pdf.pages:
                page.mediabox  # noqa: B018 - reading it fails on a broken page tree
    except pikepdf.PasswordError as exc:
        raise FileRefusedError(reason="encrypted") from exc
    except (
        pikepdf.PdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        RecursionError,
    ) as exc:
        raise FileRefusedError(reason="corrupt") from exc
    except FileRefusedError:
        raise
    except Exception as exc:  # qpdf raises many types on a damaged file
        log.debug("pdf reader failed: %r", exc)
        raise FileRefusedError(reason="corrupt") from exc
    if n == 0:
        raise FileRefusedError(reason="corrupt", pages=0)
    if n > limits.max_pages:
        raise FileRefusedError(reason="too_many_pages", pages=n, limit=limits.max_pages)
    return n


def _image_pages(path: Path, kind: str, limits: ImportLimits) -> int:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # malformed metadata tags: harmless, decoded below
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=[_PIL_FORMATS[kind]]) as im:
                n = getattr(im, "n_frames", 1)
                if n > limits.max_pages:
                    raise FileRefusedError(reason="too_many_pages", pages=n, limit=limits.max_pages)
                for frame in range(n):
                    im.seek(frame)
                    if im.width * im.height > limits.max_pixels:
                        raise FileRefusedError(reason="too_many_pixels")
                    im.load()  # decodes every byte: truncated data fails here
    except FileRefusedError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FileRefusedError(reason="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise FileRefusedError(reason="corrupt") from exc
    except (MemoryError, struct.error) as exc:
        raise FileRefusedError(reason="corrupt") from exc
    except Exception as exc:  # Pillow's decoders raise many types on garbage (TypeError, ...)
        log.debug("image reader failed: %r", exc)
        raise FileRefusedError(reason="corrupt") from exc
    return int(n)
