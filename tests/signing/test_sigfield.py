"""Each form the clerk signs carries one empty signature field inside the clerk's signature block,
on every layout; forms signed by someone else carry none."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields

from motcua_desk.domain.dossier import ChecklistItem, PaperForm, Person
from motcua_desk.printing.slips import refusal, return_slip, supplement
from motcua_desk.printing.slips.common import UnitHeader
from motcua_desk.printing.slips.sigfield import CLERK_SIGNATURE_FIELD

from .conftest import pki

UNIT = UnitHeader(
    managing_body="UBND tỉnh Thanh Hóa",
    unit_name="Trung tâm Phục vụ hành chính công tỉnh",
    place_name="Thanh Hóa",
)
HANG = Person(full_name="Nguyễn Thị Hằng", id_number="038195001234")
AT = datetime(2026, 2, 12, 10, 15)


def _fields(pdf: bytes) -> list[tuple[str, tuple[float, ...], float]]:
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    out = []
    for name, value, ref in fields.enumerate_sig_fields(reader, filled_status=False):
        assert value is None  # empty: nothing signed yet
        widget = ref.get_object()
        page = widget["/P"].get_object() if "/P" in widget else reader.root["/Pages"]["/Kids"][0]
        width = float(page.get_object()["/MediaBox"][2])
        out.append((name, tuple(float(v) for v in widget["/Rect"]), width))
    return out


def _forms() -> dict[str, bytes]:
    return {
        "receipt-A5": pki.receipt_pdf("A5"),
        "receipt-80mm": pki.receipt_pdf("80mm"),
        "refusal": refusal.render(
            refusal.RefusalData(
                header=UNIT,
                applicant=HANG,
                procedure_code="1.001193",
                procedure_name="Đăng ký khai sinh",
                issued_at=AT,
                reason="Không thuộc thẩm quyền",
                clerk_name="Nguyễn Thị Lan",
            )
        ),
        "return": return_slip.render(
            return_slip.ReturnSlipData(
                header=UNIT,
                dossier_code="000.00.15.H29-261122-0001",
                applicant=HANG,
                procedure_name="Đăng ký khai sinh",
                received_at=AT,
                due_at=AT,
                returned_at=AT,
                results=("Giấy khai sinh",),
                clerk_name="Nguyễn Thị Lan",
            )
        ),
        "supplement": supplement.render(
            supplement.SupplementData(
                header=UNIT,
                applicant=HANG,
                procedure_code="1.001193",
                procedure_name="Đăng ký khai sinh",
                issued_at=AT,
                missing=(ChecklistItem("Giấy chứng sinh", PaperForm.ORIGINAL, 1),),
                reason="Thiếu giấy chứng sinh",
                official_name="Nguyễn Thị Lan",
            )
        ),
    }


@pytest.mark.parametrize("name", ["receipt-A5", "receipt-80mm", "refusal", "return", "supplement"])
def test_clerk_forms_have_one_field_in_the_signature_block(name: str) -> None:
    [(field, rect, page_width)] = _fields(_forms()[name])
    assert field == CLERK_SIGNATURE_FIELD
    x1, y1, x2, y2 = rect
    assert 0 <= x1 < x2 <= page_width and y1 < y2
    assert 25 < y2 - y1 < 40  # the 10-13 mm blank space under the role label
    if name != "receipt-80mm" and name != "supplement":
        assert x1 >= page_width / 2 - 30  # two signers: the clerk's block is the right one
