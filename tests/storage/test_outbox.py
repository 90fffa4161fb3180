"""Outbox: same-transaction writes, ordering, outcomes, stats, pruning."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from motcua_desk.storage import NotFoundError, UnitOfWork
from motcua_desk.storage.repositories.outbox import InvalidOutcomeError

from .conftest import FakeClock, make_dossier

Factory = Callable[[], UnitOfWork]
AT = datetime(2026, 2, 12, 3, 0, tzinfo=UTC)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


class BoomError(Exception):
    pass


def test_failure_between_change_and_commit_leaves_neither(
    uow_factory: Factory, engine: Engine
) -> None:
    with pytest.raises(BoomError), uow_factory() as uow:
        d = uow.dossiers.add(make_dossier())
        uow.outbox.append("dossier.received", d.sync_id, {"code": d.code}, AT)
        uow.audit.append("canbo1", "dossier.received", "dossier", str(d.id), {}, AT)
        raise BoomError
    assert _count(engine, "dossiers") == 0
    assert _count(engine, "outbox") == 0
    assert _count(engine, "audit_log") == 0


def test_leaving_without_commit_rolls_back(uow_factory: Factory, engine: Engine) -> None:
    with uow_factory() as uow:
        d = uow.dossiers.add(make_dossier())
        uow.outbox.append("dossier.received", d.sync_id, {}, AT)
    assert _count(engine, "dossiers") == 0
    assert _count(engine, "outbox") == 0


def test_commit_writes_both(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        d = uow.dossiers.add(make_dossier())
        ev = uow.outbox.append("dossier.received", d.sync_id, {"code": d.code, "n": 1}, AT)
        uow.commit()
    uuid.UUID(ev.event_id)  # a real UUID
    with uow_factory() as uow:
        [stored] = uow.outbox.for_aggregate(d.sync_id)
    assert stored == ev
    assert stored.payload == {"code": d.code, "n": 1}
    assert stored.state == "pending" and stored.attempts == 0


def test_pending_in_seq_order_with_limit(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        ids = [uow.outbox.append("k", f"a{i}", {"i": i}, AT).event_id for i in range(5)]
        uow.commit()
    with uow_factory() as uow:
        assert [e.event_id for e in uow.outbox.pending()] == ids
        assert [e.event_id for e in uow.outbox.pending(limit=2)] == ids[:2]
        assert [e.seq for e in uow.outbox.pending()] == sorted(e.seq for e in uow.outbox.pending())


def test_outcomes_failures_stats_requeue_prune(uow_factory: Factory, clock: FakeClock) -> None:
    with uow_factory() as uow:
        e1, e2, e3 = (uow.outbox.append("k", f"a{i}", {}, AT).event_id for i in range(3))
        uow.commit()
    with uow_factory() as uow:
        uow.outbox.record_attempt_failure([e1, e2], "timeout")
        uow.commit()
    with uow_factory() as uow:
        assert {e.event_id: (e.attempts, e.last_error) for e in uow.outbox.pending()} == {
            e1: (1, "timeout"),
            e2: (1, "timeout"),
            e3: (0, None),
        }
        stats = uow.outbox.stats()
        assert (stats.pending, stats.rejected, stats.last_acked_at) == (3, 0, None)
        assert stats.oldest_pending_at == AT
    clock.advance(minutes=5)
    with uow_factory() as uow:
        uow.outbox.record_outcomes(
            [(e1, "accepted", None), (e2, "rejected", "wrong_agency"), (e3, "duplicate", None)]
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.pending() == []
        [rej] = uow.outbox.rejected()
        assert (rej.event_id, rej.reject_reason) == (e2, "wrong_agency")
        stats = uow.outbox.stats()
        assert (stats.pending, stats.rejected) == (0, 1)
        assert stats.last_acked_at == clock.now
        assert stats.oldest_pending_at is None
        with pytest.raises(InvalidOutcomeError):
            uow.outbox.requeue(e1)
        again = uow.outbox.requeue(e2)
        assert again.state == "pending" and again.event_id == e2
        # Pruning keeps rows acked after the cut-off and never touches pending/rejected ones.
        assert uow.outbox.prune_acked(clock.now) == 0
        assert uow.outbox.prune_acked(clock.now + timedelta(seconds=1)) == 2
        uow.commit()
    with uow_factory() as uow:
        assert [e.event_id for e in uow.outbox.pending()] == [e2]
        assert uow.outbox.count() == 1


def test_bad_outcome_and_unknown_event(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        e1 = uow.outbox.append("k", "a", {}, AT).event_id
        with pytest.raises(InvalidOutcomeError):
            uow.outbox.record_outcomes([(e1, "lost", None)])
        with pytest.raises(NotFoundError):
            uow.outbox.record_outcomes([(str(uuid.uuid4()), "accepted", None)])
        with pytest.raises(NotFoundError):
            uow.outbox.record_attempt_failure(["nope"], "x")


def test_has_unacked(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        e = uow.outbox.append("k", "agg", {}, AT).event_id
        assert uow.outbox.has_unacked("agg")
        assert not uow.outbox.has_unacked("other")
        uow.outbox.record_outcomes([(e, "accepted", None)])
        assert not uow.outbox.has_unacked("agg")


def test_payload_must_be_json(uow_factory: Factory) -> None:
    with uow_factory() as uow, pytest.raises(TypeError):
        uow.outbox.append("k", "a", {"x": object()}, AT)


def test_given_event_id_is_kept_and_unique(uow_factory: Factory) -> None:
    eid = str(uuid.uuid4())
    with uow_factory() as uow:
        assert uow.outbox.append("k", "a", {}, AT, event_id=eid).event_id == eid
        with pytest.raises(Exception, match="UNIQUE"):
            uow.outbox.append("k", "a", {}, AT, event_id=eid)


def test_acknowledged_events_go_back_to_pending_for_a_restored_server(uow_factory: Factory) -> None:
    """Issue 17: the server lost events it acknowledged; only acknowledged ones go back."""
    with uow_factory() as uow:
        evs = [
            uow.outbox.append("print.recorded", str(uuid.uuid4()), {"n": i}, AT) for i in range(4)
        ]
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.latest_acked() is None
        uow.outbox.record_outcomes(
            [
                (evs[0].event_id, "accepted", None),
                (evs[1].event_id, "duplicate", None),
                (evs[2].event_id, "rejected", "bad"),
            ]
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.outbox.latest_acked() == evs[1].event_id
        assert uow.outbox.acked_after(0, 10) == [
            (evs[0].event_id, evs[0].seq),
            (evs[1].event_id, evs[1].seq),
        ]
        assert uow.outbox.acked_after(evs[0].seq, 10) == [(evs[1].event_id, evs[1].seq)]
        assert uow.outbox.acked_after(0, 1) == [(evs[0].event_id, evs[0].seq)]
        # A rejected or pending event is left as it is.
        n = uow.outbox.resend_acked([e.event_id for e in evs])
        uow.commit()
    assert n == 2
    with uow_factory() as uow:
        assert [e.event_id for e in uow.outbox.pending(10)] == [
            evs[0].event_id,
            evs[1].event_id,
            evs[3].event_id,
        ]
        assert [e.event_id for e in uow.outbox.rejected()] == [evs[2].event_id]
        assert uow.outbox.latest_acked() is None
