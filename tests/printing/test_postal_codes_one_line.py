"""Dossier and item codes on the postal hand-over record are never broken across lines."""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path

import pytest

from motcua_desk.printing.slips import postal_handover as ph
from motcua_desk.printing.slips.common import UnitHeader

_spec = importlib.util.spec_from_file_location("decode", Path(__file__).with_name("decode.py"))
decode = importlib.util.module_from_spec(_spec)
assert _spec.loader is not None
_spec.loader.exec_module(decode)


@pytest.mark.parametrize("layout", ["A4", "A5"])
def test_codes_print_whole(layout: str) -> None:
    items = tuple(
        ph.HandoverItem(
            f"000.00.06.H56-231027-{n:04d}",
            "RR123456785VN",
            "Nguyễn Thị Hằng",
            "Thủ tục đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con",
        )
        for n in range(1, 4)
    )
    data = ph.PostalHandoverData(
        header=UnitHeader("UBND phường Hạc Thành", "Bộ phận Một cửa", "Thanh Hóa"),
        batch_code="BC-000.00.06.H56-231027-01",
        signed_at=datetime(2023, 10, 27, 14, 10),
        items=items,
        postal_unit="Bưu điện Hạc Thành",
        postal_staff="Phạm Văn Bưu",
        counter_staff="Lê Thị Hoa",
        direction=ph.Direction.RESULTS,
    )
    lines = decode.pdf_lines(ph.render(data, layout=layout))
    for item in items:
        assert item.dossier_code in lines
    assert lines.count("RR123456785VN") == 3
