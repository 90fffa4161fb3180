"""A live uvicorn server on loopback for the tests that need real sockets."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from motcua_server.db import make_engine

PG_ENV = "MOTCUA_TEST_PG_URL"


def reset_pg(url: str) -> None:
    from sqlalchemy import text

    engine = make_engine(url)
    with engine.begin() as conn:
        # The whole schema: a table of another revision (or branch) must not survive.
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def fresh_pg_url() -> str:
    """The test PostgreSQL's URL with an empty schema; skips the test without one (fails in
    CI, where PostgreSQL is required)."""
    import os

    import pytest

    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{PG_ENV} is required in CI")
        pytest.skip(f"{PG_ENV} not set (run scripts/start_postgres.sh)")
    reset_pg(url)
    return url


class LiveServer:
    """The app served by uvicorn, configured as ``serve`` does, on a loopback port."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        from motcua_server.app import uvicorn_config

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        # log_config=None: uvicorn's loggers propagate, so caplog sees everything it logs.
        self.server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", self.port, log_config=None))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
