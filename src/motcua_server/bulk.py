"""Batch writes of a push: one statement per table, whatever the batch size.

On PostgreSQL the rows travel as one array per column (``INSERT … SELECT … FROM unnest(…)``):
one statement, one round trip, and the values are encoded by psycopg's C code instead of a
per-row parameter set (issue 17: ``executemany`` cost the server more CPU per event than the
database spent storing it). JSON values come already serialised (the push has the canonical
text of each payload for its hash). Other databases (SQLite) take an ``executemany``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Integer,
    Table,
    any_,
    bindparam,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from motcua_server.db import is_sqlite


class Raw(str):
    """A JSON value already serialised: written as it is, never encoded again."""

    __slots__ = ()


def _array_type(column: Column[Any]) -> str:
    if isinstance(column.type, JSON):
        return "text[]"  # cast to the column's json type in the SELECT
    if isinstance(column.type, Boolean):
        return "boolean[]"
    if isinstance(column.type, Integer):
        return "bigint[]"
    if isinstance(column.type, DateTime):
        return "timestamptz[]" if column.type.timezone else "timestamp[]"
    return "text[]"


def _value_expr(column: Column[Any], name: str) -> str:
    return f"u.{name}::json" if isinstance(column.type, JSON) else f"u.{name}"


def _json_text(value: Any) -> str | None:
    if value is None or isinstance(value, Raw):
        return value
    return json.dumps(value, ensure_ascii=False)


def _columns(table: Table, names: Sequence[str]) -> list[Column[Any]]:
    return [table.c[name] for name in names]


def _arrays(columns: list[Column[Any]], rows: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for column in columns:
        key = column.key
        if isinstance(column.type, JSON):
            out.append([_json_text(r[key]) for r in rows])
        else:
            out.append([r[key] for r in rows])
    return out


def _unnest(columns: list[Column[Any]]) -> str:
    """``unnest(%b::type[], …) AS u(c0, c1, …)``: one binary array parameter per column."""
    args = ", ".join(f"%b::{_array_type(c)}" for c in columns)
    alias = ", ".join(f"c{i}" for i in range(len(columns)))
    return f"unnest({args}) AS u({alias})"


def _plain(rows: Sequence[Mapping[str, Any]], columns: list[Column[Any]]) -> list[dict[str, Any]]:
    """Rows for SQLAlchemy's own JSON type (which encodes): ``Raw`` texts decoded back."""
    json_keys = {c.key for c in columns if isinstance(c.type, JSON)}
    if not json_keys:
        return [dict(r) for r in rows]
    return [
        {k: json.loads(v) if k in json_keys and isinstance(v, Raw) else v for k, v in r.items()}
        for r in rows
    ]


def among(conn: Connection, column: ColumnElement[Any], values: Iterable[Any]) -> Any:
    """``column IN values`` as one array parameter on PostgreSQL (``= ANY(%s)``): the text of
    the statement stays the same whatever the number of values, so it is neither rendered
    again nor parsed again per batch (an expanded ``IN`` of a push's hundreds of ids was; issue
    17). Other databases get the plain ``IN``."""
    items = list(values)
    if is_sqlite(conn.engine):
        return column.in_(items)
    return column == any_(bindparam(None, items, type_=ARRAY(column.type)))


def insert_rows(s: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` in one statement."""
    if not rows:
        return
    columns = _columns(table, list(rows[0]))
    conn = s.connection()
    if is_sqlite(conn.engine):
        s.execute(table.insert(), _plain(rows, columns))
        return
    cols = ", ".join(f'"{c.name}"' for c in columns)
    values = ", ".join(_value_expr(c, f"c{i}") for i, c in enumerate(columns))
    sql = f'INSERT INTO "{table.name}" ({cols}) SELECT {values} FROM {_unnest(columns)}'
    _driver_execute(conn, sql, _arrays(columns, rows))


def update_rows(s: Session, table: Table, key: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Update the rows of ``table`` whose ``key`` column matches each dict's ``key`` value
    with the dict's other values, in one statement."""
    if not rows:
        return
    names = list(rows[0])
    columns = _columns(table, names)
    conn = s.connection()
    if is_sqlite(conn.engine):
        params = [{f"k_{k}": v for k, v in r.items()} for r in _plain(rows, columns)]
        statement = (
            update(table)
            .where(table.c[key] == bindparam(f"k_{key}"))
            .values({c.key: bindparam(f"k_{c.key}", type_=c.type) for c in columns if c.key != key})
        )
        s.execute(statement, params)
        return
    sets = ", ".join(
        f'"{c.name}" = {_value_expr(c, f"c{i}")}' for i, c in enumerate(columns) if c.key != key
    )
    k = names.index(key)
    sql = (
        f'UPDATE "{table.name}" AS t SET {sets} FROM {_unnest(columns)} '
        f'WHERE t."{table.c[key].name}" = u.c{k}'
    )
    _driver_execute(conn, sql, _arrays(columns, rows))


def _driver_execute(conn: Connection, sql: str, params: list[list[Any]]) -> None:
    """Run ``sql`` in the session's transaction; a tuple of parameters is one execution (a
    list would be an executemany), and driver errors still arrive as SQLAlchemy's."""
    conn.exec_driver_sql(sql, tuple(params))
