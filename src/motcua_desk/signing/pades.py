"""PAdES signing with pyHanko: B-B offline, B-T with a timestamp, B-LT with revocation data.

Every signature gets a visible stamp (name, title, unit, time): in the form's empty signature
field when it has one (the clerk's signature block), else in a box at the bottom of the last
page. The stamp is a small PDF page drawn by the caller for the box's size (``printing.stamp``:
same fonts as the forms), placed as the field's appearance.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import SigFieldSpec
from pyhanko.stamp import StaticStampStyle

from .errors import SigningFailedError, UnreadablePdfError

#: Where the stamp goes when the PDF has no empty signature field: (x1, y1, x2, y2) in points
#: from the bottom-left corner of the last page (a scanned paper, for instance).
DEFAULT_BOX = (20, 20, 260, 90)
#: PAdES levels recorded with each signature.
LEVEL_BB, LEVEL_BT, LEVEL_BLT = "B-B", "B-T", "B-LT"


@dataclass(frozen=True)
class SignRequest:
    """What to sign with: the stamp's lines, where it goes, and how far to go past B-B.

    ``timestamper`` (a pyHanko ``TimeStamper``) makes it B-T; with a ``validation_context``
    (pyHanko ``ValidationContext`` holding the trust roots and revocation data, or allowed
    to fetch them) it becomes B-LT. Both are left out offline.
    """

    #: Draws the stamp: (width, height) in points -> one-page PDF bytes of that size.
    stamp: Callable[[float, float], bytes]
    field_name: str
    reason: str = ""
    location: str = ""
    box: tuple[float, float, float, float] | None = None  # None: the existing field or DEFAULT_BOX
    timestamper: Any = None
    validation_context: Any = None

    @property
    def level(self) -> str:
        if self.timestamper is None:
            return LEVEL_BB
        return LEVEL_BLT if self.validation_context is not None else LEVEL_BT


class _PdfBytesPage(content.PdfContent):
    """The first page of in-memory PDF bytes as a form XObject (pyHanko's own class reads a
    file)."""

    def __init__(self, pdf: bytes) -> None:
        self._pdf = pdf
        super().__init__()

    def render(self) -> bytes:
        w = self._ensure_writer
        xobj = w.import_page_as_xobject(PdfFileReader(io.BytesIO(self._pdf)), page_ix=0)
        name = "/ImportStamp"
        self.resources.xobject[name] = xobj
        x1, y1, x2, y2 = xobj.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return name.encode("ascii") + b" Do"


def _field_rect(writer: IncrementalPdfFileWriter, name: str) -> tuple[float, ...] | None:
    """The rectangle of the empty signature field ``name``, or None when there is none."""
    for fq_name, value, ref in fields.enumerate_sig_fields(writer.prev, filled_status=False):
        if fq_name == name and value is None:
            widget = ref.get_object()
            if "/Rect" not in widget and "/Kids" in widget:
                widget = widget["/Kids"][0].get_object()
            return tuple(float(v) for v in widget["/Rect"])
    return None


def sign_pdf(pdf: bytes, signer: Any, request: SignRequest) -> bytes:
    """Sign ``pdf`` with a pyHanko ``Signer`` as ``request`` says; return the new bytes."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise UnreadablePdfError(detail=str(exc)[:200]) from exc
    new_field = None
    try:
        rect = _field_rect(writer, request.field_name)
        if rect is None:
            rect = request.box or DEFAULT_BOX
            new_field = SigFieldSpec(
                sig_field_name=request.field_name,
                on_page=int(writer.root["/Pages"]["/Count"]) - 1,
                box=(int(rect[0]), int(rect[1]), int(rect[2]), int(rect[3])),
            )
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise UnreadablePdfError(detail=str(exc)[:200]) from exc
    stamp_pdf = request.stamp(abs(rect[2] - rect[0]), abs(rect[3] - rect[1]))
    style = StaticStampStyle(background=_PdfBytesPage(stamp_pdf), border_width=0)
    meta = signers.PdfSignatureMetadata(
        field_name=request.field_name,
        reason=request.reason or None,
        location=request.location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=request.validation_context is not None,
        validation_context=request.validation_context,
        use_pades_lta=False,
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=request.timestamper,
        stamp_style=style,
        new_field_spec=new_field,
    )
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, output=out)
    except PdfError as exc:
        raise UnreadablePdfError(detail=str(exc)[:200]) from exc
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise SigningFailedError(detail=f"{type(exc).__name__}: {exc}"[:300]) from exc
    return out.getvalue()
