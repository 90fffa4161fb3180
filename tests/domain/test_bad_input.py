"""Bad input (issue 14 §6): non-ASCII digits, implausible QR names, deep nesting."""

from __future__ import annotations

import json
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_desk.domain.codes import DossierCodeFormat, parse_any_dossier_code
from motcua_desk.domain.errors import (
    InvalidDossierCodeError,
    InvalidItemCodeError,
    MalformedIdCardQRError,
)
from motcua_desk.domain.identity import is_valid_personal_id, parse_id_card_qr
from motcua_desk.domain.nesting import NestingTooDeepError, check_nesting
from motcua_desk.domain.postal import is_valid_item_code, parse_item_code

#: Decimal digits of every script except ASCII (full-width, Arabic-Indic, Devanagari, ...).
FOREIGN_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not "0" <= c <= "9")
VALID_ID = "038195001234"
VALID_CODE = "000.00.06.H56-231027-0001"
VALID_ITEM = "RR123456785VN"


def _swap(text: str, data: st.DataObject, digit: str) -> str:
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    i = data.draw(st.sampled_from(positions))
    return text[:i] + digit + text[i + 1 :]


@given(st.data(), FOREIGN_DIGITS)
def test_foreign_digits_are_refused_everywhere(data: st.DataObject, digit: str) -> None:
    assert not is_valid_personal_id(_swap(VALID_ID, data, digit))
    with pytest.raises(InvalidDossierCodeError):
        parse_any_dossier_code(_swap(VALID_CODE, data, digit))
    with pytest.raises(InvalidDossierCodeError):
        DossierCodeFormat().parse(_swap(VALID_CODE, data, digit))
    assert not is_valid_item_code(_swap(VALID_ITEM, data, digit))
    with pytest.raises(InvalidItemCodeError):
        parse_item_code(_swap(VALID_ITEM, data, digit))


@pytest.mark.parametrize(
    "text",
    [
        "０３８１９５００１２３４",  # full-width
        "٠٣٨١٩٥٠٠١٢٣٤",  # Arabic-Indic
        "000.00.06.H56-231027-０００１",
        "000.00.06.H56-٢٣١٠٢٧-0001",
    ],
)
def test_the_reported_examples(text: str) -> None:
    assert not is_valid_personal_id(text)
    with pytest.raises(InvalidDossierCodeError):
        parse_any_dossier_code(text)


QR = "038195001234||{name}|15061995|Nữ|Số 12 Lê Lợi, Hạc Thành|01012021"


@pytest.mark.parametrize(
    "name", ["123456", "１２３４５６", "٠١٢٣", "\x00\x01\x02", "\u200b\u200b", "12\x07"]
)
def test_qr_names_of_digits_or_control_characters_are_refused(name: str) -> None:
    with pytest.raises(MalformedIdCardQRError) as info:
        parse_id_card_qr(QR.format(name=name))
    assert info.value.data["reason"] == "missing_name"


def test_a_real_name_still_reads() -> None:
    assert parse_id_card_qr(QR.format(name="Lê Thị Hoa")).full_name == "Lê Thị Hoa"


@pytest.mark.parametrize("depth", [100, 5_000, 200_000])
def test_deep_json_gives_a_typed_error_not_recursion(depth: int) -> None:
    text = "[" * depth + "]" * depth
    with pytest.raises(NestingTooDeepError):
        check_nesting(text)
    with pytest.raises(NestingTooDeepError):
        check_nesting('{"a":' * depth + "1" + "}" * depth)


@pytest.mark.parametrize("depth", [100, 200_000])
def test_deep_toml_gives_a_typed_error(depth: int) -> None:
    with pytest.raises(NestingTooDeepError):
        check_nesting("x = " + "[" * depth + "]" * depth, syntax="toml")
    with pytest.raises(NestingTooDeepError):
        check_nesting("x = " + "{a = " * depth + "1" + "}" * depth, syntax="toml")


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    check_nesting(json.dumps({"name": "[" * 1000 + "\\" + '"' + "{" * 1000}))
    toml = 'a = "' + "[" * 500 + '"\n# ' + "[" * 500 + "\nb = '''" + "{" * 500 + "'''\n"
    check_nesting(toml, syntax="toml")
    assert tomllib.loads(toml)["a"] == "[" * 500


@given(st.recursive(st.none() | st.integers() | st.text(), lambda c: st.lists(c), max_leaves=30))
def test_shallow_json_of_any_text_passes(value: object) -> None:
    text = json.dumps(value, ensure_ascii=False)
    depth = text.count("[")  # an upper bound of the real depth
    if depth <= 32:
        check_nesting(text)
