"""Events that parse but cannot be stored get their own rejection; the batch goes on (issue 14)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sync_support import AGENCY_A, DAY, VN, Server, make_dossier

from motcua_desk.sync import protocol as p

AT = datetime(2026, 3, 10, 9, 30, tzinfo=VN)


def good(n: int) -> dict[str, Any]:
    agg = str(uuid.uuid4())
    dossier = make_dossier(agg, AGENCY_A, p.format_code(AGENCY_A, DAY, n), AT)
    payload = p.dossier_received_payload(dossier)
    ev = p.OutboxEvent(str(uuid.uuid4()), n, p.KIND_RECEIVED, agg, AT, payload)
    return ev.to_dict()


def with_payload(event: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**event, "payload": {**event["payload"], **changes}}


BAD: dict[str, Any] = {
    "received_at_year_1": lambda: with_payload(good(2), received_at="0001-01-01T00:00:00+14:00"),
    "received_at_year_9999": lambda: with_payload(good(2), received_at="9999-12-31T23:59:59-12:00"),
    "lone_surrogate": lambda: with_payload(good(2), note="ghi chú \ud800"),
    "lone_surrogate_in_key": lambda: {
        **good(2),
        "kind": "audit.appended",
        "payload": {"\udfff": 1},
    },
    "seq_over_32_bits": lambda: {**good(2), "seq": 2**31},
    "long_unknown_key": lambda: {**good(2), "kind": "audit.appended", "payload": {"k" * 2500: 1}},
    "nul_in_unknown_key": lambda: {**good(2), "kind": "audit.appended", "payload": {"a\x00b": 1}},
    "long_key_in_dossier": lambda: with_payload(good(2), **{"x" * 2500: 1}),
    "nul_in_dossier_key": lambda: with_payload(good(2), **{"\x00": 1}),
    "nul_in_text": lambda: with_payload(good(2), note="a\x00b"),
    "huge_integer": lambda: {**good(2), "kind": "audit.appended", "payload": {"n": 2**64}},
}


def post(client: httpx.Client, dev: p.EnrolResponse, events: list[dict[str, Any]]) -> Any:
    body = json.dumps({"device_id": dev.device_id, "events": events})  # \ud800 stays escaped
    headers = {p.HEADER: "1", "Authorization": f"Bearer {dev.token}"}
    return client.post(
        "/api/v1/sync/push", content=body, headers={**headers, "content-type": "application/json"}
    )


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url="http://test", transport=server.transport()) as c:
        yield c


@pytest.mark.parametrize("name", sorted(BAD))
def test_one_bad_event_is_rejected_and_the_rest_accepted(
    server: Server, client: httpx.Client, name: str
) -> None:
    dev = server.enrol(AGENCY_A)
    with server.client(dev.token) as t:
        t.lease(p.LeaseRequest(DAY, 10))
    events = [good(1), BAD[name](), good(3)]
    res = post(client, dev, events)
    assert res.status_code == 200, res.text
    out = p.PushResponse.from_dict(json.loads(res.content))  # the desk's own parser
    assert [o.status for o in out.outcomes] == [p.ACCEPTED, p.REJECTED, p.ACCEPTED]
    reason = out.outcomes[1].reason
    assert reason and len(reason) <= 300 and "\x00" not in reason
    reason.encode("utf-8")  # no lone surrogate comes back
    # Replayed, the bad event keeps its rejection and the others are duplicates.
    again = p.PushResponse.from_dict(json.loads(post(client, dev, events).content))
    assert [o.status for o in again.outcomes] == [p.DUPLICATE, p.REJECTED, p.DUPLICATE]
    assert again.outcomes[1].reason == reason


_any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=_any_text | st.text(min_size=1990, max_size=2100),
    value=_any_text | st.integers() | st.none(),
)
def test_fuzzed_keys_and_values_never_give_500(sqlite_server: Server, key: str, value: Any) -> None:
    dev = _enrolled(sqlite_server)
    with httpx.Client(base_url="http://test", transport=sqlite_server.transport()) as c:
        ev = {**good(1), "kind": "audit.appended", "payload": {key: value}}
        res = post(
            c, dev, [ev, with_payload(good(1), note=value if isinstance(value, str) else "")]
        )
    assert res.status_code == 200, res.text
    out = p.PushResponse.from_dict(json.loads(res.content))
    assert len(out.outcomes) == 2


_DEVICES: dict[int, p.EnrolResponse] = {}


def _enrolled(server: Server) -> p.EnrolResponse:
    if id(server) not in _DEVICES:
        _DEVICES[id(server)] = server.enrol(AGENCY_A)
    return _DEVICES[id(server)]
