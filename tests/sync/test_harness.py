"""The in-process server harness behaves like one uvicorn worker: one event loop per app.

The server bounds concurrent pushes with an asyncio semaphore; a harness that ran each request
on its own event loop (one per calling thread) shared that semaphore across loops, and a
waiting push was never woken (a test hung for good)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sync_support import AGENCY_A, DAY, Server, make_dossier

from motcua_desk.domain.codes import format_provisional
from motcua_desk.sync import protocol as p

AT = datetime(2026, 3, 10, 2, 30, tzinfo=UTC)  # 09:30 office time on DAY


@pytest.mark.parametrize("parse", [8, 1], ids=["parse-8", "parse-1"])
def test_pushes_from_many_threads_wait_their_turn_and_all_finish(
    tmp_path: Path, parse: int
) -> None:
    """Pushes queue for a parse slot (``--parse-concurrency``) and then for a push slot
    (``--push-concurrency``); every one is answered, exactly once."""
    server = Server(tmp_path, push_concurrency=1, parse_concurrency=parse)
    devices = [server.enrol(AGENCY_A, f"Quầy {i}") for i in range(1, 7)]
    barrier = threading.Barrier(len(devices))
    accepted: list[str] = []
    errors: list[BaseException] = []

    def worker(n: int, dev: p.EnrolResponse) -> None:
        try:
            barrier.wait()
            with server.client(dev.token) as t:
                for k in range(1, 6):
                    agg = str(uuid.uuid4())
                    code = format_provisional(AGENCY_A, DAY, n, k)
                    payload = p.dossier_received_payload(
                        make_dossier(agg, AGENCY_A, code, AT, provisional=True)
                    )
                    ev = p.OutboxEvent(str(uuid.uuid4()), k, p.KIND_RECEIVED, agg, AT, payload)
                    (o,) = t.push(p.PushRequest(dev.device_id, (ev,))).outcomes
                    accepted.append(
                        o.status if o.status == p.ACCEPTED else f"{o.status}:{o.reason}"
                    )
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [
        threading.Thread(target=worker, args=(n, d), daemon=True)
        for n, d in enumerate(devices, start=1)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)  # a hang guard: each push takes milliseconds
    assert not any(t.is_alive() for t in threads), "a push never finished"
    assert not errors, errors
    assert accepted == [p.ACCEPTED] * 30
