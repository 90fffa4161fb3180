"""The push's one-statement batch writes (``motcua_server.bulk``) on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, select
from sync_support import Server

from motcua_server import admin, bulk
from motcua_server.db import transaction
from motcua_server.models import DossierRow, Unit

DOSSIERS = cast(Table, DossierRow.__table__)
NOW = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)

#: Texts that break naive array or JSON encodings: quotes, backslashes, braces, commas,
#: NULL-looking words, Vietnamese in NFC and NFD, emoji, a long text.
AWKWARD = [
    'a"b',
    "c\\d",
    "{x,y}",
    "NULL",
    "Nguyễn Văn Ánh",
    "Nguye\u0302\u0303n",
    "🙂 ok",
    "ư" * 5000,
    "",
]


def _unit(server: Server) -> int:
    admin.create_unit(server.engine, "000.00.10.H56", "Đơn vị")
    with server.engine.connect() as c:
        return int(c.scalar(select(Unit.id)) or 0)


def _rows(unit_id: int) -> list[dict[str, Any]]:
    rows = []
    for i, text in enumerate(AWKWARD):
        data: Any = {"name": text, "list": [text, None, 1.5, i], "nested": {"k": text}}
        rows.append(
            {
                "unit_id": unit_id,
                "sync_id": f"00000000-0000-4000-8000-{i:012d}",
                "code": f"000.00.10.H56-260310-{i:04d}",
                "provisional_code": None if i % 2 else text[:60],
                "status": i + 1,
                "received_at": NOW + timedelta(minutes=i),
                # Half as a value, half as already-serialised text (what a push hands over).
                "data": bulk.Raw(json.dumps(data, ensure_ascii=False)) if i % 2 else data,
                "updated_at": NOW,
            }
        )
    return rows


def _stored(server: Server) -> dict[str, tuple[Any, ...]]:
    with server.engine.connect() as c:
        return {
            r.sync_id: (r.code, r.provisional_code, r.status, r.data, r.received_at)
            for r in c.execute(select(DOSSIERS))
        }


def test_insert_and_update_round_trip_every_value(server: Server) -> None:
    unit_id = _unit(server)
    rows = _rows(unit_id)
    with transaction(server.engine) as s:
        bulk.insert_rows(s, DOSSIERS, rows)
    stored = _stored(server)
    assert len(stored) == len(AWKWARD)
    for i, row in enumerate(rows):
        code, provisional, status, data, received = stored[row["sync_id"]]
        assert (code, provisional, status) == (row["code"], row["provisional_code"], i + 1)
        assert data == {
            "name": AWKWARD[i],
            "list": [AWKWARD[i], None, 1.5, i],
            "nested": {"k": AWKWARD[i]},
        }
        assert received.replace(tzinfo=UTC) == NOW + timedelta(minutes=i)

    changes = [
        {"sync_id": r["sync_id"], "status": 9, "data": {"đổi": AWKWARD[-i - 1]}, "updated_at": NOW}
        for i, r in enumerate(rows)
        if i % 3 == 0
    ]
    with transaction(server.engine) as s:
        bulk.update_rows(s, DOSSIERS, "sync_id", changes)
        bulk.update_rows(s, DOSSIERS, "sync_id", [])  # nothing to do: no statement
        bulk.insert_rows(s, DOSSIERS, [])
    after = _stored(server)
    for i, row in enumerate(rows):
        _, _, status, data, _ = after[row["sync_id"]]
        if i % 3 == 0:
            assert (status, data) == (9, {"đổi": AWKWARD[-i - 1]})
        else:
            assert (status, data) == stored[row["sync_id"]][2:4]


def test_a_refused_batch_leaves_nothing(server: Server) -> None:
    """One duplicate key refuses the whole statement, inside the caller's transaction."""
    unit_id = _unit(server)
    rows = _rows(unit_id)
    rows[-1] = {**rows[-1], "sync_id": rows[0]["sync_id"]}
    try:
        with transaction(server.engine) as s:
            bulk.insert_rows(s, DOSSIERS, rows)
    except Exception as exc:  # noqa: BLE001 - the backend's integrity error, wrapped
        assert type(exc).__module__.startswith("sqlalchemy")
    else:
        raise AssertionError("a duplicate sync_id was stored")
    assert _stored(server) == {}


def test_among_selects_exactly_the_listed_values(server: Server) -> None:
    unit_id = _unit(server)
    rows = _rows(unit_id)
    with transaction(server.engine) as s:
        bulk.insert_rows(s, DOSSIERS, rows)
    codes = [r["code"] for r in rows]
    with server.engine.connect() as c:

        def found(values: list[str]) -> set[str]:
            q = select(DOSSIERS.c.code).where(bulk.among(c, DOSSIERS.c.code, values))
            return set(c.scalars(q))

        assert found([]) == set()
        assert found(codes[::2]) == set(codes[::2])
        # Values that match nothing (quotes, braces, Vietnamese) and 5,000 of them at once.
        assert found(['x"y', "{a,b}", "Đ", *(f"none-{i}" for i in range(5000))]) == set()
        assert found([codes[1], codes[1], "ư" * 60]) == {codes[1]}
