"""Fuzzed requests never crash the server; the schema matches its migration."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sync_support import AGENCY_A, Server

from motcua_desk.sync import protocol as p

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _event_like() -> Any:
    return st.fixed_dictionaries(
        {
            "event_id": st.uuids().map(str) | st.text(max_size=5),
            "seq": st.integers(min_value=-2, max_value=3),
            "kind": st.sampled_from(sorted(p.EVENT_KINDS)) | st.text(max_size=5),
            "aggregate_id": st.uuids().map(str),
            "occurred_at": st.just("2026-03-10T09:00:00+07:00") | st.text(max_size=5),
            "payload": st.dictionaries(st.text(max_size=8), json_values, max_size=6),
        }
    )


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, Any]]:
    srv = Server(tmp_path_factory.mktemp("fuzz"))
    dev = srv.enrol(AGENCY_A)
    headers = {p.HEADER: "1", "Authorization": f"Bearer {dev.token}"}
    with httpx.Client(base_url="http://test", transport=srv.transport(), headers=headers) as c:
        yield c, dev
    srv.engine.dispose()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=json_values)
def test_arbitrary_json_is_refused_cleanly(fuzz_server: Any, body: Any) -> None:
    client, _ = fuzz_server
    for url in ("/api/v1/sync/push", "/api/v1/codes/lease", "/api/v1/enrol"):
        res = client.post(url, content=json.dumps(body))
        assert res.status_code in (401, 403, 422, 429), (url, res.status_code, res.text)
        p.ErrorReply.from_dict(res.json())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=st.lists(_event_like(), max_size=4))
def test_near_valid_pushes_get_outcomes_or_422_never_500(fuzz_server: Any, events: Any) -> None:
    client, dev = fuzz_server
    res = client.post("/api/v1/sync/push", json={"device_id": dev.device_id, "events": events})
    assert res.status_code in (200, 409, 422), res.text
    if res.status_code == 200:
        out = p.PushResponse.from_dict(res.json())
        assert len(out.outcomes) == len(events)
        assert all(o.status in (p.ACCEPTED, p.REJECTED, p.DUPLICATE) for o in out.outcomes)


def test_models_match_the_migration(tmp_path: Any) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from motcua_server.models import Base

    srv = Server(tmp_path)
    with srv.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    srv.engine.dispose()
