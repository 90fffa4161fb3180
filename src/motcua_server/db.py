"""Engine, transactions and schema migration of the server database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, FULL sync and write-locking BEGIN IMMEDIATE.

    ``hide_parameters``: a database error's text never carries the statement's values (they
    hold citizens' data), so logging the error cannot leak them.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            hide_parameters=True,
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
            # Serialises writers up front: the SQLite form of the lease lock (issue 7).
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One session in one transaction: committed on success, rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


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
