"""An empty PDF signature field where the clerk signs a form (TT 03/2025 forms: "Chữ ký số của
người tiếp nhận hồ sơ nếu là biểu mẫu điện tử").

The form layout decides where the clerk's signature block is; this flowable takes the place of
the blank space under the role label and, when drawn, adds an unsigned signature field
(``/FT /Sig``) with that rectangle to the page. A paper print shows nothing there; a digital
signature later fills the field, so its visible stamp lands in the signature block.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFString
from reportlab.platypus import Flowable

#: Name of the clerk's signature field in every form.
CLERK_SIGNATURE_FIELD = "ChuKyNguoiTiepNhan"


class SignatureField(Flowable):  # type: ignore[misc]
    """Blank space, as wide as its column and ``height`` points high, holding an empty signature field."""

    def __init__(self, height: float, name: str = CLERK_SIGNATURE_FIELD) -> None:
        super().__init__()
        self.width = 0.0
        self.height = height
        self.name = name

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # The whole width of the signature column: a stamp centred in it sits under the label.
        self.width = max(0.0, avail_width)
        return self.width, self.height

    def draw(self) -> None:
        canv: Any = self.canv
        x0, y0 = canv.absolutePosition(0, 0)
        x1, y1 = canv.absolutePosition(self.width, self.height)
        form = canv.acroForm
        widget = PDFDictionary(
            {
                "Type": PDFName("Annot"),
                "Subtype": PDFName("Widget"),
                "FT": PDFName("Sig"),
                "T": PDFString(self.name),
                "Rect": PDFArray([round(v, 2) for v in (x0, y0, x1, y1)]),
                "F": 4,  # print
            }
        )
        canv._addAnnotation(widget)
        form.fields.append(form.getRef(widget))
