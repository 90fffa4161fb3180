"""UPU S10 item numbers and TT 17 transit times (docs/domain.md §8)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua_desk.domain.calendar import WorkCalendar
from motcua_desk.domain.errors import InvalidItemCodeError
from motcua_desk.domain.postal import (
    ItemCode,
    TransitKind,
    is_valid_item_code,
    make_item_code,
    parse_item_code,
    s10_check_digit,
    transit_days,
    transit_due,
)


@pytest.mark.parametrize(
    ("serial", "check", "code"),
    [
        ("12345678", 5, "RR123456785VN"),  # 204 mod 11 = 6 -> 5
        ("15826780", 0, "EE158267800VN"),  # c = 10 -> 0
        ("76397250", 5, "RR763972505VN"),  # c = 11 -> 5
    ],
)
def test_worked_examples(serial: str, check: int, code: str) -> None:
    assert s10_check_digit(serial) == check
    assert make_item_code(code[:2], serial) == code
    item = parse_item_code(code)
    assert item == ItemCode(code[:2], serial, check, "VN")
    assert str(item) == code
    assert is_valid_item_code(code)


def test_parse_forgives_spaces_and_case() -> None:
    assert str(parse_item_code(" rr 12345678 5 vn\r\n")) == "RR123456785VN"


def test_other_country_accepted() -> None:
    assert make_item_code("cp", "12345678", "fr") == "CP123456785FR"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "format"),
        ("RR123456784VN", "check_digit"),
        ("RR12345678VN", "format"),
        ("RR1234567855VN", "format"),
        ("R1123456785VN", "format"),
        ("RR123456785V", "format"),
        ("ŔR123456785VN", "format"),
        ("RR１23456785VN", "format"),
    ],
)
def test_malformed_item_codes(text: str, reason: str) -> None:
    with pytest.raises(InvalidItemCodeError) as exc:
        parse_item_code(text)
    assert exc.value.data["reason"] == reason
    assert not is_valid_item_code(text)


def test_check_digit_error_tells_expected() -> None:
    with pytest.raises(InvalidItemCodeError) as exc:
        parse_item_code("RR123456784VN")
    assert exc.value.data["expected"] == 5


@pytest.mark.parametrize("serial", ["1234567", "123456789", "1234567a", "", "１２３４５６７８"])
def test_check_digit_rejects_bad_serial(serial: str) -> None:
    with pytest.raises(InvalidItemCodeError):
        s10_check_digit(serial)


@pytest.mark.parametrize(("service", "country"), [("R", "VN"), ("RR", "V"), ("R1", "VN")])
def test_make_rejects_bad_letters(service: str, country: str) -> None:
    with pytest.raises(InvalidItemCodeError):
        make_item_code(service, "12345678", country)


@settings(max_examples=100, deadline=None)
@given(
    service=st.from_regex(r"[A-Z]{2}", fullmatch=True),
    serial=st.from_regex(r"[0-9]{8}", fullmatch=True),
)
def test_round_trip_and_single_digit_errors(service: str, serial: str) -> None:
    code = make_item_code(service, serial)
    item = parse_item_code(code)
    assert (item.service, item.serial, item.country) == (service, serial, "VN")
    assert 0 <= item.check <= 9
    wrong = (item.check + 1) % 10
    assert not is_valid_item_code(f"{service}{serial}{wrong}VN")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=20))
def test_garbage_raises_typed_error(text: str) -> None:
    try:
        item = parse_item_code(text)
    except InvalidItemCodeError as exc:
        assert exc.data["reason"] in {"format", "check_digit"}
    else:
        assert is_valid_item_code(str(item))


def test_transit_table() -> None:
    assert transit_days(TransitKind.WITHIN_DISTRICT) == (1, 2)
    assert transit_days(TransitKind.BETWEEN_DISTRICTS) == (2, 4)
    assert transit_days(TransitKind.BETWEEN_MAJOR_CITIES) == (3, 6)
    assert transit_days(TransitKind.OTHER_PROVINCES) == (4, 8)


def test_transit_due_counts_working_days(cal: WorkCalendar) -> None:
    taken = date(2026, 4, 29)  # Wed; 30/04, 01/05 holidays, then the weekend
    assert transit_due(taken, TransitKind.WITHIN_DISTRICT, cal) == date(2026, 5, 4)
    assert transit_due(taken, TransitKind.WITHIN_DISTRICT, cal, with_return_slip=True) == date(
        2026, 5, 5
    )
