"""Property test: any Vietnamese name, NFC or NFD, prints and extracts back as NFC."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua_desk.domain.dossier import Person
from motcua_desk.printing.slips import refusal

LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
word = st.text(alphabet=LETTERS, min_size=1, max_size=8).map(str.capitalize)
names = st.lists(word, min_size=2, max_size=4).map(" ".join)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=names, decompose=st.booleans())
def test_any_name_round_trips(dec, unit, fonts, name: str, decompose: bool) -> None:  # type: ignore[no-untyped-def]
    base = refusal.RefusalData(
        header=unit,
        applicant=Person("x"),
        procedure_code="2.000908",
        procedure_name="Chứng thực bản sao từ bản chính",
        issued_at=datetime(2026, 3, 2, 8, 40),
        reason="Bản chính đã bị tẩy xóa",
        clerk_name="Lê Thị Hoa",
    )
    typed = unicodedata.normalize("NFD", name) if decompose else name
    pdf = refusal.render(replace(base, applicant=Person(typed)), fonts=fonts)
    expected = unicodedata.normalize("NFC", name)
    lines = dec.pdf_lines(pdf)
    assert f"Ông/Bà: {expected}" in lines
    assert expected in lines  # the submitter's signature block
