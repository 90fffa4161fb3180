"""Citizen identity: 12-digit personal ID, old 9-digit ID and the chip ID card QR (NĐ 137/2015, TT 07/2016/TT-BCA)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from .dossier import Person, Sex
from .errors import InvalidIdNumberError, MalformedIdCardQRError
from .text import normalize, search_key

#: Birth-registration province codes (NĐ 137/2015, TT 07/2016/TT-BCA), the 63 pre-2025
#: provinces. Numbers are unchanged by the 2025 mergers [U], so this table stays as it is.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

_DIGITS_RE = re.compile(r"^[0-9]+$")
_WS_RE = re.compile(r"\s+")
_DATE_RE = re.compile(r"^[0-9]{8}$")
_ID12_RE = re.compile(r"^[0-9]{12}$")
_ID9_RE = re.compile(r"^[0-9]{9}$")
#: Latest century the G digit may encode when no ``today`` is given.
_DEFAULT_MAX_YEAR = 2099


@dataclass(frozen=True)
class PersonalIdInfo:
    """What a 12-digit personal ID number tells: ``PPP G YY RRRRRR`` (no check digit)."""

    number: str
    province_code: str
    province_name: str
    sex: Sex
    century: int
    birth_year: int


def _compact(text: str) -> str:
    if not isinstance(text, str):
        raise InvalidIdNumberError(reason="not_digits", value=repr(text))
    return _WS_RE.sub("", unicodedata.normalize("NFC", text))


def parse_personal_id(text: str, *, today: date | None = None) -> PersonalIdInfo:
    """Validate and decode a 12-digit personal ID number; whitespace is ignored.

    ``G`` gives century and sex: 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s ...
    A birth year after ``today`` (or after 2099 when ``today`` is None) is rejected.

    Raises:
        InvalidIdNumberError: ``reason`` "not_digits", "length", "unknown_province" or
            "future_birth_year".
    """
    number = _compact(text)
    if not number or not _DIGITS_RE.match(number):
        raise InvalidIdNumberError(reason="not_digits", value=number)
    if len(number) != 12:
        raise InvalidIdNumberError(reason="length", length=len(number))
    province = number[:3]
    if province not in PROVINCE_CODES:
        raise InvalidIdNumberError(reason="unknown_province", province_code=province)
    g = int(number[3])
    century = 1900 + (g // 2) * 100
    birth_year = century + int(number[4:6])
    max_year = today.year if today is not None else _DEFAULT_MAX_YEAR
    if birth_year > max_year:
        raise InvalidIdNumberError(reason="future_birth_year", birth_year=birth_year)
    return PersonalIdInfo(
        number=number,
        province_code=province,
        province_name=PROVINCE_CODES[province],
        sex=Sex.MALE if g % 2 == 0 else Sex.FEMALE,
        century=century,
        birth_year=birth_year,
    )


def is_valid_personal_id(text: str, *, today: date | None = None) -> bool:
    """Whether ``text`` is a valid 12-digit personal ID number."""
    try:
        parse_personal_id(text, today=today)
    except InvalidIdNumberError:
        return False
    return True


def parse_legacy_id(text: str) -> str:
    """Validate an old 9-digit ID (CMND; no check digit) and return its digits.

    Raises:
        InvalidIdNumberError: ``reason`` "not_digits" or "length".
    """
    number = _compact(text)
    if not number or not _DIGITS_RE.match(number):
        raise InvalidIdNumberError(reason="not_digits", value=number)
    if len(number) != 9:
        raise InvalidIdNumberError(reason="length", length=len(number))
    return number


def is_valid_legacy_id(text: str) -> bool:
    """Whether ``text`` is an old 9-digit ID number."""
    try:
        parse_legacy_id(text)
    except InvalidIdNumberError:
        return False
    return True


@dataclass(frozen=True)
class IdCardData:
    """Fields read from an ID card QR code; ``raw`` is the cleaned payload."""

    personal_id: str
    legacy_id: str
    full_name: str
    birth_date: date | None
    sex: Sex | None
    address: str
    issue_date: date | None
    raw: str


def _qr_date(field: str) -> date:
    try:
        return date(int(field[4:8]), int(field[2:4]), int(field[0:2]))
    except ValueError as exc:
        raise MalformedIdCardQRError(reason="bad_date", value=field) from exc


def _qr_sex(field: str) -> Sex | None:
    key = search_key(field)
    if key == "nam":
        return Sex.MALE
    if key == "nu":
        return Sex.FEMALE
    return None


def _is_date(field: str) -> bool:
    return bool(_DATE_RE.match(field))


def clean_qr_payload(payload: str) -> str:
    """NFC, CR/LF/tabs turned into spaces, runs of spaces folded, each field trimmed."""
    text = unicodedata.normalize("NFC", payload).replace("\ufeff", "")
    return "|".join(normalize(f) for f in text.split("|"))


def looks_like_id_card_qr(text: str) -> bool:
    """Cheap test used by scan routing: ``|``-separated with a 12-digit field."""
    return "|" in text and any(_ID12_RE.match(f.strip()) for f in text.split("|"))


def _known_layout(fields: list[str]) -> list[str] | None:
    """Fields in the 7-field order of the 2021 card, or None for an unknown layout."""
    if not _ID12_RE.match(fields[0]):
        return None
    if len(fields) == 7 and _is_date(fields[3]):
        return fields
    if len(fields) == 6:
        if (fields[1] == "" or _ID9_RE.match(fields[1])) and _is_date(fields[3]):
            return [*fields, ""]  # no issue date
        if _is_date(fields[2]) and _is_date(fields[5]):
            return [fields[0], "", *fields[1:]]  # no old number
    return None


def _generic_layout(fields: list[str]) -> list[str]:
    """The 2024 card's undocumented order: find fields by shape (NĐ 137/2015, TT 07/2016/TT-BCA)."""
    ids = [f for f in fields if _ID12_RE.match(f)]
    if not ids:
        raise MalformedIdCardQRError(reason="no_id_number")
    legacy = next((f for f in fields if _ID9_RE.match(f)), "")
    dates = [f for f in fields if _is_date(f)]
    sex = next((f for f in fields if _qr_sex(f) is not None), "")
    texts = [
        f
        for f in fields
        if f and not _DIGITS_RE.match(f) and _qr_sex(f) is None and not _is_date(f)
    ]
    name = texts[0] if texts else ""
    address = texts[1] if len(texts) > 1 else ""
    ordered = sorted(dates, key=lambda f: (f[4:8], f[2:4], f[0:2]))
    birth = ordered[0] if ordered else ""
    issue = ordered[-1] if len(ordered) > 1 else ""
    return [ids[0], legacy, name, birth, sex, address, issue]


def _plausible_name(name: str) -> bool:
    """A name has letters and no control characters (digits of any script alone are not one)."""
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in name):
        return False
    return any(ch.isalpha() for ch in name)


def parse_id_card_qr(payload: str, *, today: date | None = None) -> IdCardData:
    """Parse the QR of a chip ID card (2021 CCCD, tolerant of the 2024 card).

    Accepts 7 fields ``id|old id|name|ddMMyyyy|Nam/Nữ|address|ddMMyyyy``, 6-field variants,
    an empty old number, NFD text, CR/LF and stray spaces; other layouts are read by shape.

    Raises:
        MalformedIdCardQRError: ``reason`` "empty", "no_separator", "field_count",
            "no_id_number", "bad_id_number", "bad_legacy_id", "missing_name", "bad_date",
            "bad_sex" or "id_mismatch".
    """
    if not isinstance(payload, str) or not payload.strip():
        raise MalformedIdCardQRError(reason="empty")
    raw = clean_qr_payload(payload)
    if "|" not in raw:
        raise MalformedIdCardQRError(reason="no_separator")
    fields = raw.split("|")
    while fields and fields[-1] == "" and len(fields) > 7:
        fields.pop()  # trailing separators added by some readers
    if len(fields) < 5:
        raise MalformedIdCardQRError(reason="field_count", count=len(fields))
    layout = _known_layout(fields) or _generic_layout(fields)
    pid, legacy, name, birth, sex_text, address, issue = layout
    try:
        info = parse_personal_id(pid, today=today)
    except InvalidIdNumberError as exc:
        raise MalformedIdCardQRError(
            reason="bad_id_number", id_reason=exc.data.get("reason")
        ) from exc
    if legacy and not _ID9_RE.match(legacy) and not _ID12_RE.match(legacy):
        raise MalformedIdCardQRError(reason="bad_legacy_id")
    if not _plausible_name(name):
        raise MalformedIdCardQRError(reason="missing_name")
    birth_date = _qr_date(birth) if birth else None
    issue_date = _qr_date(issue) if issue else None
    sex = _qr_sex(sex_text) if sex_text else None
    if sex_text and sex is None:
        raise MalformedIdCardQRError(reason="bad_sex", value=sex_text)
    if birth_date is not None and birth_date.year != info.birth_year:
        raise MalformedIdCardQRError(reason="id_mismatch", field="birth_date")
    if sex is not None and sex is not info.sex:
        raise MalformedIdCardQRError(reason="id_mismatch", field="sex")
    return IdCardData(
        personal_id=info.number,
        legacy_id=legacy,
        full_name=name,
        birth_date=birth_date,
        sex=sex,
        address=address,
        issue_date=issue_date,
        raw=raw,
    )


def to_person(data: IdCardData) -> Person:
    """A :class:`Person` filled from the card (phone and e-mail are not on it)."""
    return Person(
        full_name=data.full_name,
        id_number=data.personal_id,
        birth_date=data.birth_date,
        sex=data.sex,
        address=data.address,
    )
