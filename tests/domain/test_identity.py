"""Personal ID numbers and the chip ID card QR (docs/domain.md §7)."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua_desk.domain.dossier import Person, Sex
from motcua_desk.domain.errors import InvalidIdNumberError, MalformedIdCardQRError
from motcua_desk.domain.identity import (
    PROVINCE_CODES,
    IdCardData,
    PersonalIdInfo,
    is_valid_legacy_id,
    is_valid_personal_id,
    parse_id_card_qr,
    parse_legacy_id,
    parse_personal_id,
    to_person,
)

TODAY = date(2026, 11, 25)
ADDRESS = "Số 12 Lê Lợi, Phường Điện Biên, TP Thanh Hóa, Thanh Hóa"
QR7 = f"038195001234|123456789|Lê Thị Hoa|15061995|Nữ|{ADDRESS}|20052021"


def test_province_table_has_63_provinces() -> None:
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["038"] == "Thanh Hóa"
    assert PROVINCE_CODES["079"] == "Hồ Chí Minh"
    assert PROVINCE_CODES["096"] == "Cà Mau"
    assert all(len(k) == 3 and k.isdigit() for k in PROVINCE_CODES)
    assert all(unicodedata.is_normalized("NFC", v) for v in PROVINCE_CODES.values())


def test_made_up_example() -> None:
    assert parse_personal_id("038195001234", today=TODAY) == PersonalIdInfo(
        number="038195001234",
        province_code="038",
        province_name="Thanh Hóa",
        sex=Sex.FEMALE,
        century=1900,
        birth_year=1995,
    )


@pytest.mark.parametrize(
    ("g", "sex", "century"),
    [
        (0, Sex.MALE, 1900),
        (1, Sex.FEMALE, 1900),
        (2, Sex.MALE, 2000),
        (3, Sex.FEMALE, 2000),
    ],
)
def test_century_and_sex_digit(g: int, sex: Sex, century: int) -> None:
    info = parse_personal_id(f"001{g}05123456", today=TODAY)
    assert info.sex is sex
    assert info.century == century
    assert info.birth_year == century + 5
    assert info.province_name == "Hà Nội"


def test_tolerates_spaces_and_newlines() -> None:
    assert parse_personal_id(" 0381 9500 1234\r\n").number == "038195001234"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "not_digits"),
        ("   ", "not_digits"),
        ("03819500123A", "not_digits"),
        ("０３８１９５００１２３４", "not_digits"),  # full-width digits
        ("03819500123", "length"),
        ("0381950012345", "length"),
        ("003195001234", "unknown_province"),
        ("099195001234", "unknown_province"),
        ("038230001234", "future_birth_year"),  # male born 2030
        ("038495001234", "future_birth_year"),  # 2195
    ],
)
def test_malformed_personal_ids(text: str, reason: str) -> None:
    with pytest.raises(InvalidIdNumberError) as exc:
        parse_personal_id(text, today=TODAY)
    assert exc.value.data["reason"] == reason
    assert not is_valid_personal_id(text, today=TODAY)


def test_future_year_depends_on_injected_today() -> None:
    assert parse_personal_id("038226001234", today=date(2026, 1, 1)).birth_year == 2026
    with pytest.raises(InvalidIdNumberError):
        parse_personal_id("038226001234", today=date(2025, 12, 31))
    # Without a clock, anything up to 2099 is accepted.
    assert parse_personal_id("038399001234").birth_year == 2099


def test_legacy_ids() -> None:
    assert parse_legacy_id(" 123 456 789 ") == "123456789"
    assert is_valid_legacy_id("123456789")
    for bad in ("12345678", "1234567890", "12345678x", "", "038195001234"):
        assert not is_valid_legacy_id(bad)
    with pytest.raises(InvalidIdNumberError) as exc:
        parse_legacy_id("12345678")
    assert exc.value.data["reason"] == "length"


def test_qr_seven_fields() -> None:
    data = parse_id_card_qr(QR7)
    assert data == IdCardData(
        personal_id="038195001234",
        legacy_id="123456789",
        full_name="Lê Thị Hoa",
        birth_date=date(1995, 6, 15),
        sex=Sex.FEMALE,
        address=ADDRESS,
        issue_date=date(2021, 5, 20),
        raw=QR7,
    )


def test_qr_empty_old_number() -> None:
    data = parse_id_card_qr(QR7.replace("123456789", ""))
    assert data.legacy_id == ""
    assert data.full_name == "Lê Thị Hoa"


def test_qr_six_fields_without_issue_date() -> None:
    data = parse_id_card_qr(QR7.rsplit("|", 1)[0])
    assert data.issue_date is None
    assert data.address == ADDRESS


def test_qr_six_fields_without_old_number() -> None:
    data = parse_id_card_qr(QR7.replace("|123456789", ""))
    assert data.legacy_id == ""
    assert data.birth_date == date(1995, 6, 15)
    assert data.issue_date == date(2021, 5, 20)


def test_qr_nfd_crlf_and_spaces() -> None:
    messy = "  " + unicodedata.normalize("NFD", QR7).replace("|Lê", "|  Lê ") + "\r\n"
    data = parse_id_card_qr(messy)
    assert data.full_name == "Lê Thị Hoa"
    assert unicodedata.is_normalized("NFC", data.address)
    assert data.address == ADDRESS
    assert data.sex is Sex.FEMALE


def test_qr_unknown_order_2024_card() -> None:
    payload = f"Lê Thị Hoa|15061995|038195001234|{ADDRESS}|Nữ|20052021|Lê Văn A|Trần Thị B"
    data = parse_id_card_qr(payload)
    assert data.personal_id == "038195001234"
    assert data.full_name == "Lê Thị Hoa"
    assert data.address == ADDRESS
    assert data.birth_date == date(1995, 6, 15)
    assert data.issue_date == date(2021, 5, 20)
    assert data.sex is Sex.FEMALE


def test_qr_trailing_separators() -> None:
    assert parse_id_card_qr(QR7 + "|||").issue_date == date(2021, 5, 20)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("", "empty"),
        ("   \r\n", "empty"),
        ("038195001234 Lê Thị Hoa", "no_separator"),
        ("038195001234|Lê Thị Hoa|15061995", "field_count"),
        ("abc|def|ghi|jkl|mno|pqr|stu", "no_id_number"),
        (QR7.replace("038195001234", "003195001234"), "bad_id_number"),
        (QR7.replace("15061995", "31021995"), "bad_date"),
        (QR7.replace("|Nữ|", "|X|"), "bad_sex"),
        (QR7.replace("15061995", "15061996"), "id_mismatch"),
        (QR7.replace("|Nữ|", "|Nam|"), "id_mismatch"),
        (QR7.replace("|Lê Thị Hoa|", "||"), "missing_name"),
        (QR7.replace("123456789", "12345"), "bad_legacy_id"),
    ],
)
def test_malformed_qr(payload: str, reason: str) -> None:
    with pytest.raises(MalformedIdCardQRError) as exc:
        parse_id_card_qr(payload)
    assert exc.value.data["reason"] == reason
    assert exc.value.code == "malformed_id_card_qr"


def test_bad_id_number_reason_is_carried() -> None:
    with pytest.raises(MalformedIdCardQRError) as exc:
        parse_id_card_qr(QR7.replace("038195001234", "03819500123"))
    assert exc.value.data["reason"] in {"bad_id_number", "no_id_number"}


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789|aNữ \r\n"), max_size=60))
def test_qr_garbage_raises_only_typed_errors(text: str) -> None:
    try:
        data = parse_id_card_qr(text)
    except MalformedIdCardQRError as exc:
        assert isinstance(exc.data["reason"], str)
    else:
        assert len(data.personal_id) == 12


def test_to_person() -> None:
    person = to_person(parse_id_card_qr(QR7))
    assert person == Person(
        full_name="Lê Thị Hoa",
        id_number="038195001234",
        birth_date=date(1995, 6, 15),
        sex=Sex.FEMALE,
        address=ADDRESS,
    )


@settings(max_examples=100, deadline=None)
@given(
    province=st.sampled_from(sorted(PROVINCE_CODES)),
    g=st.integers(min_value=0, max_value=3),
    yy=st.integers(min_value=0, max_value=99),
    rest=st.from_regex(r"[0-9]{6}", fullmatch=True),
)
def test_personal_id_decoding_property(province: str, g: int, yy: int, rest: str) -> None:
    number = f"{province}{g}{yy:02d}{rest}"
    year = 1900 + (g // 2) * 100 + yy
    if year > TODAY.year:
        with pytest.raises(InvalidIdNumberError):
            parse_personal_id(number, today=TODAY)
        return
    info = parse_personal_id(number, today=TODAY)
    assert info.birth_year == year
    assert info.sex is (Sex.MALE if g % 2 == 0 else Sex.FEMALE)
    assert info.province_name == PROVINCE_CODES[province]


_NAME_CHARS = "AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXYaăâbcdđeêghiklmnoôơpqrstuưvxyàáạảãầấậẩẫờớợởỡ"


@settings(max_examples=100, deadline=None)
@given(
    name=st.text(alphabet=_NAME_CHARS, min_size=1, max_size=12).map(lambda s: f"Lê {s}"),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    issue_after=st.integers(min_value=0, max_value=40000),
    female=st.booleans(),
    legacy=st.sampled_from(["", "123456789"]),
    nfd=st.booleans(),
    order=st.sampled_from(["2021", "2024"]),
)
def test_qr_round_trip_property(
    name: str, birth: date, issue_after: int, female: bool, legacy: str, nfd: bool, order: str
) -> None:
    issue = min(birth + timedelta(days=issue_after), TODAY)
    g = (birth.year // 100 - 19) * 2 + (1 if female else 0)
    pid = f"001{g}{birth.year % 100:02d}000123"
    sex_text = "Nữ" if female else "Nam"
    b, i = birth.strftime("%d%m%Y"), issue.strftime("%d%m%Y")
    if order == "2021":
        payload = f"{pid}|{legacy}|{name}|{b}|{sex_text}|{ADDRESS}|{i}"
    else:
        payload = f"{pid}|{name}|{b}|{sex_text}|{ADDRESS}|{i}|{legacy}|Lê Văn Bố"
    if nfd:
        payload = unicodedata.normalize("NFD", payload) + "\r\n"
    data = parse_id_card_qr(payload, today=TODAY)
    assert data.personal_id == pid
    assert data.full_name == unicodedata.normalize("NFC", name)
    assert data.birth_date == birth
    assert data.sex is (Sex.FEMALE if female else Sex.MALE)
    assert data.address == ADDRESS
    assert data.legacy_id == legacy
    assert data.issue_date == issue
