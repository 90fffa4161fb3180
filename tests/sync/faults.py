"""Fault injection for the sync tests: a faulty httpx transport and the end-state check."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import Engine, select
from sync_support import LiteStore

from motcua_server.models import DossierRow, EventRow


class FaultyTransport(httpx.BaseTransport):
    """Drops requests, loses replies after the server committed, delivers twice, reorders.

    ``rate`` is the probability that a call meets one of the four faults (equally likely).
    Reordering delivers an earlier push request (again) just before the current one.
    """

    def __init__(self, inner: httpx.BaseTransport, rng: random.Random, rate: float) -> None:
        self.inner = inner
        self.rng = rng
        self.rate = rate
        self.counts: Counter[str] = Counter()
        self._history: list[tuple[httpx.Request, bytes]] = []

    def _send(self, request: httpx.Request, body: bytes) -> httpx.Response:
        copy = httpx.Request(request.method, request.url, headers=request.headers, content=body)
        res = self.inner.handle_request(copy)
        res.read()
        return res

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        roll = self.rng.random()
        is_push = request.url.path.endswith("/sync/push")
        if roll < self.rate / 4:
            self.counts["drop_request"] += 1
            raise httpx.ConnectError("injected: request dropped", request=request)
        if roll < self.rate / 2:
            self._send(request, body)
            self.counts["drop_response"] += 1
            raise httpx.ReadError("injected: reply lost after commit", request=request)
        if roll < self.rate * 3 / 4:
            self._send(request, body)
            self.counts["duplicate"] += 1
            return self._send(request, body)
        if roll < self.rate and self._history:
            old_request, old_body = self.rng.choice(self._history)
            self._send(old_request, old_body)
            self.counts["reorder"] += 1
        if is_push:
            self._history.append((request, body))
        return self._send(request, body)


def check_end_state(server: Engine, store: LiteStore) -> dict[str, int]:
    """Every local dossier exactly once on the server with all its events; outbox empty."""
    assert store.pending_count() == 0, "client outbox not empty"
    states = store.db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall()
    assert dict(states).keys() <= {"acked"}, f"unexpected outbox states {states}"
    local = store.dossiers()
    local_events = store.event_ids()
    with server.connect() as c:
        for sync_id, (code, provisional, status, _reprint) in local.items():
            rows = c.execute(
                select(DossierRow.code, DossierRow.status).where(DossierRow.sync_id == sync_id)
            ).all()
            assert len(rows) == 1, f"{sync_id}: {len(rows)} copies on the server"
            assert not provisional, f"{sync_id}: still provisional"
            assert tuple(rows[0]) == (code, status), f"{sync_id}: {tuple(rows[0])} != {code}"
            events = c.execute(
                select(EventRow.event_id, EventRow.status).where(EventRow.aggregate_id == sync_id)
            ).all()
            assert sorted(e for e, _ in events) == sorted(local_events[sync_id])
            assert {s for _, s in events} == {"accepted"}
    return {"dossiers": len(local), "events": sum(len(v) for v in local_events.values())}


def merge(total: dict[str, Any], part: dict[str, int]) -> None:
    for k, v in part.items():
        total[k] = total.get(k, 0) + v
