"""Property tests: the catalogue parser only ever raises CatalogueImportError on bad input."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua_desk.storage import CatalogueImportError, parse_catalogue

#: Any Unicode (Vietnamese, other scripts, digits of every script, controls), not ASCII only.
UNICODE = st.characters(codec="utf-8")
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 2**64),
    st.floats(allow_nan=False),
    st.text(UNICODE, max_size=8),
    st.text(UNICODE, min_size=65, max_size=400),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(UNICODE, max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(
    [
        "code",
        "name",
        "field",
        "level",
        "processing_days",
        "time_unit",
        "fee_vnd",
        "required_documents",
        "verified",
        "valid_from",
        "valid_to",
        "active",
        "extra",
    ]
)
entries = st.dictionaries(keys, json_values, max_size=8)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(entries, max_size=4))
def test_entries_of_known_keys(doc: list[dict[str, Any]]) -> None:
    try:
        parsed = parse_catalogue(json.dumps(doc))
    except CatalogueImportError as err:
        assert err.reason
        assert err.index is None or 0 <= err.index < len(doc)
        return
    assert len(parsed.procedures) + len(parsed.skipped) == len(doc)
    for p in parsed.procedures:
        assert p.code and p.name
        assert p.processing_days is None or 0 <= p.processing_days <= 3650
        assert p.fee_vnd is None or 0 <= p.fee_vnd < 2**63


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.text(UNICODE, max_size=2000),
        st.integers(1, 3000).map(lambda n: "[" * n + "]" * n),
        st.integers(1, 3000).map(lambda n: '[{"code": ' * n),
    )
)
def test_arbitrary_bytes_and_text(data: bytes | str) -> None:
    with contextlib.suppress(CatalogueImportError):
        parse_catalogue(data)


@pytest.mark.parametrize(
    ("field", "value"), [("processing_days", 10**6), ("fee_vnd", 2**63), ("fee_vnd", 10**13)]
)
def test_absurd_catalogue_numbers_are_refused(field: str, value: int) -> None:
    entry = {"code": "1.000001", "name": "Thủ tục thử", "processing_days": 5, field: value}
    with pytest.raises(CatalogueImportError) as info:
        parse_catalogue(json.dumps([entry]))
    assert (info.value.reason, info.value.field) == ("too_large", field)


def test_a_deep_catalogue_is_a_typed_error() -> None:
    with pytest.raises(CatalogueImportError) as info:
        parse_catalogue("[" * 100_000 + "]" * 100_000)
    assert info.value.reason == "nesting_too_deep"
