"""Mẫu 01 on A5 is one page up to a stated number of papers, and continues properly beyond."""

from __future__ import annotations

import itertools

import pytest

from motcua_desk.printing.slips import receipt

#: Papers that fit on one A5 page, by (unit name, address, proxy, paper-name length).
#: The worst case (full official unit name, long addresses, a proxy, two-line paper names) is
#: receipt.A5_PAPER_LIMIT; short names of papers go two columns and fit many more.
LIMITS = {
    ("short", "short", False, "short"): 14,
    ("short", "short", False, "long"): 7,
    ("short", "short", True, "short"): 10,
    ("short", "short", True, "long"): 5,
    ("short", "long", False, "short"): 14,
    ("short", "long", False, "long"): 7,
    ("short", "long", True, "short"): 8,
    ("short", "long", True, "long"): 4,
    ("full", "short", False, "short"): 12,
    ("full", "short", False, "long"): 6,
    ("full", "short", True, "short"): 8,
    ("full", "short", True, "long"): 4,
    ("full", "long", False, "short"): 10,
    ("full", "long", False, "long"): 5,
    ("full", "long", True, "short"): 6,
    ("full", "long", True, "long"): receipt.A5_PAPER_LIMIT,
}
WORST = ("full", "long", True, "long")


def test_limits_cover_every_combination() -> None:
    combos = set(
        itertools.product(("short", "full"), ("short", "long"), (False, True), ("short", "long"))
    )
    assert set(LIMITS) == combos
    assert min(LIMITS.values()) == LIMITS[WORST] == receipt.A5_PAPER_LIMIT == 3


@pytest.mark.parametrize("combo", sorted(LIMITS))
def test_one_page_up_to_the_limit(dec, fonts, cases, combo) -> None:  # type: ignore[no-untyped-def]
    unit, address, proxy, names = combo
    data = cases.slip(LIMITS[combo], unit=unit, address=address, proxy=proxy, names=names)
    out = receipt.render_pages(data, fonts=fonts)
    assert out.pages == 1
    text = "\n".join(dec.pdf_lines(out.pdf))
    for expected in (
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Lê Thị Hoa",
        f"({LIMITS[combo]})",
    ):
        assert expected in text
    found = dec.decode_pdf(out.pdf)
    assert found[0] == sorted([cases.CODE, data.qr_payload])


def test_issue_cases_fit(fonts, cases) -> None:  # type: ignore[no-untyped-def]
    """The trial's failures: full name with a proxy and two papers; short name, 7 papers."""
    two = cases.slip(2, unit="full", address="long", proxy=True, names="long")
    seven = cases.slip(7, unit="short", address="short", proxy=False, names="long")
    assert receipt.render_pages(two, fonts=fonts).pages == 1
    assert receipt.render_pages(seven, fonts=fonts).pages == 1


@pytest.mark.parametrize("extra", [1, 9])
def test_beyond_the_limit_continues_with_code_and_signatures(dec, fonts, cases, extra) -> None:  # type: ignore[no-untyped-def]
    n = receipt.A5_PAPER_LIMIT + extra
    data = cases.slip(n, unit="full", address="long", proxy=True, names="long")
    out = receipt.render_pages(data, fonts=fonts)
    assert out.pages >= 2
    pages = dec.page_lines(out.pdf)
    codes = dec.decode_pdf(out.pdf)
    for i in range(1, out.pages):
        later = "\n".join(pages[i])
        assert "Mẫu số 01 (TT 03/2025/TT-VPCP)" in later
        assert "(tiếp theo)" in later
        assert f"Mã hồ sơ: {cases.CODE}" in later
        assert cases.CODE in codes[i]  # the repeated barcode decodes on every later page
    last = "\n".join(pages[-1])
    assert f"({n})" in last  # the last paper row stays with the signatures
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in last and "Lê Thị Hoa" in last
    assert data.qr_payload in codes[-1]
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" not in "\n".join(pages[0])
    assert all(s == pytest.approx((419.53, 595.28), abs=0.05) for s in dec.page_sizes(out.pdf))


def test_a4_renders(dec, fonts, cases) -> None:  # type: ignore[no-untyped-def]
    """A4 is offered in the settings for Mẫu 01: it must render, not raise."""
    data = cases.slip(4, unit="full", address="long", proxy=True, names="long")
    pdf = receipt.render(data, layout="A4", fonts=fonts)
    assert dec.page_sizes(pdf) == [pytest.approx((595.28, 841.89), abs=0.05)]
    assert sorted([cases.CODE, data.qr_payload]) == dec.decode_pdf(pdf)[0]


def test_content_fee_ledger_number_wording(dec, fonts, cases) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    data = cases.slip(2, unit="full", address="long", proxy=True, names="short")
    text = "\n".join(dec.pdf_lines(receipt.render(data, fonts=fonts)))
    assert "Số: 0042/TNHS" in text
    assert "50.000 đồng; Thu trước (nộp khi nộp hồ sơ); biên lai số 0001234" in text
    assert "Vào Sổ theo dõi hồ sơ: Quyển số 01/2026, số thứ tự 0042" in text
    assert "Giấy ủy quyền: Giấy ủy quyền số 125/2026/UQ" in text
    assert "Vào lúc 10 giờ 00 phút, ngày 17/12/2026" in text
    after = replace(data, due_wording="after", fee_timing="return", fee_receipt_no="")
    text = "\n".join(dec.pdf_lines(receipt.render(after, fonts=fonts)))
    assert "Sau 10 giờ, ngày 17/12/2026" in text
    assert "50.000 đồng; Thu sau (nộp khi nhận kết quả)" in text
    exempt = replace(data, fee_timing="exempt")
    text = "\n".join(dec.pdf_lines(receipt.render(exempt, fonts=fonts)))
    assert "7. Phí, lệ phí: Miễn (đối tượng miễn phí, lệ phí)" in text
