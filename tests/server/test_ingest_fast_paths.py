"""The ingest's fast paths give exactly what the plain definitions give (issue 17).

A push hashes each event over its canonical JSON and checks every payload value before storing
it. Both now take shortcuts (the payload's canonical text is built once; values are checked
without building a path unless something is wrong). A stored hash that changed would turn every
replay into "event id reused", and a defect let through would break the batch, so both are
compared with their plain definitions on generated payloads: Unicode of every plane, lone
surrogates, NUL, huge integers, deep nesting, long keys.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua_desk.sync import protocol as p
from motcua_server import sanity
from motcua_server.ingest import payload_hash

_text = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()),  # surrogates and NUL included
    max_size=40,
) | st.sampled_from(["Lê Thị Hoa", "Đăng ký khai sinh", 'a"b\\c', "\x00", "\ud800", "x" * 300])
_scalars = (
    st.none()
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.integers(min_value=-(2**70), max_value=2**70)
    | _text
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_text, inner, max_size=5),
    max_leaves=30,
)


def _reference_hash(event: p.OutboxEvent) -> str:
    body = {
        "kind": event.kind,
        "aggregate_id": event.aggregate_id,
        "seq": event.seq,
        "payload": event.payload,
    }
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@settings(max_examples=300, deadline=None)
@given(
    payload=st.dictionaries(_text, _json, max_size=6),
    kind=_text,
    aggregate=_text,
    seq=st.integers(min_value=0, max_value=2**40),
)
def test_payload_hash_is_the_canonical_json_hash(
    payload: dict[str, Any], kind: str, aggregate: str, seq: int
) -> None:
    event = p.OutboxEvent("e", seq, kind, aggregate, datetime.now(UTC), payload)
    assert payload_hash(event) == _reference_hash(event)


def test_payload_hash_is_stable_for_a_known_event() -> None:
    """A hash stored by an earlier release still answers its replay."""
    event = p.OutboxEvent(
        "e", 3, "dossier.status_changed", "agg", datetime.now(UTC), {"b": "Đ", "a": [1, None]}
    )
    assert payload_hash(event) == _reference_hash(event)
    assert (
        payload_hash(event)
        == hashlib.sha256(
            '{"aggregate_id":"agg","kind":"dossier.status_changed","payload":{"a":[1,null],"b":"Đ"},'
            '"seq":3}'.encode()
        ).hexdigest()
    )


def _deep(depth: int) -> Any:
    value: Any = "đáy"
    for _ in range(depth):
        value = {"k": [value]}
    return value


@settings(max_examples=500, deadline=None)
@given(value=_json | st.builds(_deep, st.integers(min_value=10, max_value=40)))
def test_the_quick_check_agrees_with_the_described_one(value: Any) -> None:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    described = sanity._walk(value, "$", 0)
    if sanity.payload_clean(value, canonical):
        assert described is None  # never lets a defect through
    elif "\\\\u0000" not in canonical:  # a text with a backslash and "u0000": a false alarm
        assert described is not None  # otherwise never sends a clean payload the slow way


def test_each_defect_is_still_described_with_its_path() -> None:
    cases = {
        "nul": ({"a": ["ok", "x\x00"]}, "$.payload.a[1]:nul_character"),
        "surrogate": ({"tên": "\udc00"}, "$.payload.tên:lone_surrogate"),
        "key": ({"k" * 201: 1}, "$.payload:key_too_long"),
        "int": ({"n": 2**64}, "$.payload.n:out_of_range"),
        "deep": (_deep(20), ":too_deep"),
        "text that reads as a NUL": ({"a": "\\u0000", "b": "\x00"}, "$.payload.b:nul_character"),
    }
    for name, (payload, reason) in cases.items():
        event = p.OutboxEvent("e", 1, "k", "a", datetime.now(UTC), payload)
        found = sanity.event_defect(event)
        assert found is not None and reason in found, name
    for payload in ({"tên": "Lê Thị Hoa", "n": 2**62}, {"a": "C:\\u0000"}, {"d": _deep(15)}):
        ok = p.OutboxEvent("e", 1, "k", "a", datetime.now(UTC), payload)
        assert sanity.event_defect(ok) is None
