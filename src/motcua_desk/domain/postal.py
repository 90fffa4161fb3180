"""Public postal service: UPU S10 item numbers and transit times (QĐ 45/2016/QĐ-TTg, TT 17/2017/TT-BTTTT)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from .errors import InvalidItemCodeError
from .text import normalize
from .workcalendar import WorkCalendar

S10_RE = re.compile(
    r"^(?P<service>[A-Z]{2})(?P<serial>[0-9]{8})(?P<check>[0-9])(?P<country>[A-Z]{2})$"
)
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_SERIAL_RE = re.compile(r"^[0-9]{8}$")
_LETTERS_RE = re.compile(r"^[A-Z]{2}$")
_WS_RE = re.compile(r"\s+")


def s10_check_digit(serial: str) -> int:
    """Check digit of an 8-digit serial: weights 8 6 4 2 3 5 9 7, c = 11 - sum mod 11.

    c = 10 gives 0 and c = 11 gives 5.

    Raises:
        InvalidItemCodeError: ``reason`` "format" when ``serial`` is not 8 ASCII digits.
    """
    if not isinstance(serial, str) or not _SERIAL_RE.match(serial):
        raise InvalidItemCodeError(reason="format", value=repr(serial))
    c = 11 - sum(int(ch) * w for ch, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    if c == 10:
        return 0
    if c == 11:
        return 5
    return c


@dataclass(frozen=True)
class ItemCode:
    """A UPU S10 item number ``AA 12345678 C BB``."""

    service: str
    serial: str
    check: int
    country: str

    def __str__(self) -> str:
        return f"{self.service}{self.serial}{self.check}{self.country}"


def parse_item_code(text: str) -> ItemCode:
    """Parse an S10 item number; inner spaces and lower case are forgiven.

    Raises:
        InvalidItemCodeError: ``reason`` "format" or "check_digit" (with ``expected``).
    """
    if not isinstance(text, str):
        raise InvalidItemCodeError(reason="format", value=repr(text))
    compact = _WS_RE.sub("", normalize(text)).upper()
    m = S10_RE.match(compact)
    if m is None:
        raise InvalidItemCodeError(reason="format", value=compact)
    expected = s10_check_digit(m.group("serial"))
    check = int(m.group("check"))
    if check != expected:
        raise InvalidItemCodeError(reason="check_digit", value=compact, expected=expected)
    return ItemCode(m.group("service"), m.group("serial"), check, m.group("country"))


def is_valid_item_code(text: str) -> bool:
    """Whether ``text`` is a valid S10 item number."""
    try:
        parse_item_code(text)
    except InvalidItemCodeError:
        return False
    return True


def make_item_code(service: str, serial: str, country: str = "VN") -> str:
    """Build an item number from service letters and an 8-digit serial."""
    service_u = service.upper() if isinstance(service, str) else ""
    country_u = country.upper() if isinstance(country, str) else ""
    if not _LETTERS_RE.match(service_u) or not _LETTERS_RE.match(country_u):
        raise InvalidItemCodeError(reason="format", service=repr(service), country=repr(country))
    return str(ItemCode(service_u, serial, s10_check_digit(serial), country_u))


class TransitKind(enum.Enum):
    """Route classes of TT 17/2017 Art. 7."""

    WITHIN_DISTRICT = "within_district"
    BETWEEN_DISTRICTS = "between_districts"
    BETWEEN_MAJOR_CITIES = "between_major_cities"
    OTHER_PROVINCES = "other_provinces"


_TRANSIT: dict[TransitKind, tuple[int, int]] = {
    TransitKind.WITHIN_DISTRICT: (1, 2),
    TransitKind.BETWEEN_DISTRICTS: (2, 4),
    TransitKind.BETWEEN_MAJOR_CITIES: (3, 6),
    TransitKind.OTHER_PROVINCES: (4, 8),
}


def transit_days(kind: TransitKind) -> tuple[int, int]:
    """Working days after J: (plain, with the appointment slip sent back), TT 17 Art. 7."""
    return _TRANSIT[kind]


def transit_due(
    taken_in: date, kind: TransitKind, calendar: WorkCalendar, *, with_return_slip: bool = False
) -> date:
    """J + n working days, J = the day the item was taken in."""
    plain, with_slip = transit_days(kind)
    return calendar.add_working_days(taken_in, with_slip if with_return_slip else plain)
