"""Issue 13: the fee fields of dossier payloads and the new postal event kind on the wire."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_desk.sync import protocol as p

UNICODE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),  # any code point but surrogates
    max_size=300,
)


def test_fee_fields_in_an_update_are_checked() -> None:
    upd = p.validate_payload(
        p.KIND_UPDATED,
        {"fields": {"fee_timing": "at_intake", "fee_paid_vnd": 50_000, "fee_receipt_no": "0001"}},
    )
    assert isinstance(upd, p.DossierUpdated)
    assert upd.fields == {
        "fee_timing": "at_intake",
        "fee_paid_vnd": 50_000,
        "fee_receipt_no": "0001",
    }
    for bad in (
        {"fee_timing": "sometimes"},
        {"fee_paid_vnd": -1},
        {"fee_paid_vnd": "50000"},
        {"fee_receipt_no": "x" * 65},
    ):
        with pytest.raises(p.ProtocolError):
            p.validate_payload(p.KIND_UPDATED, {"fields": bad})


def test_postal_attempt_is_a_known_kind() -> None:
    assert "postal.attempt" in p.EVENT_KINDS
    assert p.validate_payload("postal.attempt", {"item_code": "RR123456785VN", "number": 1}) is None


@given(UNICODE)
def test_receipt_numbers_of_any_text_are_refused_or_stored_as_nfc(text: str) -> None:
    try:
        upd = p.validate_payload(p.KIND_UPDATED, {"fields": {"fee_receipt_no": text}})
    except p.ProtocolError as exc:
        assert exc.code == "protocol_error"
        return
    assert isinstance(upd, p.DossierUpdated)
    stored = upd.fields["fee_receipt_no"]
    assert stored == unicodedata.normalize("NFC", stored)


@given(st.one_of(UNICODE, st.integers(), st.none(), st.booleans()))
def test_fee_timing_accepts_only_the_four_values(value: object) -> None:
    try:
        upd = p.validate_payload(p.KIND_UPDATED, {"fields": {"fee_timing": value}})
    except p.ProtocolError:
        assert value not in ("at_intake", "at_return", "exempt", "no_fee", None)
        return
    assert isinstance(upd, p.DossierUpdated)
    assert upd.fields["fee_timing"] in ("at_intake", "at_return", "exempt", "no_fee", None)
