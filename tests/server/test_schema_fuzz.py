"""A schema-based fuzzer (schemathesis) against the live server on loopback.

Every operation of the served OpenAPI gets generated requests, valid and invalid by the schema;
the server must never answer 5xx, must answer only documented statuses, headers and bodies that
match the schema, and must refuse what the schema says is invalid (the schema states the limits
the server enforces). Bounded: a fixed number of examples per operation, derandomized.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from live_support import PG_ENV, LiveServer, reset_pg
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
from motcua_server.config import ServerSettings

#: Per operation and mode (7 operations x 2 modes): well under a minute. Raise it for a deeper
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
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, p.EnrolResponse]]:
    tmp = Path(tmp_path_factory.mktemp("fuzz"))
    if request.param == "postgres":
        url = os.environ.get(PG_ENV)
        if not url:
            if os.environ.get("CI") == "true":
                pytest.fail(f"{PG_ENV} is required in CI")
            pytest.skip(f"{PG_ENV} not set (run scripts/start_postgres.sh)")
        reset_pg(url)
        srv = Server(tmp, ServerSettings(db_url=url, enrol_rate_limit=100_000))
    else:
        srv = Server(tmp, enrol_rate_limit=100_000)
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
    assert "POST /api/v1/sync/held" in labels and len(labels) == 8


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
