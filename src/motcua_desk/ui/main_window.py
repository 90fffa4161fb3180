"""Main window: scan box, home and intake pages, shortcuts, status bar (issue 4).

Screens never call each other: the window routes scans and forwards one ``data_changed``.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QProgressBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.domain.dossier import Person
from motcua_desk.domain.text import normalize
from motcua_desk.ui import strings
from motcua_desk.ui.about import show_about
from motcua_desk.ui.changes import ChangeSet
from motcua_desk.ui.log_window import LogWindow, SignalLogHandler
from motcua_desk.ui.pages import PAGES, PageDeps, build_pages
from motcua_desk.ui.ports import ContextPort
from motcua_desk.ui.preview import PreviewDialog
from motcua_desk.ui.print_flow import PrintFlow
from motcua_desk.ui.printer import PrinterBackend
from motcua_desk.ui.scanner import ScannerFilter
from motcua_desk.ui.screens.accounts.controller import AccountsController
from motcua_desk.ui.screens.board.controller import BoardController
from motcua_desk.ui.screens.day_close.controller import DayCloseController
from motcua_desk.ui.screens.home.controller import HomeController
from motcua_desk.ui.screens.intake.controller import IntakeController
from motcua_desk.ui.screens.lookup.controller import LookupController
from motcua_desk.ui.screens.postal.controller import PostalController
from motcua_desk.ui.screens.reports.controller import ReportsController
from motcua_desk.ui.screens.returns.controller import ReturnController
from motcua_desk.ui.screens.settings.controller import SettingsController
from motcua_desk.ui.screens.signing.controller import SigningController
from motcua_desk.ui.screens.sync_health.controller import SyncHealthController
from motcua_desk.ui.sync_status import SyncStatus
from motcua_desk.ui.tasks import TaskRunner

from . import scan_routing

log = logging.getLogger(__name__)

HOME_PAGE, INTAKE_PAGE = 0, 1


class MainWindow(QMainWindow):
    #: Raw text of every scan (scanner burst or Enter in the scan box).
    scanned = Signal(str)
    #: One "what changed" signal for every screen.
    data_changed = Signal(object)

    # The pages, set from ``ui.pages.PAGES`` (None: not built for this context or role).
    home: HomeController
    intake: IntakeController
    lookup: LookupController | None
    board: BoardController | None
    sync_health: SyncHealthController | None
    returns: ReturnController | None
    postal: PostalController | None
    reports: ReportsController | None
    day_close: DayCloseController | None
    settings_page: SettingsController | None
    signing_page: SigningController | None
    accounts_page: AccountsController | None

    def __init__(
        self,
        ctx: ContextPort,
        user: Any,
        *,
        runner: TaskRunner | None = None,
        backend: PrinterBackend | None = None,
        scanner: ScannerFilter | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.ctx = ctx
        self.user = user
        self.runner = runner or TaskRunner(self)
        if backend is None:
            from motcua_desk.ui.printer import default_backend

            backend = default_backend()
        self.print_flow = PrintFlow(ctx, self.runner, backend, user, self)
        s = ctx.settings
        self.setWindowTitle(f"{strings.APP_TITLE} — {s.agency_name or s.agency_id}")

        self.scan_box = QLineEdit()
        self.scan_box.setObjectName("scan_box")
        # With the focus here an input method (Telex/VNI via IBus, Unikey) cannot rewrite the
        # scanner's keys: the box takes raw key text only.
        self.scan_box.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.scan_box.setPlaceholderText(
            "Quét mã (căn cước, mã hồ sơ) hoặc dán vào đây rồi nhấn Enter — F6"
        )
        self.notice = QLabel()
        self.notice.setObjectName("scan_notice")
        self.notice.setWordWrap(True)
        self.notice.setMinimumWidth(120)
        top = QHBoxLayout()
        top.addWidget(QLabel("Mã quét:"))
        top.addWidget(self.scan_box, 2)
        top.addWidget(self.notice, 3)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("pages")
        deps = PageDeps(ctx, self.runner, self.print_flow, user, backend, self)
        for spec, page in build_pages(deps):
            setattr(self, spec.attr, page)
            if page is not None:
                self.tabs.addTab(page.view, spec.title)  # type: ignore[attr-defined]
        self.sync_status: SyncStatus | None = None
        if self.sync_health is not None:
            self.sync_status = SyncStatus(ctx, self.sync_health, self)
        if self.lookup is not None:
            self.lookup.loaded.connect(self._on_lookup_loaded)
            if self.returns is not None:
                self.lookup.return_requested.connect(self.start_return)
        if self.board is not None:
            self.board.open_requested.connect(self.open_dossier)
        if self.postal is not None:
            self.postal.register_requested.connect(self._on_postal_register_requested)
        help_menu = self.menuBar().addMenu("Trợ giúp")
        about = help_menu.addAction("Giới thiệu phần mềm (F1)")
        about.setShortcut(QKeySequence("F1"))
        about.triggered.connect(self.show_about)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)
        if self.sync_status is not None:
            self.statusBar().addPermanentWidget(self.sync_status.label)
        role = strings.ROLES.get(str(getattr(user.role, "value", user.role)), "")
        who = QLabel(f"{user.full_name} ({role}) — {s.counter_name or s.agency_name}")
        who.setObjectName("status_user")
        who.setMinimumWidth(40)  # a long unit name is cut, not widening the window
        who.setToolTip(who.text())
        self.statusBar().addPermanentWidget(who)
        self.fit_to_screen()

        self.scanner = scanner or ScannerFilter(self)
        self.scanner.scanned.connect(self.route_scan)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.scanner)
        self.scan_box.returnPressed.connect(self._on_scan_box_return_pressed)
        self.runner.busy_changed.connect(self.busy.setVisible)
        # Every operation's change set reaches every page (issue 12 §4).
        self.runner.operation_did_execute.connect(self.data_changed.emit)
        # Every page that keeps data on screen refreshes itself from the broadcast.
        for spec in PAGES:
            page = getattr(self, spec.attr)
            handler = getattr(page, "on_data_changed", None)
            if handler is not None:
                self.data_changed.connect(handler)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.print_flow.printed.connect(self._on_print_flow_printed)
        self.print_flow.print_failed.connect(self._on_print_flow_print_failed)
        self.print_flow.rendered.connect(self.show_preview)
        self.log_handler = SignalLogHandler()
        logging.getLogger().addHandler(self.log_handler)
        self.log_window = LogWindow(self.log_handler, self)
        self._shortcuts()
        self.home.refresh()
        self.previews: list[PreviewDialog] = []
        if self.sync_status is not None:
            self.sync_status.start()

    def fit_to_screen(self) -> None:
        """Open no bigger than the screen's free area (issue 12 §1: 1280×720 and up)."""
        screen = self.screen() or QApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()
        width = free.width() - max(frame.width(), 0)
        height = free.height() - max(frame.height(), 0)
        self.setMaximumSize(16777215, 16777215)
        self.resize(min(width, 1600), min(height, 1000))
        self.move(free.topLeft())

    def _shortcuts(self) -> None:
        def add(keys: str | QKeySequence.StandardKey, slot: Any) -> None:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

        add("F2", self.new_dossier)
        add("Ctrl+Return", self._on_save_shortcut)
        add("Ctrl+Enter", self._on_save_shortcut)
        add("Esc", self._on_escape_shortcut)
        add("F6", self.scan_box.setFocus)
        add("F12", self.log_window.show)

    # -- navigation ---------------------------------------------------------------------
    @Slot()
    def new_dossier(self) -> None:
        if self.intake.new_dossier():
            self.tabs.setCurrentIndex(INTAKE_PAGE)
            self.intake.focus_first()

    @Slot(str)
    def open_dossier(self, code: str) -> None:
        """The dossier with its timeline on the lookup page (home page without one)."""
        if self.lookup is not None:
            self.tabs.setCurrentWidget(self.lookup.view)
            self.lookup.open_code(code)
            return
        self.tabs.setCurrentIndex(HOME_PAGE)
        self.home.open_code(
            code,
            on_missing=lambda c: self.set_notice(
                strings.error_message("dossier_not_found", {"code": c}), error=True
            ),
        )

    # -- what a scan does (scan_routing.ScanTarget) ---------------------------------------
    def fill_person(self, person: Person) -> str:
        self.show_intake()
        return self.intake.fill_person(person)

    def select_procedure(self, code: str) -> bool:
        self.show_intake()
        return self.intake.select_procedure_code(code)

    def fill_id_number(self, text: str) -> None:
        self.show_intake()
        self.intake.view.id_number.setText(text)

    @Slot(object)
    def _on_lookup_loaded(self, file: Any) -> None:
        if file is None:
            code = self.lookup.view.code.text() if self.lookup is not None else ""
            self.set_notice(strings.error_message("dossier_not_found", {"code": code}), error=True)
        elif self.notice.text().startswith("Đang mở hồ sơ"):
            self.set_notice(f"Đã mở hồ sơ {file.dossier.code}.")

    @Slot(str)
    def start_return(self, code: str) -> None:
        if self.returns is None:
            return
        self.tabs.setCurrentWidget(self.returns.view)
        self.returns.open_code(code)

    @Slot(int)
    def _on_tab_changed(self, _index: int) -> None:
        if self.notice.property("error"):
            self.set_notice("")  # a stale error does not follow the clerk to another page
        # The day's figures change with every dossier: read them again when the page is shown.
        if self.day_close is not None and self.tabs.currentWidget() is self.day_close.view:
            self.day_close.refresh()

    def show_intake(self) -> None:
        self.tabs.setCurrentIndex(INTAKE_PAGE)

    @Slot()
    def _on_save_shortcut(self) -> None:
        """Ctrl+Enter: the shown page's main action (one shortcut for the whole window)."""
        if self.tabs.currentIndex() == INTAKE_PAGE:
            self.intake.save_and_print()
        elif self.returns is not None and self.tabs.currentWidget() is self.returns.view:
            self.returns.complete()

    @Slot()
    def _on_escape_shortcut(self) -> None:
        if self.tabs.currentIndex() == INTAKE_PAGE:
            self.intake.cancel()

    # -- scans --------------------------------------------------------------------------
    @Slot()
    def _on_scan_box_return_pressed(self) -> None:
        text = self.scan_box.text()
        self.scan_box.clear()
        if text.strip():
            self.route_scan(text)

    @Slot(str)
    def route_scan(self, raw: str) -> None:
        self.set_notice("")  # the last scan's notice goes with the next action (issue 12 §2)
        self.scanned.emit(raw)
        if self.postal is not None and self.tabs.currentWidget() is self.postal.view:
            self.postal.scan(raw)  # building a postal batch: every scan belongs to it
            return
        if self.returns is not None and self.tabs.currentWidget() is self.returns.view:
            self.returns.scan(raw)  # returning a result: the slip, then the collector's card
            return
        scan_routing.route(self, raw)

    def set_notice(self, text: str, *, error: bool = False) -> None:
        self.notice.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.notice.setProperty("error", error and bool(text))
        self.notice.setText(normalize(text))

    # -- printing feedback --------------------------------------------------------------
    @Slot(object, str)
    def _on_print_flow_printed(self, doc: Any, printer: str) -> None:
        label = strings.DOC_TYPES.get(doc.doc_type, doc.doc_type)
        text = f"Đã gửi {label} của hồ sơ {doc.dossier_code} tới {printer}."
        self.statusBar().showMessage(text)
        if self.notice.property("error"):
            self.set_notice(text)  # no red "In không thành công" left after a good reprint

    @Slot(str, str)
    def _on_print_flow_print_failed(self, code: str, message: str) -> None:
        self.set_notice(f"{code}: {message}", error=True)
        self.data_changed.emit(ChangeSet.of("print", codes=(code,)))

    @Slot(object)
    def show_preview(self, doc: Any) -> PreviewDialog:
        dialog = PreviewDialog(doc, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.print_requested.connect(self._on_preview_print_requested)
        dialog.destroyed.connect(lambda: self.previews.remove(dialog))
        self.previews.append(dialog)
        dialog.open()
        return dialog

    @Slot(object)
    def _on_preview_print_requested(self, doc: Any) -> None:
        """Printing from the preview is a reprint of an archived document: ask why."""
        reason = self.home.ask_reason()
        if reason:
            self.print_flow.print_document(doc, reprint_reason=reason)

    # -- shutdown -----------------------------------------------------------------------
    def _on_postal_register_requested(self, item_id: int, item_code: str) -> None:
        if self.intake.start_postal_intake(item_id, item_code):
            self.tabs.setCurrentWidget(self.intake.view)
            self.intake.focus_first()

    def show_about(self) -> Any:
        return show_about(self, self.ctx)

    def shutdown(self) -> None:
        """Remove the scanner filter, cancel queued work and wait for running work."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scanner)
        self.scanner.flush()
        logging.getLogger().removeHandler(self.log_handler)
        if self.sync_status is not None:
            self.sync_status.stop()
        self.runner.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.intake.is_dirty() and not self.intake.confirm(
            "Đóng phần mềm? Hồ sơ đang nhập chưa được lưu sẽ mất."
        ):
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)
