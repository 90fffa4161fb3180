"""The object graph the UI receives: paths, live settings and the use-case services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from motcua_desk.config import AppPaths, Settings
from motcua_desk.services.settings_store import SettingsStore

if TYPE_CHECKING:
    from motcua_desk.services.accounts import AccountService
    from motcua_desk.services.attachment_sync import AttachmentSync
    from motcua_desk.services.audit_check import AuditService
    from motcua_desk.services.catalogue import CatalogueService
    from motcua_desk.services.day_close import DayCloseService
    from motcua_desk.services.digitisation import DigitisationService
    from motcua_desk.services.documents import DocumentService
    from motcua_desk.services.ledger import LedgerService
    from motcua_desk.services.lifecycle import LifecycleService
    from motcua_desk.services.lookup import LookupService
    from motcua_desk.services.paper_signing import PaperSigning
    from motcua_desk.services.postal import PostalService
    from motcua_desk.services.reception import ReceptionService
    from motcua_desk.services.reports import ReportService
    from motcua_desk.services.returns import ReturnService
    from motcua_desk.services.settings_admin import SettingsAdminService
    from motcua_desk.services.signing import SigningService
    from motcua_desk.services.sync_service import SyncService


#: SettingsStore lives in settings_store (no service imports this module); kept importable here.
__all__ = ["AppContext", "SettingsStore"]


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
    sync: SyncService
    settings_admin: SettingsAdminService
    postal: PostalService
    lifecycle: LifecycleService
    lookup: LookupService
    ledger: LedgerService
    reports: ReportService
    day_close: DayCloseService
    returns: ReturnService
    audit: AuditService
    db_revision: str = ""
    signing: SigningService | None = None
    digitisation: DigitisationService | None = None
    attachment_sync: AttachmentSync | None = None
    paper_signing: PaperSigning | None = None

    @property
    def settings(self) -> Settings:
        return self.settings_store.current
