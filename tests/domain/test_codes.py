"""Dossier codes (docs/domain.md §5; TT 01/2018 Art. 19)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua_desk.domain.codes import (
    DEFAULT_PATTERN,
    BlockSequenceSource,
    DossierCodeFormat,
    DossierCodeParts,
    InMemorySequenceSource,
    InvalidCodePatternError,
    SequenceExhaustedError,
    SequenceSource,
    format_provisional,
    issue_code,
    parse_any_dossier_code,
)
from motcua_desk.domain.errors import DomainError, InvalidDossierCodeError

AGENCY = "000.00.06.H56"


def test_th_example_round_trip() -> None:
    fmt = DossierCodeFormat()
    assert fmt.pattern == DEFAULT_PATTERN
    assert fmt.format(AGENCY, date(2023, 10, 27), 361) == "000.00.06.H56-231027-0361"
    assert fmt.parse("000.00.06.H56-231027-0361") == DossierCodeParts(
        AGENCY, date(2023, 10, 27), 361
    )


def test_sequence_wider_than_pattern() -> None:
    fmt = DossierCodeFormat()
    code = fmt.format(AGENCY, date(2023, 10, 27), 12345)
    assert code == "000.00.06.H56-231027-12345"
    assert fmt.parse(code).seq == 12345


def test_parse_forgives_whitespace_and_case() -> None:
    parts = DossierCodeFormat().parse(" 000.00.06.h56-231027-0361\r\n")
    assert parts.agency_id == AGENCY


def test_custom_pattern_tt04_style() -> None:
    fmt = DossierCodeFormat("{agency_id}-{yymmdd}-AB{seq:06d}")
    code = fmt.format("H56.14", date(2026, 1, 25), 7)
    assert code == "H56.14-260125-AB000007"
    assert fmt.parse(code) == DossierCodeParts("H56.14", date(2026, 1, 25), 7)
    assert not fmt.is_valid("H56.14-260125-AB0007")  # fewer digits than the pattern's width
    assert not fmt.is_valid("H56.14-260125-000007")


def test_provisional_codes() -> None:
    code = format_provisional(AGENCY, date(2023, 10, 27), 2, 1)
    assert code == "000.00.06.H56-231027-T02-0001"
    parts = DossierCodeFormat().parse(code)
    assert parts.provisional
    assert parts.device_no == 2
    assert parts.seq == 1
    assert parse_any_dossier_code(code) == parts


def test_parse_any_accepts_both_styles() -> None:
    assert parse_any_dossier_code("000.00.06.H56-231027-0361").seq == 361
    assert parse_any_dossier_code("H56.14.01-260125-00123456").seq == 123456
    assert not parse_any_dossier_code("H56-260125-0001").provisional


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "format"),
        ("000.00.06.H56-231027-036", "format"),  # < 4 digits
        ("000.00.06.H56-2310270361", "format"),
        ("000.00.06.H56_231027-0361", "format"),
        ("000.00.06.H56-231327-0361", "date"),  # month 13
        ("000.00.06.H56-230230-0361", "date"),  # 30 February
        ("000.00.06.H56-231027-0000", "seq"),
        ("Hồ sơ-231027-0361", "format"),
        ("000.00.06.H56-231027-T2-0001", "format"),
        ("000.00.06.H56-231027-0361-", "format"),
    ],
)
def test_malformed_codes(code: str, reason: str) -> None:
    for parse in (DossierCodeFormat().parse, parse_any_dossier_code):
        with pytest.raises(InvalidDossierCodeError) as exc:
            parse(code)
        assert exc.value.data["reason"] == reason
    assert not DossierCodeFormat().is_valid(code)


def test_non_string_rejected() -> None:
    with pytest.raises(InvalidDossierCodeError):
        DossierCodeFormat().parse(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "pattern",
    [
        "{yymmdd}-{seq:04d}",
        "{agency_id}-{seq:04d}",
        "{agency_id}-{yymmdd}",
        "{agency_id}-{yymmdd}-{seq:04d}-{seq}",
        "{agency_id}-{yymmdd}-{sequence}",
        "{agency_id}-{yymmdd}-{seq:04x}",
        "{agency_id}-{yymmdd}-{seq:04d}}",
        "{agency_id-{yymmdd}-{seq}",
    ],
)
def test_invalid_patterns(pattern: str) -> None:
    with pytest.raises(InvalidCodePatternError) as exc:
        DossierCodeFormat(pattern)
    assert isinstance(exc.value, DomainError)


@pytest.mark.parametrize(
    ("agency", "seq"), [("", 1), ("h56 x", 1), ("-H56", 1), (AGENCY, 0), (AGENCY, -3)]
)
def test_format_rejects_bad_input(agency: str, seq: int) -> None:
    with pytest.raises(InvalidDossierCodeError):
        DossierCodeFormat().format(agency, date(2026, 1, 1), seq)


@settings(max_examples=80, deadline=None)
@given(
    agency=st.from_regex(r"[A-Z0-9]{1,3}(\.[A-Z0-9]{1,3}){0,3}", fullmatch=True),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    seq=st.integers(min_value=1, max_value=10**7),
    width=st.integers(min_value=1, max_value=8),
)
def test_round_trip_property(agency: str, day: date, seq: int, width: int) -> None:
    fmt = DossierCodeFormat(f"{{agency_id}}-{{yymmdd}}-{{seq:0{width}d}}")
    code = fmt.format(agency, day, seq)
    assert fmt.parse(code) == DossierCodeParts(agency, day, seq)
    if width >= 4:
        assert parse_any_dossier_code(code) == DossierCodeParts(agency, day, seq)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_garbage_never_crashes(text: str) -> None:
    try:
        parts = parse_any_dossier_code(text)
    except InvalidDossierCodeError as exc:
        assert exc.data["reason"] in {"format", "date", "seq"}
    else:
        assert parts.seq >= 1


def test_in_memory_sequence_per_agency_and_day() -> None:
    src: SequenceSource = InMemorySequenceSource()
    d1, d2 = date(2026, 3, 2), date(2026, 3, 3)
    assert [src.next_seq("A", d1) for _ in range(3)] == [1, 2, 3]
    assert src.next_seq("A", d2) == 1  # restarts daily
    assert src.next_seq("B", d1) == 1
    assert issue_code(src, AGENCY, d1) == "000.00.06.H56-260302-0001"


def test_in_memory_sequence_limit() -> None:
    src = InMemorySequenceSource(limit=2)
    src.next_seq("A", date(2026, 3, 2))
    src.next_seq("A", date(2026, 3, 2))
    with pytest.raises(SequenceExhaustedError):
        src.next_seq("A", date(2026, 3, 2))


def test_block_sequence_source() -> None:
    d = date(2026, 3, 2)
    src = BlockSequenceSource([("A", d, 11, 12)])
    src.add_block("A", d, 1, 2)
    assert src.remaining("A", d) == 4
    assert [src.next_seq("A", d) for _ in range(4)] == [1, 2, 11, 12]
    with pytest.raises(SequenceExhaustedError):
        src.next_seq("A", d)
    with pytest.raises(SequenceExhaustedError):
        src.next_seq("A", date(2026, 3, 3))
    with pytest.raises(SequenceExhaustedError):
        src.add_block("A", d, 5, 4)
    src.add_block("A", d, 20, 30)
    with pytest.raises(SequenceExhaustedError):
        src.add_block("A", d, 25, 40)
