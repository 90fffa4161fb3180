"""A schema-based fuzzer (schemathesis) against the live server on loopback.

Every operation of the served OpenAPI gets generated requests, valid and invalid by the schema;
the server must never answer 5xx, must answer only documented statuses, headers and bodies that
match the schema, and must refuse what the schema says is invalid (the schema states the limits
the server enforces). Bounded: a fixed number of examples per operation, derandomized.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from live_support import LiveServer, fresh_pg_url
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sync_support import AGENCY_A, Server

from motcua_desk.sync import protocol as p
from motcua_desk.sync.transport import HttpTransport
from motcua_server.config import ServerSettings

#: Per operation and mode (11 operations x 2 modes): well under a minute. Raise it for a deeper
#: run by hand: MOTCUA_FUZZ_EXAMPLES=200.
EXAMPLES = int(os.environ.get("MOTCUA_FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@schemathesis.check
def refuses_invalid_data(ctx: Any, response: Any, case: Any) -> bool | None:
    """``negative_data_rejection``, where 426 (bad protocol header) is a refusal too."""
    if response.status_code == 426:
        return None
    return negative_data_rejection(ctx, response, case)  # type: ignore[no-any-return]


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(("sqlite", "fs"), id="sqlite-fs"),
        pytest.param(("sqlite", "db"), id="sqlite-db"),
        pytest.param(("postgres", "db"), id="postgres-db", marks=pytest.mark.postgres),
    ],
)
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, p.EnrolResponse]]:
    tmp = Path(tmp_path_factory.mktemp("fuzz"))
    db, store = request.param  # the blob endpoints on both stores
    if db == "postgres":
        url = fresh_pg_url()
        srv = Server(tmp, ServerSettings(db_url=url, enrol_rate_limit=100_000, blob_store=store))
    else:
        srv = Server(tmp, enrol_rate_limit=100_000, blob_store=store)
    dev = srv.enrol(AGENCY_A)
    live = LiveServer(srv.app)
    yield live.url, dev
    live.stop()
    srv.engine.dispose()


def _operations(url: str) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_covers_every_operation(target: tuple[str, p.EnrolResponse]) -> None:
    url, _ = target
    labels = {op.label for op in _operations(url)}
    assert "POST /api/v1/sync/push" in labels and len(labels) == 12
    assert "POST /api/v1/sync/held" in labels
    assert {
        "GET /api/v1/blobs/{sha}/upload",
        "PUT /api/v1/blobs/{sha}/upload",
        "GET /api/v1/blobs/{sha}",
        "GET /api/v1/attachments",
    } <= labels


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_fuzzed_requests_get_documented_replies(
    target: tuple[str, p.EnrolResponse], mode: GenerationMode
) -> None:
    url, dev = target
    auth = {"Authorization": f"Bearer {dev.token}"}
    checks = CHECKS + ([refuses_invalid_data] if mode is GenerationMode.NEGATIVE else [])
    for op in _operations(url):
        if mode is GenerationMode.NEGATIVE and op.label == "GET /api/v1/health":
            continue  # no input at all: nothing can be made invalid

        @given(case=op.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            push = case.operation.label == "POST /api/v1/sync/push"
            if mode is GenerationMode.POSITIVE and push and isinstance(case.body, dict):
                case.body["device_id"] = dev.device_id  # reach the events, not just the 403
            case.call_and_validate(base_url=url, headers=auth, checks=checks)

        run()


def test_blob_successes_match_the_schema(target: tuple[str, p.EnrolResponse]) -> None:
    """What random requests cannot reach (a file whose bytes have the SHA-256 it is sent
    under, a held file, a paper of an applicant): real requests, checked against the schema."""
    url, dev = target
    auth = {"Authorization": f"Bearer {dev.token}", p.HEADER: str(p.PROTOCOL_VERSION)}
    data = b"%PDF-1.7 " + os.urandom(3000)
    sha = hashlib.sha256(data).hexdigest()
    ops = {op.label: op for op in _operations(url)}
    aid = str(uuid.uuid4())
    number = "0381950" + str(int.from_bytes(os.urandom(2), "big")).zfill(5)
    with HttpTransport(url, dev.token) as t:
        event = p.OutboxEvent(
            str(uuid.uuid4()),
            1,
            "attachment.put",
            aid,
            datetime.now(UTC),
            {"sync_id": aid, "sha256": sha, "applicant_id_number": number},
        )
        assert t.push(p.PushRequest(dev.device_id, (event,))).outcomes[0].status == p.ACCEPTED
    cases = [
        ops["PUT /api/v1/blobs/{sha}/upload"].Case(
            path_parameters={"sha": sha},
            query={"offset": 0, "total": len(data)},
            body=data,
            media_type="application/octet-stream",
        ),
        ops["GET /api/v1/blobs/{sha}/upload"].Case(path_parameters={"sha": sha}),
        ops["PUT /api/v1/blobs/{sha}/upload"].Case(  # held already: claimed by an empty chunk
            path_parameters={"sha": sha},
            query={"offset": len(data), "total": len(data)},
            body=b"",
            media_type="application/octet-stream",
        ),
        ops["GET /api/v1/blobs/{sha}"].Case(path_parameters={"sha": sha}),
        ops["GET /api/v1/attachments"].Case(query={"id_number": number}),
    ]
    replies = []
    for case in cases:
        res = case.call_and_validate(base_url=url, headers=auth, checks=CHECKS)
        assert res.status_code == 200
        replies.append(res)
    assert replies[1].json() == {"received": len(data), "complete": True}
    assert replies[3].content == data
    assert [a["sync_id"] for a in replies[4].json()["attachments"]] == [aid]
