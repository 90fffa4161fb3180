"""Mẫu 01 test data across name, address, proxy and checklist lengths (real-looking Vietnamese)."""

from __future__ import annotations

from datetime import datetime

from motcua_desk.domain.dossier import ChecklistItem, PaperForm, Person
from motcua_desk.printing.barcodes import qr_payload
from motcua_desk.printing.slips import receipt
from motcua_desk.printing.slips.common import UnitHeader

CODE = "000.00.06.H56-261203-0042"
UNITS = {
    "short": UnitHeader("UBND xã Quảng Phú", "Bộ phận Một cửa", "Thanh Hóa"),
    "full": UnitHeader(
        "Ủy ban nhân dân phường Hạc Thành, tỉnh Thanh Hóa",
        "Bộ phận Tiếp nhận và Trả kết quả thủ tục hành chính thuộc Trung tâm Phục vụ hành chính"
        " công phường Hạc Thành",
        "Thanh Hóa",
    ),
}
ADDRESSES = {
    "short": "Thôn 2, xã Quảng Phú",
    "long": "Số nhà 128, ngõ 45, đường Nguyễn Trãi, khu phố Đông Sơn 3, phường Hạc Thành,"
    " tỉnh Thanh Hóa",
}
PAPER_NAMES = {
    "short": "Tờ khai đăng ký khai sinh",
    "long": "Bản sao Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác"
    " gắn liền với đất đã cấp",
}
FORMS = (PaperForm.ORIGINAL, PaperForm.CERTIFIED_COPY, PaperForm.COPY, PaperForm.SHOWN)


def papers(n: int, names: str) -> tuple[ChecklistItem, ...]:
    return tuple(
        ChecklistItem(f"{PAPER_NAMES[names]} ({i + 1})", FORMS[i % 4], 1 + i % 2, received=True)
        for i in range(n)
    )


def slip(n: int, *, unit: str, address: str, proxy: bool, names: str) -> receipt.ReceiptData:
    applicant = Person(
        "Nguyễn Thị Phương Thảo",
        id_number="038195001234",
        phone="0912345678",
        email="phuongthao.nguyen@example.vn",
        address=ADDRESSES[address],
    )
    submitter = (
        Person(
            "Trần Văn Đức Mạnh",
            id_number="038090001111",
            phone="0987654321",
            email="ducmanh@example.vn",
            address=ADDRESSES[address],
        )
        if proxy
        else None
    )
    return receipt.ReceiptData(
        dossier_code=CODE,
        header=UNITS[unit],
        applicant=applicant,
        submitter=submitter,
        authorisation="Giấy ủy quyền số 125/2026/UQ ngày 01/12/2026, chứng thực tại UBND phường"
        " Hạc Thành"
        if proxy
        else "",
        procedure_code="1.004227",
        procedure_name="Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với"
        " đất do chuyển nhượng",
        received_at=datetime(2026, 12, 3, 10, 15),
        due_at=datetime(2026, 12, 17, 10, 0),
        clerk_name="Lê Thị Hoa",
        papers=papers(n, names),
        processing_days=10,
        fee_timing="intake",
        fee_vnd=50_000,
        fee_receipt_no="0001234",
        ledger_ref="Quyển số 01/2026, số thứ tự 0042",
        qr_payload=qr_payload(CODE, "https://dichvucong.thanhhoa.gov.vn/tra-cuu-ho-so?ma={code}"),
        number="0042/TNHS",
    )
