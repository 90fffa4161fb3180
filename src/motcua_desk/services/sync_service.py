"""Sync glue: the engine's ``LocalStore`` port on the desk database, and the service the UI uses.

The UI never waits on the network: it calls :meth:`SyncService.start` once, reads
:meth:`SyncService.health` (a cheap local query) for the status bar and the sync-health panel,
and calls :meth:`SyncService.retry` for a rejected event (issue 7).
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua_desk.config import Settings
from motcua_desk.domain.errors import DomainError
from motcua_desk.services.changes import DOSSIER, SETTINGS, SYNC, Changed, ChangeSet
from motcua_desk.services.code_assignment import replace_codes
from motcua_desk.services.provisional import device_number
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.services.sync_pull import apply_change_safely
from motcua_desk.storage.repositories.sequences import CodeGap
from motcua_desk.storage.uow import UnitOfWork, reading
from motcua_desk.sync import offline_file
from motcua_desk.sync import protocol as p
from motcua_desk.sync.engine import SyncEngine, SyncReport, SyncTransport
from motcua_desk.sync.errors import SyncError
from motcua_desk.sync.worker import Backoff, SyncWorker

if TYPE_CHECKING:  # httpx loads with the first exchange with the server, not at start-up
    from motcua_desk.sync.transport import HttpTransport

log = logging.getLogger(__name__)

CURSOR_KEY = "pull_cursor"
DEVICE_ID_KEY = "device_id"
TOKEN_KEY = "device_token"
OFFLINE_KEY = "offline_private_key"
OFFLINE_KEY_REGISTERED = "offline_public_key_registered"
LAST_SUCCESS_KEY = "last_success_at"
CONFLICTS_KEY = "conflicts"
REPRINT_KEY = "reprint_required"
PRUNE_ACKED_AFTER = timedelta(days=30)
_GAP_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:motcua-desk:code-gaps")


class SyncNotConfiguredError(DomainError):
    """No server URL or no device token yet: enrol the counter first."""

    code = "sync_not_configured"


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """An outbox event as the sync-health panel lists it."""

    event_id: str
    kind: str
    aggregate_id: str
    created_at: datetime
    attempts: int
    reason: str | None  # reject reason, or the last error of a failing pending event


@dataclass(frozen=True, slots=True)
class SyncHealth:
    pending: int
    oldest_pending_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    online: bool
    rejected: list[QueuedEvent]
    failing: list[QueuedEvent]
    conflicts: list[dict[str, Any]]
    reprint_required: list[str]
    #: Leased numbers no dossier took in the last week (the ledger's gap list).
    gaps: list[CodeGap] = field(default_factory=list)


def _conflicts_json(items: list[dict[str, Any]]) -> str:
    """The stored conflict list. ASCII escapes: a pulled value may hold a lone surrogate
    ("\\ud800"), which the database's UTF-8 cannot store as a character (found by the pull fuzzer)."""
    return json.dumps(items, ensure_ascii=True)


def _load_list(raw: str | None) -> list[Any]:
    try:
        value = json.loads(raw) if raw else []
    except ValueError:
        return []
    return value if isinstance(value, list) else []


class StorageSyncStore:
    """Implements ``motcua_desk.sync.engine.LocalStore``; every method is one unit of work."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        agency_id: Callable[[], str],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._uow = uow_factory
        self._agency = agency_id
        self._clock = clock

    def pending_events(self, limit: int) -> Sequence[p.OutboxEvent]:
        out: list[p.OutboxEvent] = []
        invalid: list[tuple[str, str, str | None]] = []
        with self._uow() as uow:
            for e in uow.outbox.pending(limit):
                ev = p.OutboxEvent(
                    e.event_id, e.seq, e.kind, e.aggregate_id, e.created_at, e.payload
                )
                try:  # a malformed local event must not block the queue: it goes to the list
                    p.OutboxEvent.from_dict(json.loads(json.dumps(ev.to_dict())))
                except (p.ProtocolError, TypeError, ValueError) as exc:
                    data = getattr(exc, "data", {})
                    reason = f"local_invalid:{data.get('path', '$')}:{data.get('reason', 'json')}"
                    invalid.append((e.event_id, "rejected", reason))
                    continue
                out.append(ev)
            if invalid:
                log.warning("%d local outbox events are invalid; moved to rejected", len(invalid))
                uow.outbox.record_outcomes(invalid)
                uow.commit()
        return out

    def record_outcomes(self, outcomes: Sequence[p.EventOutcome]) -> None:
        with self._uow() as uow:
            uow.outbox.record_outcomes((o.event_id, o.status, o.reason) for o in outcomes)
            assigned = {
                o.event_id: (o.assigned_code, o.reason) for o in outcomes if o.assigned_code
            }
            if assigned:
                self._replace_codes(uow, assigned)
            uow.commit()

    def _replace_codes(self, uow: UnitOfWork, assigned: dict[str, tuple[str, str | None]]) -> None:
        reprint = replace_codes(uow, assigned, self._clock())
        if reprint:
            pending = _load_list(uow.sync_state.get(REPRINT_KEY))
            known = set(pending)
            pending += [x for x in reprint if x not in known]
            uow.sync_state.set(REPRINT_KEY, json.dumps(pending))

    def record_failure(self, event_ids: Sequence[str], error_code: str) -> None:
        with self._uow() as uow:
            uow.outbox.record_attempt_failure(event_ids, error_code)
            uow.commit()

    def get_cursor(self) -> int:
        with reading(self._uow) as uow:
            return int(uow.sync_state.get(CURSOR_KEY) or 0)

    def apply_pull_page(self, changes: Sequence[p.Change], next_cursor: int) -> None:
        """Apply what can be applied; record the rest as conflicts; the cursor always moves."""
        with self._uow() as uow:
            conflicts = _load_list(uow.sync_state.get(CONFLICTS_KEY))
            for c in changes:
                conflict = apply_change_safely(uow, c, self._agency())
                if conflict is not None:
                    conflicts.append({**conflict, "cursor": c.cursor})
            uow.sync_state.set(CONFLICTS_KEY, _conflicts_json(conflicts[-200:]))
            uow.sync_state.set(CURSOR_KEY, str(next_cursor))
            uow.commit()

    def release_unused(self, today: date) -> int:
        """Report the unused rest of past days' leased blocks (``codes.released``).

        A code carries its reception date, so a number of a day that is over will never be
        used: the blocks are marked released and the event queued in one transaction (the
        ledger's gap list on both sides). Returns how many days were reported.
        """
        agency = self._agency()
        with self._uow() as uow:
            released = uow.sequences.release_before(agency, today)
            for day, ranges in released.items():
                aggregate = str(uuid.uuid5(_GAP_NAMESPACE, f"{agency}:{day.isoformat()}"))
                for i in range(0, len(ranges), p.MAX_RELEASED_RANGES):
                    chunk = tuple(ranges[i : i + p.MAX_RELEASED_RANGES])
                    payload = p.CodesReleased(day, chunk).to_dict()
                    uow.outbox.append(p.KIND_RELEASED, aggregate, payload, at=self._clock())
            uow.commit()
        return len(released)

    def latest_acked(self) -> str | None:
        with reading(self._uow) as uow:
            return uow.outbox.latest_acked()

    def acked_after(self, seq: int, limit: int) -> Sequence[tuple[str, int]]:
        with reading(self._uow) as uow:
            return uow.outbox.acked_after(seq, limit)

    def resend_acked(self, event_ids: Sequence[str]) -> None:
        with self._uow() as uow:
            uow.outbox.resend_acked(event_ids)
            uow.commit()

    def code_block_remaining(self, day: date) -> int:
        with reading(self._uow) as uow:
            return uow.sequences.remaining(self._agency(), day)

    def add_code_block(self, day: date, first: int, last: int) -> None:
        with self._uow() as uow:
            uow.sequences.add_block(self._agency(), day, first, last)
            uow.commit()


def next_days(today: date, count: int = 3) -> list[date]:
    """Today and the next weekdays: the days a counter leases code blocks for ahead of time."""
    days = [today]
    d = today
    while len(days) < count:
        d += timedelta(days=1)
        if d.weekday() < 5:
            days.append(d)
    return days


class SyncService:
    """What the UI needs from sync: a background worker, health, retry, enrolment."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        settings: SettingsStore,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        transport_factory: Callable[[Settings, str | None], Any] | None = None,
        interval: float = 60.0,
    ) -> None:
        self._uow = uow_factory
        self._settings = settings
        self._clock = clock
        self._transport_factory = transport_factory or self._http
        self._interval = interval
        #: Called on the worker after each successful run (attachment files upload, issue 15).
        self.after_run: list[Callable[[], object]] = []
        self.store = StorageSyncStore(
            uow_factory, lambda: self._settings.current.agency_id, clock=clock
        )
        self._lock = threading.Lock()
        self._last_report: SyncReport | None = None
        self._last_error: str | None = None
        self._worker: SyncWorker | None = None

    @staticmethod
    def _http(settings: Settings, token: str | None) -> HttpTransport:
        from motcua_desk.sync.transport import HttpTransport

        return HttpTransport(settings.server_url, token, ca_bundle=settings.ca_bundle or None)

    # ------------------------------------------------------------------ enrolment

    def enrol(self, enrolment_code: str, device_name: str) -> Changed[p.EnrolResponse]:
        """Trade the admin's one-time code for a device token (needs ``server_url``)."""
        if not self._settings.current.server_url:
            raise SyncNotConfiguredError(missing="server_url")
        transport = self._transport_factory(self._settings.current, None)
        try:
            res: p.EnrolResponse = transport.enrol(p.EnrolRequest(enrolment_code, device_name))
        finally:
            transport.close()
        with self._uow() as uow:
            uow.sync_state.set(DEVICE_ID_KEY, res.device_id)
            uow.sync_state.set(TOKEN_KEY, res.token)
            # The number in provisional codes (T<no>-) stays what slips already carry.
            device_number(uow, self._settings.current.counter_name or device_name)
            uow.sync_state.set(OFFLINE_KEY, offline_file.new_private_key())
            uow.sync_state.set(OFFLINE_KEY_REGISTERED, "")
            uow.commit()
        transport = self._transport_factory(self._settings.current, res.token)
        try:
            self._maintain(transport)
        finally:
            transport.close()
        return Changed(res, ChangeSet.of(SYNC, SETTINGS))

    def _maintain(self, transport: Any) -> None:
        """Device upkeep after a good sync: register the offline-file key, rotate the token when
        the server asks. A failure here only postpones it to the next sync."""
        try:
            if hasattr(transport, "register_offline_key"):
                self._register_offline_key(transport)
            if getattr(transport, "rotation_due", False):
                self._rotate_token(transport)
        except (SyncError, p.ProtocolError) as exc:
            log.info("device upkeep postponed: %s", exc.code)

    def _register_offline_key(self, transport: HttpTransport) -> None:
        with self._uow() as uow:
            private = uow.sync_state.get(OFFLINE_KEY)
            registered = uow.sync_state.get(OFFLINE_KEY_REGISTERED)
            if not private:  # enrolled before offline keys existed
                private = offline_file.new_private_key()
                uow.sync_state.set(OFFLINE_KEY, private)
                uow.commit()
        public = offline_file.public_key_of(private)
        if registered == public:
            return
        transport.register_offline_key(p.OfflineKeyRequest(public))
        with self._uow() as uow:
            uow.sync_state.set(OFFLINE_KEY_REGISTERED, public)
            uow.commit()

    def _rotate_token(self, transport: HttpTransport) -> None:
        """Adopt a new token in one local write. If the reply is lost the old token still works
        (the server keeps it until the new one is first used), and the next sync rotates again."""
        res = transport.rotate_token()
        with self._uow() as uow:
            uow.sync_state.set(TOKEN_KEY, res.token)
            uow.commit()
        log.info("device token rotated")

    # ------------------------------------------------------------------ running

    def run_once(self) -> Changed[SyncReport]:
        """One full sync (push, pull, lease). Runs on a worker thread, never the GUI thread.

        Pulled changes and server-assigned codes touch dossiers: then every page hears of it.
        """
        report = self._sync()
        touched = report.pulled > 0 or report.assigned_codes > 0
        return Changed(report, ChangeSet.of(SYNC, *((DOSSIER,) if touched else ())))

    def _sync(self) -> SyncReport:
        with self._lock:
            settings = self._settings.current
            with self._uow() as uow:
                device_id = uow.sync_state.get(DEVICE_ID_KEY)
                token = uow.sync_state.get(TOKEN_KEY)
            now = self._clock()
            if not settings.server_url or not device_id or not token:
                report = SyncReport(now, now, False, error_code=SyncNotConfiguredError.code)
            else:
                transport: SyncTransport = self._transport_factory(settings, token)
                try:
                    today = now.astimezone(p.OFFICE_TZ).date()
                    self.store.release_unused(today)
                    engine = SyncEngine(
                        transport,
                        self.store,
                        device_id,
                        lease_days=lambda: next_days(today),
                        clock=self._clock,
                    )
                    report = engine.run_once()
                    if report.ok:
                        self._maintain(transport)
                finally:
                    close = getattr(transport, "close", None)
                    if close is not None:
                        close()
            self._last_report = report
            self._last_error = report.error_code
            if report.ok:
                with self._uow() as uow:
                    uow.sync_state.set(LAST_SUCCESS_KEY, report.finished_at.isoformat())
                    # Acknowledged events are kept a while for support, then pruned.
                    uow.outbox.prune_acked(report.finished_at - PRUNE_ACKED_AFTER)
                    uow.commit()
                for hook in self.after_run:
                    try:
                        hook()
                    except Exception:  # a hook never breaks the sync; logged as a bug
                        log.exception("after-sync hook failed")
            return report

    def start(self, on_report: Callable[[SyncReport], None] | None = None) -> None:
        """Start the background worker (idempotent)."""
        if self._worker is None:
            self._worker = SyncWorker(
                self._sync,
                interval=self._interval,
                backoff=Backoff(),
                on_report=on_report,
                on_crash=self._on_crash,
            )
            self._worker.start()

    def _on_crash(self, exc: BaseException) -> None:
        self._last_error = f"internal_error:{type(exc).__name__}"

    def wake(self) -> None:
        if self._worker is not None:
            self._worker.wake()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    # ------------------------------------------------------------------ health panel

    def health(self) -> SyncHealth:
        with reading(self._uow) as uow:  # polled by the status bar: never the write lock
            stats = uow.outbox.stats()
            rejected = [
                QueuedEvent(
                    e.event_id, e.kind, e.aggregate_id, e.created_at, e.attempts, e.reject_reason
                )
                for e in uow.outbox.rejected()
            ]
            failing = [
                QueuedEvent(
                    e.event_id, e.kind, e.aggregate_id, e.created_at, e.attempts, e.last_error
                )
                for e in uow.outbox.pending(500)
                if e.last_error
            ]
            last = uow.sync_state.get(LAST_SUCCESS_KEY)
            conflicts = _load_list(uow.sync_state.get(CONFLICTS_KEY))
            reprint = [str(x) for x in _load_list(uow.sync_state.get(REPRINT_KEY))]
            today = self._clock().astimezone(p.OFFICE_TZ).date()
            gaps = uow.sequences.gaps(
                self._settings.current.agency_id, today - timedelta(days=7), today
            )
        report = self._last_report
        return SyncHealth(
            pending=stats.pending,
            oldest_pending_at=stats.oldest_pending_at,
            last_success_at=datetime.fromisoformat(last) if last else None,
            last_error=self._last_error,
            online=bool(report and report.online),
            rejected=rejected,
            failing=failing,
            conflicts=conflicts,
            reprint_required=reprint,
            gaps=gaps,
        )

    def export_unsent(self, path: Path) -> int:
        """Write every unsent event to a signed file for the server's ``import-events``.

        The events stay pending here: once the counter is online again, the server answers
        "duplicate" for those it imported and they are acknowledged as usual.
        """
        with reading(self._uow) as uow:
            device_id = uow.sync_state.get(DEVICE_ID_KEY)
            token = uow.sync_state.get(TOKEN_KEY)
            private = uow.sync_state.get(OFFLINE_KEY)
            registered = uow.sync_state.get(OFFLINE_KEY_REGISTERED)
        if not device_id or not token:
            raise SyncNotConfiguredError(missing="enrolment")
        if not private or registered != offline_file.public_key_of(private):
            # The server could not check the file: sync once first (registers the key).
            raise SyncNotConfiguredError(missing="offline_key")
        events = tuple(self.store.pending_events(offline_file.MAX_EVENTS))
        bundle = offline_file.OfflineBundle(
            device_id, self._settings.current.agency_id, self._clock(), events
        )
        data = offline_file.dump_bundle(bundle, private)
        tmp = path.with_name(path.name + ".partial")
        tmp.write_bytes(data)
        tmp.replace(path)
        log.info("exported %d unsent events to %s", len(events), path)
        return len(events)

    def retry(self, event_id: str, actor: str) -> ChangeSet:
        """Send a rejected event again (same idempotency key) and sync soon; audited."""
        with self._uow() as uow:
            event = uow.outbox.get(event_id)
            if event is not None and event.state == "rejected":
                uow.outbox.requeue(event_id)
                uow.audit.append(
                    actor=actor,
                    action="sync.retry",
                    entity="outbox_event",
                    entity_id=event_id,
                    detail={"kind": event.kind, "reason": event.reject_reason},
                    at=self._clock(),
                )
                uow.commit()
        self.wake()
        return ChangeSet.of(SYNC)

    def reprint_done(self, sync_id: str) -> None:
        """The receipt with the server-assigned code has been reprinted."""
        with self._uow() as uow:
            pending = [x for x in _load_list(uow.sync_state.get(REPRINT_KEY)) if x != sync_id]
            uow.sync_state.set(REPRINT_KEY, json.dumps(pending))
            uow.commit()

    def code_gaps(self, first_day: date, last_day: date) -> list[CodeGap]:
        """Leased numbers no dossier took, per day (the ledger's gap list): released ones were
        reported to the server; today's may still be used."""
        with reading(self._uow) as uow:
            return uow.sequences.gaps(self._settings.current.agency_id, first_day, last_day)

    def reapply_conflict(self, cursor: int) -> Changed[bool]:
        """Try a pulled change again (the day was reopened, the local events went out).

        Returns whether it applied; if not, the conflict stays with its new reason.
        """
        applied = self._reapply(cursor)
        return Changed(applied, ChangeSet.of(SYNC, *((DOSSIER,) if applied else ())))

    def _reapply(self, cursor: int) -> bool:
        with self._uow() as uow:
            items = _load_list(uow.sync_state.get(CONFLICTS_KEY))
            found = next((c for c in items if c.get("cursor") == cursor), None)
            if found is None or not isinstance(found.get("data"), dict):
                return False
            change = p.Change(cursor, str(found["entity"]), str(found["key"]), found["data"])
            again = apply_change_safely(uow, change, self._settings.current.agency_id)
            rest = [c for c in items if c.get("cursor") != cursor]
            if again is not None:
                rest.append({**again, "cursor": cursor})
            uow.sync_state.set(CONFLICTS_KEY, _conflicts_json(rest))
            uow.commit()
            return again is None

    def resolve_conflict(self, cursor: int, actor: str) -> ChangeSet:
        """A supervisor dealt with a pulled change that could not be applied; audited."""
        with self._uow() as uow:
            every = _load_list(uow.sync_state.get(CONFLICTS_KEY))
            items = [c for c in every if c.get("cursor") != cursor]
            resolved = [c for c in every if c.get("cursor") == cursor]
            uow.sync_state.set(CONFLICTS_KEY, _conflicts_json(items))
            for c in resolved:
                uow.audit.append(
                    actor=actor,
                    action="sync.resolve_conflict",
                    entity=str(c.get("entity", "")),
                    entity_id=str(c.get("key", "")),
                    detail={"cursor": cursor, "reason": c.get("reason")},
                    at=self._clock(),
                )
            uow.commit()
        return ChangeSet.of(SYNC)  # the conflict is set aside; no dossier changed
