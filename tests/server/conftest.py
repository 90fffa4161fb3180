"""Fixtures of the server tests: SQLite always, PostgreSQL when MOTCUA_TEST_PG_URL is set."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))

from sync_support import Server  # noqa: E402

from motcua_server.config import ServerSettings  # noqa: E402
from motcua_server.db import make_engine  # noqa: E402

PG_ENV = "MOTCUA_TEST_PG_URL"


def _reset_pg(url: str) -> None:
    from sqlalchemy import text

    engine = make_engine(url)
    with engine.begin() as conn:
        # The whole schema: a table of another revision (or branch) must not survive.
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    """The in-process server on each database backend."""
    if request.param == "postgres":
        url = os.environ.get(PG_ENV)
        if not url:
            if os.environ.get("CI") == "true":
                pytest.fail(f"{PG_ENV} is required in CI")
            pytest.skip(f"{PG_ENV} not set (run scripts/start_postgres.sh)")
        _reset_pg(url)
        srv = Server(tmp_path, ServerSettings(db_url=url))
    else:
        srv = Server(tmp_path)
    yield srv
    srv.engine.dispose()


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path)
    yield srv
    srv.engine.dispose()
