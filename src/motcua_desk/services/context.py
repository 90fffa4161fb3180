"""The object graph the UI receives: paths, live settings and the use-case services."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from motcua_desk.config import AppPaths, Settings, save_settings

if TYPE_CHECKING:
    from motcua_desk.services.accounts import AccountService
    from motcua_desk.services.attachment_sync import AttachmentSync
    from motcua_desk.services.catalogue import CatalogueService
    from motcua_desk.services.day_close import DayCloseService
    from motcua_desk.services.digitisation import DigitisationService
    from motcua_desk.services.documents import DocumentService
    from motcua_desk.services.ledger import LedgerService
    from motcua_desk.services.lifecycle import LifecycleService
    from motcua_desk.services.lookup import LookupService
    from motcua_desk.services.postal import PostalService
    from motcua_desk.services.reception import ReceptionService
    from motcua_desk.services.reports import ReportService
    from motcua_desk.services.returns import ReturnService
    from motcua_desk.services.settings_admin import SettingsAdminService
    from motcua_desk.services.sync_service import SyncService


class SettingsStore:
    """Holds the current settings; saving writes settings.toml atomically first."""

    def __init__(self, settings: Settings, path: AppPaths | None = None) -> None:
        self._settings = settings
        self._paths = path
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Settings], None]] = []

    @property
    def current(self) -> Settings:
        return self._settings

    def update(self, **changes: Any) -> Settings:
        with self._lock:
            new = replace(self._settings, **changes)
            if self._paths is not None:
                save_settings(self._paths.settings_file, new)
            self._settings = new
            listeners = list(self._listeners)
        for listener in listeners:
            listener(new)
        return new

    def subscribe(self, listener: Callable[[Settings], None]) -> None:
        self._listeners.append(listener)


@dataclass(frozen=True)
class AppContext:
    """Everything a screen needs; built once by the bootstrap (or by tests on tmp_path)."""

    paths: AppPaths
    settings_store: SettingsStore
    accounts: AccountService
    catalogue: CatalogueService
    reception: ReceptionService
    documents: DocumentService
    clock: Callable[[], datetime]
    sync: SyncService | None = None
    settings_admin: SettingsAdminService | None = None
    db_revision: str = ""
    postal: PostalService | None = None
    lifecycle: LifecycleService | None = None
    lookup: LookupService | None = None
    ledger: LedgerService | None = None
    reports: ReportService | None = None
    day_close: DayCloseService | None = None
    returns: ReturnService | None = None
    digitisation: DigitisationService | None = None
    attachment_sync: AttachmentSync | None = None

    @property
    def settings(self) -> Settings:
        return self.settings_store.current
