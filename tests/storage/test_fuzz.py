"""Property tests: the catalogue parser only ever raises CatalogueImportError on bad input."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua_desk.storage import CatalogueImportError, parse_catalogue

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=False),
    st.text(max_size=8),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
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
        assert p.processing_days is None or p.processing_days >= 0


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.binary(max_size=64), st.text(max_size=64)))
def test_arbitrary_bytes_and_text(data: bytes | str) -> None:
    with contextlib.suppress(CatalogueImportError):
        parse_catalogue(data)
