"""A server restored from a backup: the desk sends again what the lost server had acknowledged
and moves its pull cursor back to the restored change log (issue 17; ``sync/held.py``).

The server's SQLite database is copied with SQLite's backup API (the "dump"), the desk works
on, then the copy replaces the database (the "restore"). The same drill on PostgreSQL with
``pg_dump``/``pg_restore`` and a server process is ``tests/server/test_restore_drill.py``.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import string
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from faults import check_end_state
from hypothesis import given, settings
from hypothesis import strategies as st
from sync_support import AGENCY_A, AGENCY_B, VN, LiteStore, Server

from motcua_desk.domain.dossier import Status
from motcua_desk.sync import protocol as p
from motcua_desk.sync.engine import SyncEngine
from motcua_desk.sync.held import MAX_HELD, HeldRequest, HeldResponse
from motcua_desk.sync.transport import HttpTransport
from motcua_server import admin

DAY = date(2026, 3, 10)
AT = datetime(2026, 3, 10, 9, 0, tzinfo=VN)


def _engine(server: Server, token: str, device_id: str, store: LiteStore) -> SyncEngine:
    return SyncEngine(
        HttpTransport("http://test", token, transport=server.transport()),
        store,
        device_id,
        lease_days=lambda: [DAY],
        batch_size=3,
        block_size=5,
        low_water=2,
    )


def _receive(store: LiteStore, n: int) -> list[str]:
    return [store.receive_dossier(AT + timedelta(minutes=i)) for i in range(n)]


def _code(store: LiteStore, sync_id: str) -> str:
    return store.dossiers()[sync_id][0]


def test_a_restored_server_gets_back_what_it_lost_and_the_cursor_follows(tmp_path: Path) -> None:
    server = Server(tmp_path, enrol_rate_limit=1000)
    dev = server.enrol(AGENCY_A)
    store = LiteStore(tmp_path / "desk.db", AGENCY_A)
    before = _receive(store, 2)  # provisional codes, numbered by the server
    engine = _engine(server, dev.token, dev.device_id, store)
    assert engine.run_once().ok
    before += _receive(store, 4)  # leased codes
    store.change_status(before[0], Status.PROCESSING, AT)
    report = engine.run_once()
    assert report.ok and report.resent == 0

    db = tmp_path / "server.db"
    dump = tmp_path / "dump.db"
    with sqlite3.connect(db) as src, sqlite3.connect(dump) as dst:
        src.backup(dst)

    lost = _receive(store, 3)
    store.change_status(before[1], Status.PROCESSING, AT)
    admin.set_status(server.engine, AGENCY_A, _code(store, before[2]), int(Status.PROCESSING), "x")
    assert engine.run_once().ok and store.pending_count() == 0
    assert store.get_cursor() > 0
    cursor_before_restore = store.get_cursor()

    # The restore: the dump replaces the database; a new server process starts on it.
    server.engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    dump.rename(db)
    server = Server(tmp_path, enrol_rate_limit=1000)
    engine = _engine(server, dev.token, dev.device_id, store)
    # The province redoes its lost change, and makes a new one.
    admin.set_status(server.engine, AGENCY_A, _code(store, before[2]), int(Status.PROCESSING), "x")
    admin.set_status(server.engine, AGENCY_A, _code(store, before[3]), int(Status.PROCESSING), "x")

    report = engine.run_once()
    assert report.ok, report
    assert report.resent == 4  # three dossier.received and one status change
    assert report.duplicates == 0 and report.accepted == 4
    assert store.get_cursor() > 0 and store.get_cursor() != cursor_before_restore
    assert store.dossiers()[before[3]][2] == int(Status.PROCESSING)  # the new change arrived
    after = _receive(store, 2)
    assert engine.run_once().ok
    totals = check_end_state(server.engine, store)
    assert totals["dossiers"] == len(before) + len(lost) + len(after)
    # Nothing more to send on the next run: the check finds the newest event held.
    report = engine.run_once()
    assert report.ok and report.resent == 0 and report.pushed == 0
    server.engine.dispose()
    store.close()


class _OldServer(httpx.BaseTransport):
    """A server from before ``/api/v1/sync/held``: 404 there, the rest unchanged."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.asked = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v1/sync/held":
            self.asked += 1
            body = {"error": {"code": "not_found", "detail": {}}}
            return httpx.Response(404, content=json.dumps(body).encode())
        return self.inner.handle_request(request)


def test_an_older_server_without_the_check_still_syncs(tmp_path: Path) -> None:
    server = Server(tmp_path)
    dev = server.enrol(AGENCY_A)
    store = LiteStore(tmp_path / "desk.db", AGENCY_A)
    old = _OldServer(server.transport())
    engine = SyncEngine(
        HttpTransport("http://test", dev.token, transport=old),
        store,
        dev.device_id,
        lease_days=lambda: [DAY],
        block_size=5,
        low_water=2,
    )
    _receive(store, 2)
    assert engine.run_once().ok
    _receive(store, 2)
    report = engine.run_once()
    assert report.ok and report.pushed == 2 and old.asked == 1
    check_end_state(server.engine, store)
    server.engine.dispose()
    store.close()


def test_the_server_answers_for_the_asking_unit_only(tmp_path: Path) -> None:
    server = Server(tmp_path)
    a, b = server.enrol(AGENCY_A, "Quầy 1"), server.enrol(AGENCY_B, "Quầy 1")
    again = server.enrol(AGENCY_A, "Quầy 1 (enrolled again)")
    store = LiteStore(tmp_path / "desk.db", AGENCY_A)
    _receive(store, 1)
    assert _engine(server, a.token, a.device_id, store).run_once().ok
    event_id = store.latest_acked()
    assert event_id is not None
    with server.client(a.token) as t:
        assert t.held(HeldRequest((event_id,))).held == (event_id,)
    with server.client(again.token) as t:  # the same counter under a new device id
        assert t.held(HeldRequest((event_id,))).held == (event_id,)
    with server.client(b.token) as t:  # another unit cannot probe a's events
        assert t.held(HeldRequest((event_id,))).held == ()
    server.engine.dispose()
    store.close()


# --------------------------------------------------------------------------- parsers

_TEXT = st.text(st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ["0" * 36, "6f1c1c52-6d1a-4f3e-9a1b-2c3d4e5f6a7b", "6F1C1C52-6D1A-4F3E-9A1B-2C3D4E5F6A7B"]
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=20,
)
_UUIDS = st.lists(st.uuids().map(str), max_size=12, unique=True)


@settings(max_examples=300, deadline=None)
@given(
    value=_JSON
    | st.fixed_dictionaries({"event_ids": st.lists(_TEXT | _JSON, max_size=6)})
    | st.fixed_dictionaries({"held": st.lists(_TEXT, max_size=6), "change_head": _JSON})
)
def test_held_messages_refuse_anything_malformed_with_a_protocol_error(value: object) -> None:
    for parse in (HeldRequest.from_dict, HeldResponse.from_dict):
        with contextlib.suppress(p.ProtocolError):
            parse(value)  # anything else (TypeError, KeyError, …) fails the test


@settings(max_examples=100, deadline=None)
@given(ids=_UUIDS, head=st.integers(0, 2**31 - 1), extra=st.text(string.ascii_letters, min_size=1))
def test_held_messages_round_trip_and_a_reply_names_only_what_was_asked(
    ids: list[str], head: int, extra: str
) -> None:
    req = HeldRequest(tuple(ids))
    assert HeldRequest.from_dict(json.loads(json.dumps(req.to_dict()))) == req
    res = HeldResponse(tuple(ids[: len(ids) // 2]), head)
    assert HeldResponse.from_dict(json.loads(json.dumps(res.to_dict())), asked=req) == res
    with pytest.raises(p.ProtocolError):
        HeldResponse.from_dict(
            {"held": ["6f1c1c52-6d1a-4f3e-9a1b-2c3d4e5f6a7b"], "change_head": 0},
            asked=HeldRequest(()),
        )
    with pytest.raises(p.ProtocolError):
        HeldRequest.from_dict({"event_ids": ids + ["x"] * (MAX_HELD + 1 - len(ids))})
    with pytest.raises(p.ProtocolError):
        HeldRequest.from_dict({"event_ids": ids, extra: 1})
