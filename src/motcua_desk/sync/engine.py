"""The sync engine: push the outbox, pull changes, refill dossier-code blocks (issue 7).

It works over two ports defined here, so that ``sync`` never imports ``storage``:
:class:`LocalStore` (implemented by ``services.sync_service``) and :class:`SyncTransport`
(implemented by :class:`~motcua_desk.sync.transport.HttpTransport`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from motcua_desk.sync import protocol as p
from motcua_desk.sync.errors import NetworkError, SyncError
from motcua_desk.sync.held import MAX_HELD, HeldRequest, HeldResponse

log = logging.getLogger(__name__)


class LocalStore(Protocol):
    """What the engine needs from the desk database. Each method is one transaction."""

    def pending_events(self, limit: int) -> Sequence[p.OutboxEvent]:
        """Unacknowledged outbox events in ``seq`` order (rejected ones are not pending)."""

    def record_outcomes(self, outcomes: Sequence[p.EventOutcome]) -> None:
        """Store the server's outcomes; apply ``assigned_code`` to the dossier (and flag its
        receipt for reprint) in the same transaction."""

    def record_failure(self, event_ids: Sequence[str], error_code: str) -> None:
        """Count a failed attempt on events that stay pending."""

    def get_cursor(self) -> int: ...

    def apply_pull_page(self, changes: Sequence[p.Change], next_cursor: int) -> None:
        """Apply a page idempotently and save ``next_cursor`` in the same transaction."""

    def code_block_remaining(self, day: date) -> int:
        """Numbers still unused in the leased blocks for ``day``."""

    def add_code_block(self, day: date, first: int, last: int) -> None: ...

    def latest_acked(self) -> str | None:
        """The newest event the server acknowledged (accepted or duplicate) still kept here."""

    def acked_after(self, seq: int, limit: int) -> Sequence[tuple[str, int]]:
        """Acknowledged events kept here with a ``seq`` above ``seq``: ``(event_id, seq)``,
        in ``seq`` order."""

    def resend_acked(self, event_ids: Sequence[str]) -> None:
        """Make acknowledged events pending again: the server no longer holds them."""


class SyncTransport(Protocol):
    def held(self, req: HeldRequest) -> HeldResponse: ...

    def push(self, req: p.PushRequest) -> p.PushResponse: ...

    def pull(self, cursor: int, limit: int) -> p.PullResponse: ...

    def lease(self, req: p.LeaseRequest) -> p.LeaseResponse: ...


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one ``run_once`` did; ``error_code`` None means it reached the end."""

    started_at: datetime
    finished_at: datetime
    online: bool
    pushed: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    assigned_codes: int = 0
    pulled: int = 0
    leased_blocks: int = 0
    error_code: str | None = None
    error_detail: dict[str, object] = field(default_factory=dict)
    #: Acknowledged events sent again because the server no longer held them (a restore).
    resent: int = 0

    @property
    def ok(self) -> bool:
        return self.error_code is None


@dataclass(slots=True)
class _Tally:
    pushed: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    assigned_codes: int = 0
    pulled: int = 0
    leased_blocks: int = 0
    resent: int = 0

    def report(
        self,
        started: datetime,
        finished: datetime,
        online: bool,
        error_code: str | None = None,
        detail: dict[str, object] | None = None,
    ) -> SyncReport:
        return SyncReport(
            started,
            finished,
            online,
            self.pushed,
            self.accepted,
            self.duplicates,
            self.rejected,
            self.assigned_codes,
            self.pulled,
            self.leased_blocks,
            error_code,
            dict(detail or {}),
            self.resent,
        )


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SyncEngine:
    """One sync at a time: push first, then pull, then top up code blocks."""

    def __init__(
        self,
        transport: SyncTransport,
        store: LocalStore,
        device_id: str,
        *,
        lease_days: Callable[[], Sequence[date]] = lambda: (),
        batch_size: int = 200,
        pull_limit: int = 500,
        low_water: int = 250,
        block_size: int = 500,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._transport = transport
        self._store = store
        self._device_id = device_id
        self._lease_days = lease_days
        self._batch = max(1, min(batch_size, p.MAX_BATCH))
        self._pull_limit = max(1, min(pull_limit, p.MAX_PULL))
        self._low_water = low_water
        self._block = max(1, min(block_size, p.MAX_LEASE))
        self._clock = clock
        self._lock = threading.Lock()

    def run_once(self) -> SyncReport:
        with self._lock:
            started = self._clock()
            t = _Tally()
            try:
                self._check_server_holds(t)
                self._push_all(t)
                self._pull_all(t)
                self._refill(t)
            except (SyncError, p.ProtocolError) as exc:
                log.info("sync stopped: %s", exc.code)
                online = not isinstance(exc, NetworkError)
                return t.report(started, self._clock(), online, exc.code, exc.data)
            return t.report(started, self._clock(), True)

    def _check_server_holds(self, t: _Tally) -> None:
        """Before pushing: does the server still hold what it acknowledged? A server restored
        from a backup has forgotten the events acknowledged after the dump (they are sent again;
        it applies each event once, so what it holds comes back as a duplicate), and its change
        log may end before our pull cursor (which then goes back to the log's end, or the next
        changes would be skipped). Events reach the server in ``seq`` order, one batch after the
        other, so it holds all of them exactly when it holds the newest."""
        latest = self._store.latest_acked()
        cursor = self._store.get_cursor()
        if latest is None and cursor == 0:
            return
        try:
            res = self._transport.held(HeldRequest(() if latest is None else (latest,)))
        except p.ProtocolError as exc:
            if exc.data.get("http_status") == 404:  # a server older than this check
                return
            raise
        if res.change_head < cursor:
            log.warning("the server's change log ends before our cursor: restored from a backup?")
            self._store.apply_pull_page((), res.change_head)
        if latest is None or latest in res.held:
            return
        lost: list[str] = []
        after = 0
        while page := list(self._store.acked_after(after, MAX_HELD)):
            ids = tuple(event_id for event_id, _ in page)
            holds = set(self._transport.held(HeldRequest(ids)).held)
            lost += [event_id for event_id in ids if event_id not in holds]
            after = page[-1][1]
        log.warning("the server lost %d acknowledged events (restored?); sending again", len(lost))
        self._store.resend_acked(lost)
        t.resent += len(lost)

    def _push_all(self, t: _Tally) -> None:
        last_ids: list[str] = []
        batch = self._batch
        while True:
            events = list(self._store.pending_events(batch))
            if not events:
                return
            ids = [e.event_id for e in events]
            if ids == last_ids:  # the store did not take our outcomes: stop, do not spin
                raise p.ProtocolError(path="store", reason="outcomes_not_recorded")
            last_ids = ids
            try:
                res = self._transport.push(p.PushRequest(self._device_id, tuple(events)))
                if sorted(o.event_id for o in res.outcomes) != sorted(ids):
                    raise p.ProtocolError(path="$.outcomes", reason="outcome_mismatch")
            except p.ProtocolError as exc:
                if exc.data.get("reason") != "payload_too_large":
                    self._store.record_failure(ids, exc.code)
                    raise
                if len(events) > 1:  # split the batch and try again
                    batch = max(1, len(events) // 2)
                    last_ids = []
                    continue
                # One event alone is over the server's limit: it can never be sent as is.
                # It goes to the rejected list (visible, retryable), not silently away.
                res = p.PushResponse((p.EventOutcome(ids[0], p.REJECTED, "payload_too_large"),))
            except SyncError as exc:
                self._store.record_failure(ids, exc.code)
                raise
            # Only now, after the server's acknowledgement, do events stop being pending.
            self._store.record_outcomes(res.outcomes)
            t.pushed += len(events)
            for o in res.outcomes:
                if o.status == p.ACCEPTED:
                    t.accepted += 1
                elif o.status == p.DUPLICATE:
                    t.duplicates += 1
                else:
                    t.rejected += 1
                if o.assigned_code:
                    t.assigned_codes += 1

    def _pull_all(self, t: _Tally) -> None:
        cursor = self._store.get_cursor()
        while True:
            page = self._transport.pull(cursor, self._pull_limit)
            if page.next_cursor < cursor or any(c.cursor <= cursor for c in page.changes):
                raise p.ProtocolError(path="$.next_cursor", reason="cursor_went_back")
            self._store.apply_pull_page(page.changes, page.next_cursor)
            t.pulled += len(page.changes)
            cursor = page.next_cursor
            if not page.has_more:
                return
            if not page.changes:
                raise p.ProtocolError(path="$.has_more", reason="empty_page_with_more")

    def _refill(self, t: _Tally) -> None:
        for day in self._lease_days():
            if self._store.code_block_remaining(day) >= self._low_water:
                continue
            res = self._transport.lease(p.LeaseRequest(day, self._block))
            if res.day != day or res.last - res.first + 1 != self._block:
                raise p.ProtocolError(path="$", reason="lease_mismatch")
            self._store.add_code_block(day, res.first, res.last)
            t.leased_blocks += 1
