"""Composition root: paths, logging, engine, migrations, services, then the UI.

Only this module sees every layer. Tests build the same graph with :func:`build_context`.

Start-up time: this module imports the services, storage and UI only inside the functions
that need them, so the login window shows before SQLAlchemy is even imported; the database is
opened and the services wired on the db lane meanwhile (:func:`run`). Printing (ReportLab),
exports (openpyxl), sync (httpx) and migrations (Alembic) load when first used;
``tests/test_lazy_imports.py`` guards it.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from motcua_desk import __version__
from motcua_desk.config import AppPaths, ConfigError, load_settings
from motcua_desk.domain.errors import DomainError
from motcua_desk.instance_lock import InstanceLock, InstanceLockedError
from motcua_desk.services.clock import local_now

if TYPE_CHECKING:
    from motcua_desk.services.calendar_service import CalendarService
    from motcua_desk.services.context import AppContext

log = logging.getLogger(__name__)


def version_text() -> str:
    from motcua_desk.storage.migrate import head_revision

    return f"motcua_desk {__version__} (schema {head_revision()})"


def setup_logging(log_dir: Path, level: int = logging.INFO) -> None:
    """Rotating file log in the platform log directory plus stderr for warnings."""
    log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    if any(getattr(h, "_motcua", False) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        log_dir / "motcua_desk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._motcua = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    previous = sys.excepthook

    def log_uncaught(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        # Outside the GUI (CLI, start-up) an uncaught error still reaches the log file; the
        # GUI installs its own hook on top (ui/errors.py) that also tells the clerk.
        if not issubclass(kind, KeyboardInterrupt):
            logging.getLogger("motcua_desk.uncaught").critical(
                "uncaught error",
                exc_info=(kind, exc, tb),  # type: ignore[arg-type]
            )
        previous(kind, exc, tb)  # type: ignore[arg-type]

    sys.excepthook = log_uncaught


def build_context(
    paths: AppPaths, clock: Callable[[], datetime] = local_now, *, seed: bool = True
) -> AppContext:
    """Open (and migrate) the database and wire every service; seeds the sample catalogue."""
    from motcua_desk.services.accounts import AccountService
    from motcua_desk.services.attachment_sync import AttachmentSync
    from motcua_desk.services.audit_check import AuditService
    from motcua_desk.services.calendar_service import CalendarService
    from motcua_desk.services.catalogue import CatalogueService
    from motcua_desk.services.context import AppContext, SettingsStore
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
    from motcua_desk.services.signing import LazyPkcs11Tokens, SigningService
    from motcua_desk.services.sync_service import SyncService
    from motcua_desk.signing.online import http_timestamper
    from motcua_desk.storage.engine import make_engine
    from motcua_desk.storage.filestore import FileStore
    from motcua_desk.storage.migrate import migrate
    from motcua_desk.storage.uow import make_uow_factory

    paths.ensure()
    settings = SettingsStore(load_settings(paths.settings_file), paths)
    engine = make_engine(paths.db_file)
    result = migrate(engine, paths.db_file, paths.backup_dir)
    if result.backup_path is not None:
        log.info(
            "database upgraded %s -> %s, backup %s",
            result.from_rev,
            result.to_rev,
            result.backup_path,
        )
    uow_factory = make_uow_factory(engine)
    catalogue = CatalogueService(uow_factory)
    calendar = CalendarService(uow_factory, settings)
    if seed:
        _seed(uow_factory, calendar, clock)
    accounts = AccountService(uow_factory, settings, clock)
    attachments = FileStore(paths.attachments_dir)
    sync = SyncService(uow_factory, settings, clock=clock)
    attachment_sync = AttachmentSync(uow_factory, attachments, settings, clock)
    digitisation = DigitisationService(
        uow_factory, attachments, FileStore(paths.data_dir / "drafts"), clock
    )
    signing = SigningService(
        uow_factory,
        settings,
        paths,
        clock,
        LazyPkcs11Tokens(),
        timestamper_factory=http_timestamper,
    )
    # Back online: signatures made offline get their time-stamp, then files are uploaded.
    sync.after_run.append(signing.upgrade_offline_signatures)
    sync.after_run.append(attachment_sync.upload_pending)
    ctx = AppContext(
        paths=paths,
        settings_store=settings,
        accounts=accounts,
        catalogue=catalogue,
        reception=ReceptionService(uow_factory, settings, catalogue, calendar, clock),
        documents=DocumentService(uow_factory, settings, paths, clock),
        clock=clock,
        sync=sync,
        settings_admin=SettingsAdminService(uow_factory, settings, calendar),
        db_revision=result.to_rev,
        postal=PostalService(uow_factory, settings, paths, clock, calendar),
        lifecycle=LifecycleService(uow_factory, settings, calendar, clock, catalogue),
        lookup=LookupService(uow_factory, settings, calendar, clock),
        ledger=LedgerService(uow_factory, settings, clock),
        reports=ReportService(uow_factory, clock),
        returns=ReturnService(uow_factory, clock),
        day_close=DayCloseService(uow_factory, settings, accounts, clock),
        digitisation=digitisation,
        attachment_sync=attachment_sync,
        audit=AuditService(uow_factory),
        signing=signing,
        paper_signing=PaperSigning(uow_factory, signing, digitisation, clock),
    )
    return ctx


def _seed(uow_factory, calendar: CalendarService, clock) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.resources import seed_dir
    from motcua_desk.storage.catalogue_import import import_catalogue

    with uow_factory() as uow:
        empty = uow.procedures.count() == 0
        if empty:
            report = import_catalogue(uow, (seed_dir() / "procedures.json").read_bytes())
            uow.commit()
            log.info("seeded sample catalogue: %s procedures", report.total)
    year = clock().year
    calendar.ensure_seeded([year - 1, year, year + 1])


EXIT_START_FAILED = 2
EXIT_ALREADY_RUNNING = 3


def report_start_error(exc: DomainError, *, gui: bool) -> None:
    """A start-up refusal in Vietnamese on the console and, for the app, in a dialog.

    A newer-schema, foreign or damaged database, or a second instance, must not end in a
    traceback (issue 14 §3); the database file is left untouched.
    """
    from motcua_desk.ui import strings  # plain data, no Qt

    message = strings.exception_message(exc)
    log.error("start refused: %s", exc.code)
    sys.stderr.write(message + "\n")
    if gui:
        try:
            from motcua_desk.ui.app import show_start_error

            show_start_error(message)
        except Exception:  # no display: the console text above is what remains
            log.warning("could not show the start-up error dialog", exc_info=True)


def run(*, data_dir: Path | None, temp: bool, self_test: bool, qt_argv: list[str]) -> int:
    """The app: the login window at once, the database opened behind it (see module doc)."""
    paths = AppPaths.resolve(data_dir, temp=temp or self_test and data_dir is None)
    setup_logging(paths.log_dir)
    log.info("starting motcua_desk %s, data in %s", __version__, paths.data_dir)
    # One process writes a database: taken before anything is migrated or backed up.
    instance = InstanceLock(paths.db_file)
    try:
        instance.acquire()
    except InstanceLockedError as exc:
        if self_test:
            report_start_error(exc, gui=False)
            return EXIT_ALREADY_RUNNING
        from motcua_desk.ui.app import already_running

        return already_running(paths.db_file)  # brings the running window to the front
    try:
        return _run_locked(paths, self_test=self_test, qt_argv=qt_argv)
    finally:
        instance.release()


def _run_locked(paths: AppPaths, *, self_test: bool, qt_argv: list[str]) -> int:
    try:
        paths.ensure()
        load_settings(paths.settings_file)  # a bad file is told on stderr, before any window
    except ConfigError as exc:
        sys.stderr.write(f"Tệp cấu hình không hợp lệ ({paths.settings_file}): {exc.data}" + "\n")
        return EXIT_START_FAILED
    if self_test:
        try:
            ctx = build_context(paths)
        except DomainError as exc:  # a newer, foreign or damaged database
            report_start_error(exc, gui=False)
            return EXIT_START_FAILED
        from motcua_desk.selftest import run_self_test

        return run_self_test(ctx)
    from motcua_desk.ui.app import start_gui

    return start_gui(paths.db_file, lambda: _open_for_gui(paths), qt_argv)


def _open_for_gui(paths: AppPaths) -> AppContext:
    """Runs on the db lane while the login window shows: open, migrate, wire, back up."""
    ctx = build_context(paths)
    log.info("database ready, schema %s (this build: %s)", ctx.db_revision, version_text())
    from motcua_desk.services.backup import BackupService

    try:
        BackupService(paths, ctx.settings_store).daily_backup()
    except Exception:  # a failed backup must not keep the counter closed; it is logged
        log.exception("daily backup failed")
    return ctx


def maintenance(command: str, file: Path | None, *, data_dir: Path | None) -> int:
    """``backup`` / ``restore FILE`` / ``list-backups`` from the command line."""
    from motcua_desk.services.backup import BackupInvalidError, BackupService
    from motcua_desk.services.context import SettingsStore
    from motcua_desk.storage.errors import StorageError

    paths = AppPaths.resolve(data_dir)
    paths.ensure()
    setup_logging(paths.log_dir)
    service = BackupService(paths, SettingsStore(load_settings(paths.settings_file), paths))
    if command == "backup":
        sys.stdout.write(f"{service.backup_now()}\n")
        return 0
    if command == "list-backups":
        for info in service.list_backups():
            sys.stdout.write(
                f"{info.modified_at:%Y-%m-%d %H:%M} UTC  {info.size:>12,}  {info.path}" + "\n"
            )
        return 0
    assert file is not None
    if command == "export-unsent":
        instance = InstanceLock(paths.db_file)  # held (referenced) until the export is done
        try:
            instance.acquire()
            ctx = build_context(paths, seed=False)
        except (StorageError, InstanceLockedError) as exc:
            report_start_error(exc, gui=False)
            return 1
        assert ctx.sync is not None
        try:
            n = ctx.sync.export_unsent(file)
        except DomainError as exc:
            if exc.data.get("missing") == "offline_key":
                # The server has not yet received the key that checks this counter's files.
                reason = "máy trạm cần đồng bộ với máy chủ một lần trước khi xuất tệp"
            else:
                reason = "máy trạm chưa đăng ký với máy chủ"
            sys.stderr.write(f"Không xuất được: {reason} ({exc.code})." + "\n")
            return 1
        sys.stdout.write(f"Đã xuất {n} sự kiện chưa gửi vào {file}" + "\n")
        instance.release()
        return 0
    try:
        safety = service.restore(file)
    except BackupInvalidError as exc:
        sys.stderr.write(
            f"Không khôi phục: tệp sao lưu không dùng được ({exc.data.get('reason')})." + "\n"
        )
        return 1
    except (StorageError, InstanceLockedError) as exc:  # the app runs, or the file stayed locked
        report_start_error(exc, gui=False)
        return 1
    sys.stdout.write(f"Đã khôi phục từ {file}. Bản an toàn của dữ liệu cũ: {safety}" + "\n")
    return 0
