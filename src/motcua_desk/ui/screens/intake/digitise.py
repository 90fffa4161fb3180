"""The digitisation dialog of one checklist row: scan, choose or drop files, arrange the pages
(drag to reorder, turn, delete, rescan one page), fill in the paper's metadata, keep the draft.

Scanning and file checks run on the runner's I/O lane; the page counter is updated from the
scanner's per-page callback through a queued signal, so the window never waits for the
scanner. A fault (jam, empty feeder, no scanner, bad file) shows its Vietnamese message and
keeps every page already in the draft.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.domain.digitisation import (
    DraftPage,
    PaperMeta,
    Source,
    check_required,
    delete_page,
    parse_required,
    replace_page,
    rotate_page,
)
from motcua_desk.domain.text import normalize
from motcua_desk.imaging.port import ScanControl
from motcua_desk.services.digitisation import PaperDraft, ScanOutcome, scanner_from_settings
from motcua_desk.ui import strings
from motcua_desk.ui.fit import MessageBanner
from motcua_desk.ui.operations import Lane, QueryOp
from motcua_desk.ui.tasks import TaskRunner

from .form import format_date, parse_date

log = logging.getLogger(__name__)

PAGE_ROLE = Qt.ItemDataRole.UserRole + 20
FILE_FILTER = "Giấy tờ (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;Mọi tệp (*)"
THUMB = QSize(96, 128)


class _Progress(QObject):
    """Carries the scanner's per-page callback (worker thread) to the GUI thread."""

    page = Signal(int)


class DigitiseDialog(QDialog):
    def __init__(
        self,
        service: Any,
        runner: TaskRunner,
        settings: Any,
        paper_name: str,
        draft: PaperDraft | None = None,
        parent: QWidget | None = None,
        recorded: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("digitise_dialog")
        self.setWindowTitle(f"Số hóa giấy tờ: {paper_name}")
        self.setAcceptDrops(True)
        self.service = service
        self.runner = runner
        self.settings = settings
        self.pages: tuple[DraftPage, ...] = draft.pages if draft else ()
        self.source = draft.source if draft and draft.pages else Source.SCANNED
        self.scanning = False
        self._control: ScanControl | None = None
        self._rescan_at: int | None = None
        self._straightening = 0  # scanned pages being deskewed / turned upright
        self._thumbs: dict[DraftPage, QPixmap] = {}
        self._progress = _Progress(self)
        self._progress.page.connect(self._on_page)

        self.message = MessageBanner("digitise_message")
        self.page_list = QListWidget()
        self.page_list.setObjectName("page_list")
        self.page_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.page_list.setIconSize(THUMB)
        self.page_list.setMovement(QListWidget.Movement.Snap)
        self.page_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.page_list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.page_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.page_list.setMinimumSize(560, 300)
        self.page_list.model().rowsMoved.connect(self._on_rows_moved)
        self.progress = QLabel("")
        self.progress.setObjectName("scan_progress")

        self.scan_button = QPushButton("Quét")
        self.file_button = QPushButton("Chọn tệp…")
        self.stop_button = QPushButton("Dừng quét")
        self.rotate_button = QPushButton("Xoay phải")
        self.delete_button = QPushButton("Xóa trang")
        self.rescan_button = QPushButton("Quét lại trang")
        self.stop_button.setEnabled(False)
        tools = QHBoxLayout()
        for b in (
            self.scan_button,
            self.file_button,
            self.stop_button,
            self.rotate_button,
            self.delete_button,
            self.rescan_button,
        ):
            tools.addWidget(b)
        tools.addStretch(1)

        meta = draft.meta if draft else PaperMeta(paper_type=paper_name)
        self.paper_type = QLineEdit(meta.paper_type or paper_name)
        self.number = QLineEdit(meta.number)
        self.issuer = QLineEdit(meta.issuer)
        self.issued_on = QLineEdit(format_date(meta.issued_on))
        self.valid_until = QLineEdit(format_date(meta.valid_until))
        for edit in (self.issued_on, self.valid_until):
            edit.setPlaceholderText("dd/mm/yyyy")
        self.valid_until.setPlaceholderText("dd/mm/yyyy (để trống: không thời hạn)")
        fields = QFormLayout()
        fields.addRow("Loại giấy tờ", self.paper_type)
        fields.addRow("Số, ký hiệu", self.number)
        fields.addRow("Cơ quan cấp", self.issuer)
        fields.addRow("Ngày cấp", self.issued_on)
        fields.addRow("Có hiệu lực đến", self.valid_until)
        # Who digitised the paper and when are recorded by the app on saving (TT 01/2023).
        self.recorded = QLabel(recorded or "Ghi tự động khi lưu (người đăng nhập, thời điểm lưu).")
        self.recorded.setObjectName("digitised_by")
        self.recorded.setWordWrap(True)
        fields.addRow("Người số hóa", self.recorded)

        self.save_button = QPushButton("Lưu bản số hóa")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Hủy")
        actions = QHBoxLayout()
        actions.addWidget(QLabel("Kéo thả để đổi thứ tự trang; kéo tệp vào đây để thêm."))
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        actions.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(tools)
        layout.addWidget(self.progress)
        layout.addWidget(self.page_list, 1)
        layout.addLayout(fields)
        layout.addLayout(actions)

        self.scan_button.clicked.connect(self.scan)
        self.file_button.clicked.connect(self.choose_files)
        self.stop_button.clicked.connect(self.stop)
        self.rotate_button.clicked.connect(self.rotate_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.rescan_button.clicked.connect(self.rescan_current)
        self.save_button.clicked.connect(self.try_accept)
        self.cancel_button.clicked.connect(self.reject)
        #: Replaceable in tests: returns the chosen paths.
        self.pick_files: Callable[[], list[Path]] = self._pick_files
        self._refresh()

    # -- pages ------------------------------------------------------------------------------
    def _refresh(self) -> None:
        current = self.page_list.currentRow()
        self.page_list.clear()
        for i, page in enumerate(self.pages):
            item = QListWidgetItem(f"Trang {i + 1}")
            item.setData(PAGE_ROLE, page)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
            pixmap = self._thumbs.get(page)
            if pixmap is not None:
                item.setIcon(QIcon(pixmap))
            else:
                self._load_thumb(page)
            self.page_list.addItem(item)
        if self.pages:
            self.page_list.setCurrentRow(max(0, min(current, len(self.pages) - 1)))
        has = bool(self.pages)
        for b in (self.rotate_button, self.delete_button, self.rescan_button):
            b.setEnabled(has and not self.scanning)
        self.save_button.setEnabled(has and not self.scanning and not self._straightening)
        self.scan_button.setEnabled(not self.scanning)
        self.file_button.setEnabled(not self.scanning)
        self.stop_button.setEnabled(self.scanning)

    def _load_thumb(self, page: DraftPage) -> None:
        def done(png: bytes) -> None:
            pixmap = QPixmap()
            if pixmap.loadFromData(png):
                self._thumbs[page] = pixmap
                for i in range(self.page_list.count()):
                    item = self.page_list.item(i)
                    if item.data(PAGE_ROLE) == page:
                        item.setIcon(QIcon(pixmap))

        def failed(exc: BaseException) -> None:
            log.warning("thumbnail failed: %r", exc)

        QueryOp[bytes](
            self.runner, lambda: self.service.page_thumbnail(page, THUMB.width()), lane=Lane.IO
        ).success(done).failure(failed).run_in_background()

    def _on_rows_moved(self, *_: Any) -> None:
        self.pages = tuple(
            self.page_list.item(i).data(PAGE_ROLE) for i in range(self.page_list.count())
        )
        for i in range(self.page_list.count()):
            self.page_list.item(i).setText(f"Trang {i + 1}")

    def move_page(self, src: int, dst: int) -> None:
        """What a drag in the page list does (also callable from tests)."""
        from motcua_desk.domain.digitisation import move_page

        self.pages = move_page(self.pages, src, dst)
        self._refresh()

    def rotate_current(self) -> None:
        i = self.page_list.currentRow()
        if 0 <= i < len(self.pages):
            self.pages = rotate_page(self.pages, i, 90)
            self.page_list.setCurrentRow(i)
            self._refresh()

    def delete_current(self) -> None:
        i = self.page_list.currentRow()
        if 0 <= i < len(self.pages):
            self.pages = delete_page(self.pages, i)
            self._refresh()

    # -- scanning ---------------------------------------------------------------------------
    def scan(self) -> None:
        self._start_scan(None)

    def rescan_current(self) -> None:
        i = self.page_list.currentRow()
        if 0 <= i < len(self.pages):
            self._start_scan(i)

    def _start_scan(self, replace_at: int | None) -> None:
        if self.scanning:
            return
        scanner, device, scan_settings = scanner_from_settings(self.settings)
        if replace_at is not None:
            from dataclasses import replace

            from motcua_desk.imaging.port import PaperSource

            scan_settings = replace(scan_settings, max_pages=1, source=PaperSource.AUTO)
        self._rescan_at = replace_at
        self._control = ScanControl(on_page=lambda n, _p: self._progress.page.emit(n))
        self.scanning = True
        self.message.setText("")
        self.progress.setText("Đang quét…")
        self._refresh()
        control = self._control
        QueryOp[ScanOutcome](
            self.runner,
            lambda: self.service.scan(scanner, device, scan_settings, control),
            lane=Lane.IO,
        ).success(self._on_scanned).failure(self._on_failed).run_in_background()

    def _on_page(self, n: int) -> None:
        self.progress.setText(f"Đang quét… đã quét {n} trang")

    def stop(self) -> None:
        if self._control is not None:
            self._control.cancel.set()

    def _on_scanned(self, outcome: ScanOutcome) -> None:
        self.scanning = False
        new = outcome.pages
        if new:
            if self._rescan_at is not None and self._rescan_at < len(self.pages):
                new = new[:1]
                self.pages = replace_page(self.pages, self._rescan_at, new)
            else:
                self.pages = self.pages + new
                self.source = Source.SCANNED
        self.progress.setText(f"Đã quét {len(outcome.pages)} trang.")
        if outcome.error is not None:
            self.message.show_message(strings.exception_message(outcome.error), kind="error")
        self._refresh()
        self._straighten(new)

    def _straighten(self, pages: tuple[DraftPage, ...]) -> None:
        """Deskew and turn upright each new scanned page on the I/O lane (settings
        ``scan_deskew``, ``scan_auto_rotate``); the clerk sees the result and can turn it back.
        Saving waits until it is done."""
        deskew = bool(getattr(self.settings, "scan_deskew", False))
        rotate = bool(getattr(self.settings, "scan_auto_rotate", False))
        if not pages or not (deskew or rotate):
            return
        service = self.service
        for page in pages:
            self._straightening += 1

            def done(new: DraftPage, old: DraftPage = page) -> None:
                self._straightening -= 1
                if new != old and old in self.pages:
                    i = self.pages.index(old)
                    self.pages = (*self.pages[:i], new, *self.pages[i + 1 :])
                self._straightened()

            def failed(exc: BaseException) -> None:
                self._straightening -= 1
                log.warning("page not straightened: %r", exc)
                self._straightened()

            QueryOp[DraftPage](
                self.runner,
                lambda p=page: service.straighten(p, deskew=deskew, rotate=rotate),  # type: ignore[misc]
                lane=Lane.IO,
            ).success(done).failure(failed).run_in_background()
        self.progress.setText(f"{self.progress.text()} Đang làm thẳng và xoay đúng chiều trang…")

    def _straightened(self) -> None:
        if not self._straightening:
            self.progress.setText(f"Đã quét và làm thẳng {len(self.pages)} trang.")
        self._refresh()

    def _on_failed(self, exc: BaseException) -> None:
        self.scanning = False
        self.progress.setText("")
        self.message.show_message(strings.exception_message(exc), kind="error")
        self._refresh()

    # -- files ------------------------------------------------------------------------------
    def _pick_files(self) -> list[Path]:
        names = QFileDialog.getOpenFileNames(self, "Chọn tệp", "", FILE_FILTER)[0]
        return [Path(n) for n in names]

    def choose_files(self) -> None:
        self.add_files(self.pick_files())

    def add_files(self, paths: list[Path]) -> None:
        """Check each file on the I/O lane; good ones add their pages, bad ones say why."""
        for path in paths:

            def done(pages: tuple[DraftPage, ...]) -> None:
                if not self.pages:
                    self.source = Source.IMPORTED
                self.pages = self.pages + pages
                self._refresh()

            def failed(exc: BaseException, name: str = path.name) -> None:
                self.message.show_message(f"{name}: {strings.exception_message(exc)}", kind="error")

            QueryOp[tuple[DraftPage, ...]](self.runner, self._importer(path), lane=Lane.IO).success(
                done
            ).failure(failed).run_in_background()

    def _importer(self, path: Path) -> Callable[[], Any]:
        return lambda: self.service.import_file(path)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)
        else:
            super().dropEvent(event)

    # -- result -----------------------------------------------------------------------------
    def read_meta(self) -> PaperMeta | None:
        try:
            issued = parse_date(self.issued_on.text())
        except ValueError:
            self.message.show_message("Ngày cấp không đúng dạng dd/mm/yyyy.", kind="error")
            return None
        try:
            valid = parse_date(self.valid_until.text())
        except ValueError:
            self.message.show_message("Ngày hết hiệu lực không đúng dạng dd/mm/yyyy.", kind="error")
            return None
        meta = PaperMeta(
            normalize(self.paper_type.text()),
            normalize(self.number.text()),
            normalize(self.issuer.text()),
            issued,
            valid,
        )
        try:
            meta = meta.normalised()
            required = getattr(self.settings, "digitisation_required_fields", "")
            check_required(meta, parse_required(required))
            return meta
        except Exception as exc:  # InvalidMetadataError, MetadataRequiredError
            self.message.show_message(strings.exception_message(exc), kind="error")
            return None

    def try_accept(self) -> None:
        if not self.pages:
            self.message.show_message(strings.error_message("digitisation_no_pages"), kind="error")
            return
        if self.read_meta() is not None:
            self.accept()

    def result_draft(self) -> PaperDraft | None:
        meta = self.read_meta()
        if meta is None or not self.pages:
            return None
        return PaperDraft(self.pages, meta, self.source)

    def reject(self) -> None:
        self.stop()
        super().reject()

    def done(self, result: int) -> None:
        """However the dialog ends (also when its window closes), a running scan stops."""
        self.stop()
        super().done(result)
