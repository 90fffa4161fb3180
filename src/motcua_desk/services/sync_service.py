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
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from motcua_desk.config import Settings
from motcua_desk.domain.calendar import CalendarDay, DayKind
from motcua_desk.domain.dossier import Status
from motcua_desk.domain.errors import DomainError, IllegalTransitionError
from motcua_desk.services.context import SettingsStore
from motcua_desk.storage.catalogue_import import parse_catalogue_json
from motcua_desk.storage.orm import DossierEventRow, DossierRow, OutboxRow, UserRow
from motcua_desk.storage.uow import UnitOfWork
from motcua_desk.sync import offline_file
from motcua_desk.sync import protocol as p
from motcua_desk.sync.engine import SyncEngine, SyncReport, SyncTransport
from motcua_desk.sync.worker import Backoff, SyncWorker

if TYPE_CHECKING:  # httpx loads with the first exchange with the server, not at start-up
    from motcua_desk.sync.transport import HttpTransport

log = logging.getLogger(__name__)

CURSOR_KEY = "pull_cursor"
DEVICE_ID_KEY = "device_id"
TOKEN_KEY = "device_token"
DEVICE_NO_KEY = "device_no"
LAST_SUCCESS_KEY = "last_success_at"
CONFLICTS_KEY = "conflicts"
REPRINT_KEY = "reprint_required"
PRUNE_ACKED_AFTER = timedelta(days=30)
_ROLES = frozenset({"clerk", "supervisor", "admin"})


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
            assigned = {o.event_id: o.assigned_code for o in outcomes if o.assigned_code}
            if assigned:
                self._replace_codes(uow, assigned)
            uow.commit()

    def _replace_codes(self, uow: UnitOfWork, assigned: dict[str, str]) -> None:
        """Put the server's codes on the dossiers, note it on their timelines, flag reprints.

        Set-based (a few queries per batch): an offline day can leave thousands of them.
        """
        s = uow.session
        by_event: dict[str, str] = {
            event_id: aggregate_id
            for event_id, aggregate_id in s.execute(
                select(OutboxRow.event_id, OutboxRow.aggregate_id).where(
                    OutboxRow.event_id.in_(list(assigned))
                )
            )
        }
        rows = {
            r.sync_id: r
            for r in s.scalars(select(DossierRow).where(DossierRow.sync_id.in_(by_event.values())))
        }
        now = self._clock()
        reprint: list[str] = []
        for event_id, code in assigned.items():
            row = rows.get(by_event.get(event_id, ""))
            if row is None or (row.code == code and not row.provisional_code):
                continue
            detail = {"provisional_code": row.code, "code": code, "reprint_required": True}
            row.code = code
            row.provisional_code = False
            s.add(
                DossierEventRow(
                    dossier_id=row.id,
                    kind="code_assigned",
                    at=now,
                    actor="sync",
                    status_from=None,
                    status_to=None,
                    detail=json.dumps(
                        detail, ensure_ascii=False, sort_keys=True, separators=(",", ":")
                    ),
                )
            )
            reprint.append(row.sync_id)
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
        with self._uow() as uow:
            return int(uow.sync_state.get(CURSOR_KEY) or 0)

    def apply_pull_page(self, changes: Sequence[p.Change], next_cursor: int) -> None:
        with self._uow() as uow:
            conflicts = _load_list(uow.sync_state.get(CONFLICTS_KEY))
            for c in changes:
                try:
                    conflict = self._apply_change(uow, c)
                except (DomainError, KeyError, TypeError, ValueError) as exc:
                    log.warning("pulled change %s/%s not applied: %r", c.entity, c.key, exc)
                    conflict = {"entity": c.entity, "key": c.key, "reason": "not_applicable"}
                if conflict is not None:
                    conflicts.append({**conflict, "cursor": c.cursor})
            uow.sync_state.set(CONFLICTS_KEY, json.dumps(conflicts[-200:], ensure_ascii=False))
            uow.sync_state.set(CURSOR_KEY, str(next_cursor))
            uow.commit()

    def _apply_change(self, uow: UnitOfWork, c: p.Change) -> dict[str, Any] | None:
        if c.entity == "procedure":
            uow.procedures.upsert_many(parse_catalogue_json(json.dumps([c.data])))
        elif c.entity == "holiday":
            day = CalendarDay(
                date.fromisoformat(c.data["date"]), DayKind(c.data["kind"]), c.data["name"]
            )
            uow.calendar.upsert(day, source="admin")
        elif c.entity == "user":
            self._upsert_user(uow, c.data)
        elif c.entity == "dossier_status":
            return self._apply_status(uow, c)
        return None

    @staticmethod
    def _upsert_user(uow: UnitOfWork, data: dict[str, Any]) -> None:
        role = data["role"] if data["role"] in _ROLES else "clerk"
        username = str(data["username"]).casefold()
        row = uow.session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
        if row is None:
            row = UserRow(username=username, created_at=datetime.now(UTC))  # first seen here
            uow.session.add(row)
        row.full_name = str(data["full_name"])
        row.password_hash = str(data["password_hash"])
        row.role = role
        row.active = bool(data.get("active", True))
        uow.session.flush()

    @staticmethod
    def _apply_status(uow: UnitOfWork, c: p.Change) -> dict[str, Any] | None:
        dossier = uow.dossiers.by_sync_id(c.key)
        if dossier is None or dossier.id is None:
            return None  # received at another counter of the unit
        target = Status(int(c.data["status"]))
        if dossier.status is target:
            return None
        base = {
            "entity": c.entity,
            "key": c.key,
            "code": dossier.code,
            "server_status": int(target),
        }
        if uow.outbox.has_unacked(c.key):
            return {**base, "reason": "local_changes_pending"}
        try:
            uow.dossiers.set_status(
                dossier.id,
                target,
                actor=str(c.data.get("actor", "server")),
                at=datetime.fromisoformat(str(c.data["at"])),
                detail={"source": "server"},
            )
        except IllegalTransitionError:
            return {**base, "reason": "illegal_transition", "local_status": int(dossier.status)}
        return None

    def code_block_remaining(self, day: date) -> int:
        with self._uow() as uow:
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

    def enrol(self, enrolment_code: str, device_name: str) -> p.EnrolResponse:
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
            # Cosmetic number for provisional codes (T<no>-); the server replaces them anyway.
            uow.sync_state.set(DEVICE_NO_KEY, str(uuid.UUID(res.device_id).int % 99 + 1))
            uow.commit()
        return res

    # ------------------------------------------------------------------ running

    def run_once(self) -> SyncReport:
        """One full sync (push, pull, lease). Runs on a worker thread, never the GUI thread."""
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
                    engine = SyncEngine(
                        transport,
                        self.store,
                        device_id,
                        lease_days=lambda: next_days(today),
                        clock=self._clock,
                    )
                    report = engine.run_once()
                finally:
                    close = getattr(transport, "close", None)
                    if close is not None:
                        close()
            self._last_report = report
            self._last_error = report.error_code
            if report.ok:
                with self._uow() as uow:
                    uow.sync_state.set(LAST_SUCCESS_KEY, report.finished_at.isoformat())
                    # Acknowledged events are kept a while for support, then pruned (§8.3).
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
                self.run_once,
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
        with self._uow() as uow:
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
        )

    def export_unsent(self, path: Path) -> int:
        """Write every unsent event to a signed file for the server's ``import-events``.

        The events stay pending here: once the counter is online again, the server answers
        "duplicate" for those it imported and they are acknowledged as usual.
        """
        with self._uow() as uow:
            device_id = uow.sync_state.get(DEVICE_ID_KEY)
            token = uow.sync_state.get(TOKEN_KEY)
        if not device_id or not token:
            raise SyncNotConfiguredError(missing="enrolment")
        events = tuple(self.store.pending_events(offline_file.MAX_EVENTS))
        bundle = offline_file.OfflineBundle(
            device_id, self._settings.current.agency_id, self._clock(), events
        )
        data = offline_file.dump_bundle(bundle, token)
        tmp = path.with_name(path.name + ".partial")
        tmp.write_bytes(data)
        tmp.replace(path)
        log.info("exported %d unsent events to %s", len(events), path)
        return len(events)

    def retry(self, event_id: str) -> None:
        """Send a rejected event again (same idempotency key) and sync soon."""
        with self._uow() as uow:
            event = uow.outbox.get(event_id)
            if event is not None and event.state == "rejected":
                uow.outbox.requeue(event_id)
                uow.commit()
        self.wake()

    def reprint_done(self, sync_id: str) -> None:
        """The receipt with the server-assigned code has been reprinted."""
        with self._uow() as uow:
            pending = [x for x in _load_list(uow.sync_state.get(REPRINT_KEY)) if x != sync_id]
            uow.sync_state.set(REPRINT_KEY, json.dumps(pending))
            uow.commit()

    def resolve_conflict(self, cursor: int) -> None:
        """A supervisor dealt with a pulled change that could not be applied."""
        with self._uow() as uow:
            items = [
                c
                for c in _load_list(uow.sync_state.get(CONFLICTS_KEY))
                if c.get("cursor") != cursor
            ]
            uow.sync_state.set(CONFLICTS_KEY, json.dumps(items, ensure_ascii=False))
            uow.commit()
