"""The server checks what admins load, so every desk can apply what it pulls (issue 14 §2)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sync_support import Server

from motcua_server import admin
from motcua_server.models import ChangeRow

GOOD = {"code": "2.000815", "name": "Chứng thực bản sao", "fee_vnd": 2000, "processing_days": 1}


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"fee_vnd": 2**63}, "fee_vnd", "out_of_range"),
        ({"fee_vnd": -1}, "fee_vnd", "out_of_range"),
        ({"fee_vnd": "2000"}, "fee_vnd", "not_an_integer"),
        ({"processing_days": 10**9}, "processing_days", "out_of_range"),
        ({"name": "Thủ tục\x00"}, "name", "bad_character"),
        ({"name": "Thủ tục \ud800"}, "name", "bad_character"),
        ({"name": "x" * 5000}, "name", "bad_length"),
        ({"time_unit": "weeks"}, "time_unit", "bad_value"),
        ({"valid_from": "2026-13-01"}, "valid_from", "not_a_date"),
        (
            {"required_documents": [{"name": "Tờ khai", "copies": 10**9}]},
            "required_documents[0].copies",
            "out_of_range",
        ),
        ({"surprise": 1}, "surprise", "unknown_field"),
    ],
)
def test_a_bad_catalogue_entry_is_refused_and_nothing_is_loaded(
    sqlite_server: Server, change: dict[str, Any], field: str, reason: str
) -> None:
    items = [GOOD, {**GOOD, "code": "1.000001", **change}]
    with pytest.raises(admin.AdminError) as err:
        admin.load_catalogue(sqlite_server.engine, items)
    assert (err.value.data["index"], err.value.data["field"], err.value.data["reason"]) == (
        1,
        field,
        reason,
    )
    with sqlite_server.engine.connect() as c:
        assert c.scalar(select(func.count()).select_from(ChangeRow)) == 0


def test_the_seed_catalogue_and_a_good_calendar_load(sqlite_server: Server) -> None:
    import json

    from motcua_desk.resources import data_root

    seed = json.loads((data_root() / "resources" / "seed" / "procedures.json").read_text("utf-8"))
    assert admin.load_catalogue(sqlite_server.engine, seed) == len(seed)
    days = [{"date": "2027-02-08", "kind": "holiday", "name": "Tết Nguyên đán"}]
    assert admin.load_calendar(sqlite_server.engine, days) == 1


@pytest.mark.parametrize(
    "item",
    [
        {"date": "9999-12-31", "kind": "holiday", "name": "x"},
        {"date": "2027-02-08", "kind": "holiday", "name": "Tết\x00"},
        {"date": "2027-02-08", "kind": "holiday", "name": "x" * 300},
    ],
)
def test_a_bad_calendar_day_is_refused(sqlite_server: Server, item: dict[str, Any]) -> None:
    with pytest.raises(admin.AdminError):
        admin.load_calendar(sqlite_server.engine, [item])
