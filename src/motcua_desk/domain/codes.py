"""Dossier codes (mã số hồ sơ, NĐ 61 Art. 26, TT 01/2018 Art. 19; NĐ 61/2018 Art. 26).

``000.00.06.H56-231027-0361`` = unit ``000.00.06.H56``, received 27/10/2023, 361st dossier of
the day. The pattern is a setting; the sequence comes from a :class:`SequenceSource` (local
counter now, server-leased blocks later). A counter that runs dry offline may issue a marked
provisional code (``...-T02-0001``) that the server replaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from .errors import DomainError, InvalidDossierCodeError
from .text import normalize

DEFAULT_PATTERN = "{agency_id}-{yymmdd}-{seq:04d}"

#: Scanning accepts both the TT 01/2018 and TT 04/2025 styles (NĐ 61/2018 Art. 26), plus the
#: provisional marker ``T<device>-`` of issue 7.
ANY_CODE_RE = re.compile(
    r"^(?P<agency>[A-Z0-9.]+)-(?P<date>[0-9]{6})-(?:T(?P<device>[0-9]{2,})-)?(?P<seq>[0-9]{4,})$"
)
AGENCY_ID_RE = re.compile(r"^[A-Z0-9](?:[A-Z0-9.]*[A-Z0-9])?$")

_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
_SEQ_SPEC_RE = re.compile(r"^seq(?::0?([0-9]{1,2})d)?$")
_WS_RE = re.compile(r"\s+")


class InvalidCodePatternError(DomainError):
    """The configured dossier code pattern is not usable; ``data['reason']`` says why."""

    code = "invalid_code_pattern"


class SequenceExhaustedError(DomainError):
    """No sequence number is left for this agency and day (leased block used up)."""

    code = "sequence_exhausted"


@dataclass(frozen=True)
class DossierCodeParts:
    """The parts of a dossier code."""

    agency_id: str
    day: date
    seq: int
    provisional: bool = False
    device_no: int | None = None


def _clean(code: str) -> str:
    return _WS_RE.sub("", normalize(code)).upper()


def _parse_yymmdd(raw: str, code: str) -> date:
    try:
        return date(2000 + int(raw[0:2]), int(raw[2:4]), int(raw[4:6]))
    except ValueError as exc:
        raise InvalidDossierCodeError(reason="date", code=code) from exc


def _check_agency(agency_id: str) -> str:
    agency = normalize(agency_id).upper()
    if not AGENCY_ID_RE.match(agency):
        raise InvalidDossierCodeError(reason="agency_id", agency_id=agency_id)
    return agency


def _check_seq(seq: int, name: str = "seq") -> None:
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise InvalidDossierCodeError(reason=name, value=repr(seq))


class DossierCodeFormat:
    """A dossier code pattern: format, parse and validate codes.

    Placeholders: ``{agency_id}``, ``{yymmdd}`` and ``{seq}`` / ``{seq:0Nd}``, each exactly
    once; everything else is literal text. Parsing accepts ``N`` or more sequence digits,
    never exactly ``N`` (TT 04/2025/TT-VPCP Art. 13.3: "at least" 4 sequence digits).
    """

    def __init__(self, pattern: str = DEFAULT_PATTERN) -> None:
        self.pattern = pattern
        self.seq_width = 1
        parts: list[str] = []
        provisional: list[str] = []
        seen: list[str] = []
        pos = 0
        for m in _PLACEHOLDER_RE.finditer(pattern):
            literal = pattern[pos : m.start()]
            if "{" in literal or "}" in literal:
                raise InvalidCodePatternError(reason="braces", pattern=pattern)
            parts.append(re.escape(literal))
            provisional.append(re.escape(literal))
            spec = m.group(1)
            if spec == "agency_id":
                name, rx = "agency_id", r"(?P<agency>[A-Z0-9.]+)"
            elif spec == "yymmdd":
                name, rx = "yymmdd", r"(?P<date>[0-9]{6})"
            else:
                seq_m = _SEQ_SPEC_RE.match(spec)
                if seq_m is None:
                    raise InvalidCodePatternError(reason="placeholder", placeholder=spec)
                name = "seq"
                self.seq_width = max(1, int(seq_m.group(1) or 1))
                rx = rf"(?P<seq>[0-9]{{{self.seq_width},}})"
            if name in seen:
                raise InvalidCodePatternError(reason="repeated", placeholder=name)
            seen.append(name)
            parts.append(rx)
            provisional.append(r"T(?P<device>[0-9]{2,})-" + rx if name == "seq" else rx)
            pos = m.end()
        tail = pattern[pos:]
        if "{" in tail or "}" in tail:
            raise InvalidCodePatternError(reason="braces", pattern=pattern)
        parts.append(re.escape(tail))
        provisional.append(re.escape(tail))
        missing = {"agency_id", "yymmdd", "seq"} - set(seen)
        if missing:
            raise InvalidCodePatternError(reason="missing", placeholders=sorted(missing))
        self._regex = re.compile("^" + "".join(parts) + "$")
        self._provisional_regex = re.compile("^" + "".join(provisional) + "$")

    def __repr__(self) -> str:
        return f"DossierCodeFormat({self.pattern!r})"

    def _render(self, agency_id: str, day: date, seq_text: str) -> str:
        def sub(m: re.Match[str]) -> str:
            spec = m.group(1)
            if spec == "agency_id":
                return agency_id
            if spec == "yymmdd":
                return day.strftime("%y%m%d")
            return seq_text

        return _PLACEHOLDER_RE.sub(sub, self.pattern)

    def format(self, agency_id: str, day: date, seq: int) -> str:
        """The code of the ``seq``-th dossier received by ``agency_id`` on ``day``."""
        _check_seq(seq)
        agency = _check_agency(agency_id)
        return self._render(agency, day, str(seq).zfill(self.seq_width))

    def format_provisional(self, agency_id: str, day: date, device_no: int, seq: int) -> str:
        """A provisional code: ``T<device>-`` before the sequence (issue 7)."""
        _check_seq(seq)
        _check_seq(device_no, "device_no")
        agency = _check_agency(agency_id)
        seq_text = f"T{device_no:02d}-{str(seq).zfill(self.seq_width)}"
        return self._render(agency, day, seq_text)

    def parse(self, code: str) -> DossierCodeParts:
        """Split a code into its parts; whitespace and case are forgiven.

        Raises:
            InvalidDossierCodeError: ``reason`` "format", "date" or "seq".
        """
        if not isinstance(code, str):
            raise InvalidDossierCodeError(reason="format", code=repr(code))
        text = _clean(code)
        m = self._regex.match(text)
        provisional = False
        if m is None:
            m = self._provisional_regex.match(text)
            provisional = m is not None
        if m is None:
            raise InvalidDossierCodeError(reason="format", code=text)
        return _parts_from_match(m, text, provisional)

    def is_valid(self, code: str) -> bool:
        """Whether ``code`` parses under this pattern."""
        try:
            self.parse(code)
        except InvalidDossierCodeError:
            return False
        return True


def _parts_from_match(m: re.Match[str], text: str, provisional: bool) -> DossierCodeParts:
    day = _parse_yymmdd(m.group("date"), text)
    seq = int(m.group("seq"))
    if seq < 1:
        raise InvalidDossierCodeError(reason="seq", code=text)
    device = m.groupdict().get("device")
    return DossierCodeParts(
        agency_id=m.group("agency"),
        day=day,
        seq=seq,
        provisional=provisional,
        device_no=int(device) if device is not None else None,
    )


def parse_any_dossier_code(code: str) -> DossierCodeParts:
    """Parse a code in any accepted style (NĐ 61/2018 Art. 26 scan regex, plus provisional)."""
    if not isinstance(code, str):
        raise InvalidDossierCodeError(reason="format", code=repr(code))
    text = _clean(code)
    m = ANY_CODE_RE.match(text)
    if m is None:
        raise InvalidDossierCodeError(reason="format", code=text)
    return _parts_from_match(m, text, m.group("device") is not None)


def format_provisional(agency_id: str, day: date, device_no: int, seq: int) -> str:
    """Provisional code in the default pattern, e.g. ``000.00.06.H56-231027-T02-0001``."""
    return DossierCodeFormat().format_provisional(agency_id, day, device_no, seq)


class SequenceSource(Protocol):
    """Hands out the next sequence number of a day; raises SequenceExhaustedError when dry."""

    def next_seq(self, agency_id: str, day: date) -> int:
        """The next unused number for ``agency_id`` on ``day``."""
        ...


class InMemorySequenceSource:
    """Per agency and day counter starting at ``start``; optional ``limit`` (for tests)."""

    def __init__(self, start: int = 1, limit: int | None = None) -> None:
        self._start = start
        self._limit = limit
        self._last: dict[tuple[str, date], int] = {}

    def next_seq(self, agency_id: str, day: date) -> int:
        key = (agency_id, day)
        seq = self._last.get(key, self._start - 1) + 1
        if self._limit is not None and seq > self._limit:
            raise SequenceExhaustedError(agency_id=agency_id, day=day.isoformat())
        self._last[key] = seq
        return seq


class BlockSequenceSource:
    """Numbers from leased blocks ``[first, last]`` per agency and day."""

    def __init__(self, blocks: Iterable[tuple[str, date, int, int]] = ()) -> None:
        self._free: dict[tuple[str, date], list[int]] = {}
        for agency_id, day, first, last in blocks:
            self.add_block(agency_id, day, first, last)

    def add_block(self, agency_id: str, day: date, first: int, last: int) -> None:
        """Add a leased block; overlapping an existing block is an error."""
        if first < 1 or last < first:
            raise SequenceExhaustedError(reason="bad_block", first=first, last=last)
        free = self._free.setdefault((agency_id, day), [])
        if any(first <= n <= last for n in free):
            raise SequenceExhaustedError(reason="overlap", first=first, last=last)
        free.extend(range(first, last + 1))
        free.sort(reverse=True)

    def remaining(self, agency_id: str, day: date) -> int:
        """How many leased numbers are still unused."""
        return len(self._free.get((agency_id, day), []))

    def next_seq(self, agency_id: str, day: date) -> int:
        free = self._free.get((agency_id, day))
        if not free:
            raise SequenceExhaustedError(agency_id=agency_id, day=day.isoformat())
        return free.pop()


def issue_code(
    source: SequenceSource, agency_id: str, day: date, code_format: DossierCodeFormat | None = None
) -> str:
    """Take the next number from ``source`` and format the code."""
    fmt = code_format or DossierCodeFormat()
    return fmt.format(agency_id, day, source.next_seq(agency_id, day))
