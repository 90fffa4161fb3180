"""SQLite engine with the pragmas and transaction mode the app relies on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext

from .errors import KnownStorageError, translate_error

#: Applied on every new DBAPI connection. foreign_keys is off by default in SQLite; WAL lets
#: reads run during a write; FULL because a receipt in a citizen's hand must survive a power cut.
PRAGMAS: tuple[str, ...] = (
    "journal_mode=WAL",
    "foreign_keys=ON",
    "busy_timeout=5000",
    "synchronous=FULL",
)


#: Execution option read by the ``begin`` hook: "IMMEDIATE" (default) or "DEFERRED".
BEGIN_OPTION = "motcua_begin"


def read_only_engine(engine: Engine) -> Engine:
    """The same pool, but transactions begin DEFERRED (a WAL snapshot, no write lock)."""
    return engine.execution_options(**{BEGIN_OPTION: "DEFERRED"})


def make_engine(db_file: Path, *, echo: bool = False) -> Engine:
    """Engine for ``db_file``; nothing is opened until first use.

    Every transaction starts with ``BEGIN IMMEDIATE`` (SQLAlchemy's pysqlite recipe), so the
    write lock is taken up front instead of failing half-way with SQLITE_BUSY.
    """
    engine = create_engine(f"sqlite:///{db_file}", echo=echo)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # BEGIN comes from the hook below
        try:
            for pragma in PRAGMAS:
                dbapi_conn.execute(f"PRAGMA {pragma}")
        except Exception as exc:
            translated = translate_error(exc)
            if isinstance(translated, KnownStorageError):
                raise translated from exc
            raise

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Reads (``read_only_engine``) begin DEFERRED: they never take the write lock, so a
        # lookup or a login does not make a save wait (issue 14 §4).
        mode = conn.get_execution_options().get(BEGIN_OPTION, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {'DEFERRED' if mode == 'DEFERRED' else 'IMMEDIATE'}")

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> BaseException | None:
        original = context.sqlalchemy_exception or context.original_exception
        translated = translate_error(original)
        return translated if isinstance(translated, KnownStorageError) else None

    return engine
