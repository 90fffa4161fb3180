"""Scan routing (architecture §9; docs/domain.md §5, §7, §8)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua_desk.domain.codes import DossierCodeFormat, DossierCodeParts
from motcua_desk.domain.errors import (
    InvalidDossierCodeError,
    InvalidIdNumberError,
    InvalidItemCodeError,
    MalformedIdCardQRError,
)
from motcua_desk.domain.identity import IdCardData, PersonalIdInfo
from motcua_desk.domain.postal import ItemCode
from motcua_desk.domain.scan import ScanKind, classify

QR = (
    "038195001234|123456789|Lê Thị Hoa|15061995|Nữ|"
    "Số 12 Lê Lợi, Phường Điện Biên, TP Thanh Hóa, Thanh Hóa|20052021"
)


def test_id_card_qr() -> None:
    r = classify(unicodedata.normalize("NFD", QR) + "\r\n")
    assert r.kind is ScanKind.ID_CARD_QR
    assert r.error is None
    assert r.ok
    assert isinstance(r.value, IdCardData)
    assert r.value.full_name == "Lê Thị Hoa"
    assert r.text == QR


def test_id_card_qr_with_bad_id_number() -> None:
    r = classify(QR.replace("038195001234", "003195001234"))
    assert r.kind is ScanKind.ID_CARD_QR
    assert isinstance(r.error, MalformedIdCardQRError)
    assert r.value is None
    assert not r.ok


def test_dossier_code() -> None:
    r = classify(" 000.00.06.h56-231027-0361\n")
    assert r.kind is ScanKind.DOSSIER_CODE
    assert r.text == "000.00.06.H56-231027-0361"
    assert r.value == DossierCodeParts("000.00.06.H56", date(2023, 10, 27), 361)


def test_dossier_code_with_custom_format() -> None:
    fmt = DossierCodeFormat("{agency_id}-{yymmdd}-AB{seq:04d}")
    r = classify("H56.14-260125-AB0001", fmt)
    assert r.kind is ScanKind.DOSSIER_CODE
    assert r.value == DossierCodeParts("H56.14", date(2026, 1, 25), 1)
    # Default-style codes are still recognised with a custom format.
    assert classify("000.00.06.H56-231027-0361", fmt).kind is ScanKind.DOSSIER_CODE


def test_provisional_dossier_code() -> None:
    r = classify("000.00.06.H56-231027-T02-0001")
    assert r.kind is ScanKind.DOSSIER_CODE
    assert isinstance(r.value, DossierCodeParts)
    assert r.value.provisional


def test_dossier_code_bad_date() -> None:
    r = classify("000.00.06.H56-231327-0361")
    assert r.kind is ScanKind.DOSSIER_CODE
    assert isinstance(r.error, InvalidDossierCodeError)


def test_item_code() -> None:
    r = classify("RR123456785VN\r")
    assert r.kind is ScanKind.ITEM_CODE
    assert r.value == ItemCode("RR", "12345678", 5, "VN")


def test_item_code_bad_check_digit() -> None:
    r = classify("RR123456784VN")
    assert r.kind is ScanKind.ITEM_CODE
    assert isinstance(r.error, InvalidItemCodeError)


@pytest.mark.parametrize("code", ["1.001193", "1.001193.000.00.00.H56", "2.000001"])
def test_procedure_codes(code: str) -> None:
    r = classify(f" {code}\n")
    assert r.kind is ScanKind.PROCEDURE_CODE
    assert r.value == code
    assert r.text == code


def test_personal_ids() -> None:
    r = classify("038195001234")
    assert r.kind is ScanKind.PERSONAL_ID
    assert isinstance(r.value, PersonalIdInfo)
    legacy = classify("123456789")
    assert legacy.kind is ScanKind.PERSONAL_ID
    assert legacy.value == "123456789"
    bad = classify("003195001234")
    assert bad.kind is ScanKind.PERSONAL_ID
    assert isinstance(bad.error, InvalidIdNumberError)


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "\r\n", "hello", "12345", "1.0011", "a|b", "RR1234VN", "Lê Thị Hoa", "\x00\x01"],
)
def test_unknown(raw: str) -> None:
    r = classify(raw)
    assert r.kind is ScanKind.UNKNOWN
    assert r.error is None
    assert not r.ok


def test_non_string_is_unknown() -> None:
    assert classify(None).kind is ScanKind.UNKNOWN  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_never_raises(raw: str) -> None:
    r = classify(raw)
    assert isinstance(r.kind, ScanKind)
    assert unicodedata.is_normalized("NFC", r.text)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789|.-ABTVNR \r\n"), max_size=60))
def test_never_raises_on_code_like_garbage(raw: str) -> None:
    r = classify(raw)
    assert (r.value is None) or (r.error is None)
