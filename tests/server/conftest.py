"""Fixtures of the server tests: SQLite always, PostgreSQL when MOTCUA_TEST_PG_URL is set."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "sync"))
sys.path.insert(0, str(Path(__file__).parent))

from live_support import LiveServer, fresh_pg_url  # noqa: E402
from sync_support import Server  # noqa: E402

from motcua_server.config import ServerSettings  # noqa: E402


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    """The in-process server on each database backend."""
    if request.param == "postgres":
        url = fresh_pg_url()
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


@pytest.fixture
def live(sqlite_server: Server) -> Iterator[LiveServer]:
    srv = LiveServer(sqlite_server.app)
    yield srv
    srv.stop()
