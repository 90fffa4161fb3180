"""Fuzzed pulled changes and gap reports: nothing jams, every failure is typed (issue 14)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from desk_support import desk_db
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua_desk.services.sync_service import StorageSyncStore
from motcua_desk.sync import protocol as p
from motcua_server.catalogue import AdminError, check_procedure

texts = st.text(st.characters(codec=None), max_size=40) | st.text(min_size=2000, max_size=2100)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)
known_keys = st.sampled_from(
    [
        "code",
        "name",
        "fee_vnd",
        "processing_days",
        "date",
        "kind",
        "status",
        "at",
        "username",
        "full_name",
        "role",
        "password_hash",
        "required_documents",
        "time_unit",
        "valid_from",
    ]
)
change_data = st.dictionaries(known_keys | texts, values, max_size=8)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StorageSyncStore]:
    engine, uow_factory = desk_db(tmp_path_factory.mktemp("pull") / "desk.db")
    yield StorageSyncStore(uow_factory, lambda: "000.00.06.H56")
    engine.dispose()


_cursor = itertools.count(1)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entity=st.sampled_from(sorted(p.CHANGE_ENTITIES)),
    key=st.text(st.characters(codec=None), min_size=1, max_size=100),
    data=change_data,
)
def test_any_pulled_change_is_applied_or_a_conflict_and_the_cursor_moves(
    store: StorageSyncStore, entity: str, key: str, data: dict[str, Any]
) -> None:
    cursor = next(_cursor)
    store.apply_pull_page([p.Change(cursor, entity, key, data)], cursor)
    assert store.get_cursor() == cursor


@settings(max_examples=150, deadline=None)
@given(payload=values | st.fixed_dictionaries({"date": texts, "ranges": values}))
def test_codes_released_payload_is_valid_or_a_protocol_error(payload: Any) -> None:
    try:
        body = p.CodesReleased.from_dict(payload)
    except p.ProtocolError as exc:
        assert exc.data["path"].startswith("$.payload")
        return
    assert body.ranges and all(1 <= a <= b for a, b in body.ranges)
    assert p.CodesReleased.from_dict(body.to_dict()) == body


@settings(max_examples=150, deadline=None)
@given(item=change_data)
def test_catalogue_entries_are_checked_or_refused_with_a_field(item: dict[str, Any]) -> None:
    try:
        out = check_procedure(item, 3)
    except AdminError as exc:
        assert exc.data["index"] == 3 and exc.data["reason"]
        return
    fee = out.get("fee_vnd")
    assert fee is None or 0 <= fee <= 10**12
    assert "\x00" not in out["name"]


def test_ranges_must_be_sorted_and_disjoint() -> None:
    with pytest.raises(p.ProtocolError) as err:
        p.CodesReleased.from_dict({"date": "2026-03-10", "ranges": [[5, 9], [7, 12]]})
    assert err.value.data["reason"] == "overlap_or_unsorted"
    ok = p.CodesReleased.from_dict({"date": "2026-03-10", "ranges": [[5, 9], [11, 12]]})
    assert ok.ranges == ((5, 9), (11, 12))
