"""Engine, transactions and schema migration of the server database."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


#: Execution option of read-only transactions (see :func:`reading`).
READ_ONLY = "motcua_read_only"


def make_engine(url: str, pool_size: int = 10, pre_ping: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL, FULL sync and write-locking BEGIN IMMEDIATE.

    ``hide_parameters``: a database error's text never carries the statement's values (they
    hold citizens' data), so logging the error cannot leak them.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            hide_parameters=True,
            pool_size=pool_size,
            max_overflow=0,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            for pragma in (
                "journal_mode=WAL",
                "foreign_keys=ON",
                "busy_timeout=30000",
                "synchronous=FULL",
            ):
                dbapi_conn.execute(f"PRAGMA {pragma}")

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            # Serialises writers up front: the SQLite form of the lease lock (issue 7). A reader
            # takes a plain BEGIN: in WAL mode it never waits for a writer (issue 17).
            read_only = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    # Each worker process has its own pool: ``pool_size`` connections, never more, so a server
    # of N workers opens at most N x pool_size connections (mind max_connections).
    # No ping before each use by default: it is a round trip on every request (issue 17). A
    # connection the database dropped fails its request with a disconnect, which invalidates
    # the whole pool and is answered 503 "retry later"; connections are also renewed every
    # half hour. ``pre_ping`` (``serve --db-pre-ping``) is for networks that cut idle
    # connections often (a firewall between the server and the database).
    return create_engine(
        url,
        pool_pre_ping=pre_ping,
        pool_recycle=1800,
        hide_parameters=True,
        pool_size=pool_size,
        max_overflow=0,
    )


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One session in one transaction: committed on success, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


_read_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A transaction that only reads: it never waits for a writer's lock (PostgreSQL readers
    never do; on SQLite a deferred BEGIN under WAL). Writing in it is a bug.

    On PostgreSQL the reads run in autocommit: under READ COMMITTED every statement takes its
    own snapshot anyway, so a BEGIN and a COMMIT would only add two round trips to every
    authenticated request (issue 17). SQLite keeps its transaction: there it is the snapshot.
    """
    bound = _read_engines.get(engine)
    if bound is None:
        options: dict[str, Any] = {READ_ONLY: True}
        if not is_sqlite(engine):
            options["isolation_level"] = "AUTOCOMMIT"
        bound = _read_engines[engine] = engine.execution_options(**options)
    with Session(bound, expire_on_commit=False) as session, session.begin():
        yield session


#: Connections left free for an operator (psql), a backup (pg_dump) and monitoring.
OPERATOR_CONNECTIONS = 3


def connection_budget(engine: Engine) -> int | None:
    """How many connections the server's workers may open on this PostgreSQL: its
    ``max_connections`` less the superuser reserve and ``OPERATOR_CONNECTIONS``; ``None`` on
    SQLite (one file, no connection limit)."""
    if is_sqlite(engine):
        return None
    with engine.connect() as conn:
        most = int(conn.exec_driver_sql("SHOW max_connections").scalar_one())
        reserved = int(conn.exec_driver_sql("SHOW superuser_reserved_connections").scalar_one())
    return most - reserved - OPERATOR_CONNECTIONS


def upgrade(engine: Engine) -> None:
    """Bring the schema to head with the server's own Alembic environment."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
