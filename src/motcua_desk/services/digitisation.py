"""Digitisation at intake (số hóa; NĐ 61/2018 Art. 17(1), NĐ 118/2025 Art. 17; issue 15).

A clerk builds a *draft* for one checklist row from scans and files (pages kept in a draft store
so a jam or a cancelled scan never loses what was already scanned), reorders, turns and deletes
pages, then :meth:`DigitisationService.save` assembles one PDF, stores it content-addressed and
records the attachment with its metadata and the outbox event in one transaction. A row can
instead be marked "shown only" (not digitised) or take a paper digitised before for the same
applicant (reuse). OCR runs afterwards, off the GUI thread, and never blocks the save.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua_desk.config import Settings
from motcua_desk.domain.digitisation import (
    Attachment,
    Completeness,
    DigitisationError,
    DraftPage,
    OcrState,
    PaperMeta,
    ReplacedCopy,
    Source,
    completeness,
    share_fully_digitised,
)
from motcua_desk.imaging.errors import (
    OcrFailedError,
    ScannerError,
    ScannerNotFoundError,
    ScannerUnavailableError,
)
from motcua_desk.imaging.port import ScanControl, Scanner, ScanSettings
from motcua_desk.storage.errors import NotFoundError
from motcua_desk.storage.filestore import FileStore
from motcua_desk.storage.uow import UnitOfWork, reading

if TYPE_CHECKING:
    from motcua_desk.imaging.assemble import PageSource
    from motcua_desk.imaging.fileimport import ImportLimits

log = logging.getLogger(__name__)

PDF = "application/pdf"
# img2pdf, pikepdf, Pillow, pypdfium2 and ocrmypdf are imported when first needed: the counter
# opens without them (tests/ops/test_startup_imports.py).

KIND_ATTACHMENT_PUT = "attachment.put"
KIND_ATTACHMENT_REMOVED = "attachment.removed"


@dataclass(frozen=True, slots=True)
class PaperDraft:
    """What the clerk prepared for one checklist row before the dossier is saved: pages and
    metadata, or the sync id of a paper digitised before (reuse)."""

    pages: tuple[DraftPage, ...] = ()
    meta: PaperMeta = PaperMeta()
    source: Source = Source.SCANNED
    reuse_sync_id: str | None = None


def scanner_from_settings(settings: Settings) -> tuple[Scanner | None, str, ScanSettings]:
    """The configured scanner adapter, device name and scan settings (no device opened)."""
    from motcua_desk.imaging.port import ColourMode, PaperSource

    scan = ScanSettings(
        resolution=settings.scan_resolution,
        mode=ColourMode(settings.scan_mode),
        source=PaperSource(settings.scan_source),
    )
    scanner: Scanner | None
    if settings.scanner_adapter == "sane":
        from motcua_desk.imaging.sane import ScanimageScanner

        scanner = ScanimageScanner()
    elif settings.scanner_adapter == "wia":
        from motcua_desk.imaging.windows import WiaScanner

        scanner = WiaScanner()
    elif settings.scanner_adapter == "twain":
        from motcua_desk.imaging.windows import TwainScanner

        scanner = TwainScanner()
    else:
        scanner = None
    return scanner, settings.scanner_device, scan


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """Pages scanned (kept even when the scanner stopped) and the fault, if any."""

    pages: tuple[DraftPage, ...]
    error: ScannerError | None = None


def attachment_payload(a: Attachment, dossier_sync_id: str) -> dict[str, Any]:
    def iso(d: date | None) -> str | None:
        return None if d is None else d.isoformat()

    return {
        "sync_id": a.sync_id,
        "dossier_sync_id": dossier_sync_id,
        "position": a.position,
        "source": a.source.value,
        "paper_type": a.meta.paper_type,
        "number": a.meta.number,
        "issuer": a.meta.issuer,
        "issued_on": iso(a.meta.issued_on),
        "valid_until": iso(a.meta.valid_until),
        "digitised_by": a.digitised_by,
        "digitised_at": a.digitised_at.isoformat(),
        "sha256": a.file_sha256,
        "ocr_sha256": a.ocr_sha256,
        "signed_sha256": a.signed_sha256,
        "size": a.size,
        "pages": a.pages,
        "media_type": a.media_type,
        "reused_from": a.reused_from,
        "applicant_id_number": a.applicant_id_number,
        # The two flags per paper of the provincial systems (DuocSoHoa, DuocLayTuKho).
        "digitised": a.is_digitised,
        "taken_from_store": a.source is Source.REUSED,
    }


class DigitisationService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        store: FileStore,
        drafts: FileStore,
        clock: Callable[[], datetime],
        limits: ImportLimits | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self.store = store
        self.drafts = drafts
        self._clock = clock
        self._limits = limits

    # --- building a draft ------------------------------------------------------------------

    def scan(
        self, scanner: Scanner | None, device: str, settings: ScanSettings, control: ScanControl
    ) -> ScanOutcome:
        """Scan into the draft store; a fault returns the pages scanned before it. An empty
        ``device`` takes the first scanner found."""
        if scanner is None:
            return ScanOutcome((), ScannerUnavailableError(adapter="none"))
        if not device:
            try:
                found = scanner.devices()
            except ScannerError as exc:
                return ScanOutcome((), exc)
            if not found:
                return ScanOutcome((), ScannerNotFoundError(device=""))
            device = found[0].name
        work = Path(tempfile.mkdtemp(prefix="scan-", dir=self._work_dir()))
        try:
            try:
                batch = scanner.scan(device, settings, work, control)
            except ScannerError as exc:
                return ScanOutcome((), exc)
            pages = tuple(
                DraftPage(self.drafts.put_file(p).sha256, 0, 0, "image/png") for p in batch.pages
            )
            return ScanOutcome(pages, batch.error)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def import_file(self, path: Path) -> tuple[DraftPage, ...]:
        """Check a chosen file by its content and add its pages to the draft store."""
        from motcua_desk.imaging.assemble import PageSource, assemble
        from motcua_desk.imaging.fileimport import ImportLimits, inspect_file

        info = inspect_file(path, self._limits or ImportLimits())
        with tempfile.TemporaryDirectory(dir=self._work_dir()) as tmp:
            # A trial assembly: what img2pdf or qpdf cannot take is refused now, not at save.
            trial = [PageSource(path, info.media_type, i) for i in range(info.pages)]
            assemble(trial, Path(tmp) / "trial.pdf")
        sha = self.drafts.put_file(path).sha256
        return tuple(DraftPage(sha, i, 0, info.media_type) for i in range(info.pages))

    def straighten(self, page: DraftPage, *, deskew: bool = True, rotate: bool = True) -> DraftPage:
        """The scanned page deskewed (a new draft image) and turned upright (its lossless turn),
        see imaging/straighten.py; a page that is not a single image comes back unchanged."""
        from motcua_desk.imaging.straighten import deskew_image, detect_turn

        if page.media_type not in ("image/png", "image/jpeg") or page.index != 0:
            return page
        source = self._source(page).path
        out = page
        with tempfile.TemporaryDirectory(dir=self._work_dir()) as tmp:
            straight = Path(tmp) / "straight.png"
            if deskew and deskew_image(source, straight):
                out = DraftPage(
                    self.drafts.put_file(straight).sha256, 0, page.rotation, "image/png"
                )
                source = straight
            if rotate:
                turn = detect_turn(source)
                if turn:
                    out = DraftPage(out.sha256, 0, (out.rotation + turn) % 360, out.media_type)
        return out

    def page_thumbnail(self, page: DraftPage, width: int = 160) -> bytes:
        """A PNG of one draft page as it will be saved (turn included)."""
        from motcua_desk.imaging.assemble import assemble, thumbnail_png

        with tempfile.TemporaryDirectory(dir=self._work_dir()) as tmp:
            out = Path(tmp) / "page.pdf"
            assemble([self._source(page)], out)
            return thumbnail_png(out, 0, width)

    def thumbnail(self, sha256: str, width: int = 160) -> bytes:
        from motcua_desk.imaging.assemble import thumbnail_png

        return thumbnail_png(self.store.path_of(sha256), 0, width)

    def _work_dir(self) -> Path:
        d = self.drafts.root / "work"
        d.mkdir(parents=True, exist_ok=True)
        return d

    def _source(self, page: DraftPage) -> PageSource:
        from motcua_desk.imaging.assemble import PageSource

        path = self.drafts.path_of(page.sha256)
        if not path.is_file():
            path = self.store.path_of(page.sha256)
        return PageSource(path, page.media_type, page.index, page.rotation)

    # --- saving -----------------------------------------------------------------------------

    def save(
        self,
        dossier_id: int,
        position: int,
        pages: Sequence[DraftPage],
        meta: PaperMeta,
        clerk: str,
        source: Source = Source.SCANNED,
        reason: str = "",
    ) -> Attachment:
        """One PDF for the paper, stored once, attached with its metadata and outbox event; a
        copy the row had is kept in its history with ``reason`` (digitising after intake)."""
        if not pages:
            raise DigitisationError("digitisation_no_pages")
        if source not in (Source.SCANNED, Source.IMPORTED):
            raise DigitisationError(source=source.value)
        meta = meta.normalised()
        from motcua_desk.imaging.assemble import assemble

        with tempfile.TemporaryDirectory(dir=self._work_dir()) as tmp:
            out = Path(tmp) / "paper.pdf"
            count = assemble([self._source(p) for p in pages], out)
            put = self.store.put_file(out)
        now = self._clock()
        with self._uow_factory() as uow:
            dossier = row_dossier(uow, dossier_id, position)
            uow.attachments.register_file(put.sha256, put.size, PDF, count)
            att = put_attachment(
                uow,
                Attachment(
                    dossier_id=dossier_id,
                    position=position,
                    source=source,
                    meta=meta,
                    digitised_by=clerk,
                    digitised_at=now,
                    file_sha256=put.sha256,
                    applicant_id_number=dossier.applicant.id_number,
                ),
                dossier.sync_id,
                now,
                reason,
            )
            uow.commit()
        log.info("paper digitised: dossier %s row %s, %d pages", dossier_id, position, count)
        return att

    def save_drafts(
        self, dossier_id: int, drafts: dict[int, PaperDraft], clerk: str
    ) -> list[Attachment]:
        """Save what was prepared at intake once the dossier exists; each row on its own, so
        one bad row does not lose the others (its error is raised after the rest are saved)."""
        saved: list[Attachment] = []
        first_error: Exception | None = None
        for position, draft in sorted(drafts.items()):
            try:
                if draft.reuse_sync_id:
                    saved.append(self.reuse(dossier_id, position, draft.reuse_sync_id, clerk))
                elif draft.source is Source.SHOWN_ONLY:
                    saved.append(self.mark_shown_only(dossier_id, position, clerk))
                else:
                    saved.append(
                        self.save(
                            dossier_id, position, draft.pages, draft.meta, clerk, draft.source
                        )
                    )
            except Exception as exc:  # noqa: BLE001 - kept and re-raised after the other rows
                log.warning("paper %s of dossier %s not saved: %r", position, dossier_id, exc)
                first_error = first_error or exc
        if first_error is not None:
            raise first_error
        return saved

    def mark_shown_only(self, dossier_id: int, position: int, clerk: str) -> Attachment:
        """The paper was only shown (xuất trình): recorded, not digitised."""
        now = self._clock()
        with self._uow_factory() as uow:
            dossier = row_dossier(uow, dossier_id, position)
            att = put_attachment(
                uow,
                Attachment(
                    dossier_id=dossier_id,
                    position=position,
                    source=Source.SHOWN_ONLY,
                    meta=PaperMeta(),
                    digitised_by=clerk,
                    digitised_at=now,
                    applicant_id_number=dossier.applicant.id_number,
                ),
                dossier.sync_id,
                now,
            )
            uow.commit()
        return att

    def reuse(self, dossier_id: int, position: int, from_sync_id: str, clerk: str) -> Attachment:
        """Attach a paper digitised before for the same applicant instead of scanning again."""
        now = self._clock()
        with self._uow_factory() as uow:
            dossier = row_dossier(uow, dossier_id, position)
            old = uow.attachments.by_sync_id(from_sync_id)
            if old.applicant_id_number != dossier.applicant.id_number or not old.is_digitised:
                raise DigitisationError("digitisation_error", reason="not_same_applicant")
            if old.file_sha256 is None or not self.store.has(old.file_sha256):
                raise NotFoundError(entity="stored_file", sha256=old.file_sha256 or "")
            att = put_attachment(
                uow,
                Attachment(
                    dossier_id=dossier_id,
                    position=position,
                    source=Source.REUSED,
                    meta=old.meta,
                    digitised_by=clerk,
                    digitised_at=now,
                    file_sha256=old.file_sha256,
                    ocr_sha256=old.ocr_sha256,
                    ocr_state=old.ocr_state,
                    signed_sha256=old.signed_sha256,
                    reused_from=old.sync_id,
                    applicant_id_number=dossier.applicant.id_number,
                ),
                dossier.sync_id,
                now,
            )
            uow.commit()
        return att

    def remove(self, dossier_id: int, position: int, clerk: str = "", reason: str = "") -> bool:
        """Detach a row's copy; it is kept in the row's history (the file stays stored)."""
        now = self._clock()
        with self._uow_factory() as uow:
            dossier = uow.dossiers.get(dossier_id)
            current = [a for a in uow.attachments.for_dossier(dossier_id) if a.position == position]
            if not current:
                return False
            uow.attachments.remove(dossier_id, position)
            retire(uow, current[0], dossier.sync_id, now, clerk or "system", reason)
            uow.commit()
        return True

    def history(self, dossier_id: int) -> list[ReplacedCopy]:
        """Copies replaced or removed on this dossier, oldest first."""
        with reading(self._uow_factory) as uow:
            return uow.attachments.history(dossier_id)

    # --- reading ----------------------------------------------------------------------------

    def attachments(self, dossier_id: int) -> list[Attachment]:
        with reading(self._uow_factory) as uow:
            return uow.attachments.for_dossier(dossier_id)

    def offers(self, id_number: str, exclude_dossier: int | None = None) -> list[Attachment]:
        """Papers digitised before for this applicant on this counter, newest first, one per file."""
        with reading(self._uow_factory) as uow:
            found = uow.attachments.for_applicant(id_number, exclude_dossier=exclude_dossier)
        seen: set[str] = set()
        out = []
        for a in found:
            if a.file_sha256 and a.file_sha256 not in seen and self.store.has(a.file_sha256):
                seen.add(a.file_sha256)
                out.append(a)
        return out

    def completeness(self, dossier_id: int) -> Completeness:
        with reading(self._uow_factory) as uow:
            dossier = uow.dossiers.get(dossier_id)
            return completeness(dossier.checklist, uow.attachments.for_dossier(dossier_id))

    def share_fully_digitised(self, dossier_ids: Sequence[int]) -> tuple[int, int]:
        """(fully digitised, counted) over ``dossier_ids`` — for the ledger and reports."""
        with reading(self._uow_factory) as uow:
            by_id = uow.attachments.for_dossiers(dossier_ids)
            values = [
                completeness(uow.dossiers.get(i).checklist, by_id.get(i, [])) for i in dossier_ids
            ]
        return share_fully_digitised(values)

    def period_share(self, date_from: date, date_to: date) -> tuple[int, int]:
        """(fully digitised, received) for dossiers received on office dates in the range; a
        dossier refused at intake (Mẫu 03) is not counted. QĐ 766 indicator 4.2."""
        from motcua_desk.domain.dossier import Status
        from motcua_desk.services.ledger import check_range, utc_bounds

        check_range(date_from, date_to)
        start, end = utc_bounds(date_from, date_to)
        with reading(self._uow_factory) as uow:
            ids = uow.attachments.dossiers_received(start, end, int(Status.REFUSED))
        return self.share_fully_digitised(ids)

    # --- OCR (background) -------------------------------------------------------------------

    def run_ocr(self, sync_id: str, language: str = "vie") -> Attachment:
        """Make the attachment's PDF searchable; a failure leaves the scan as it is."""
        from motcua_desk.imaging.ocr import ocr_pdf

        with self._uow_factory() as uow:
            att = uow.attachments.set_ocr(sync_id, OcrState.PENDING)
            uow.commit()
        if att.file_sha256 is None:
            raise DigitisationError(reason="nothing_to_ocr")
        with tempfile.TemporaryDirectory(dir=self._work_dir()) as tmp:
            out = Path(tmp) / "ocr.pdf"
            try:
                made = ocr_pdf(self.store.path_of(att.file_sha256), out, language=language)
            except OcrFailedError:
                with self._uow_factory() as uow:
                    uow.attachments.set_ocr(sync_id, OcrState.FAILED)
                    uow.commit()
                raise
            put = self.store.put_file(out) if made else None
        now = self._clock()
        with self._uow_factory() as uow:
            if put is not None:
                uow.attachments.register_file(put.sha256, put.size, PDF, att.pages)
            done = uow.attachments.set_ocr(sync_id, OcrState.DONE, put.sha256 if put else None)
            dossier = uow.dossiers.get(done.dossier_id)
            uow.outbox.append(
                KIND_ATTACHMENT_PUT, done.sync_id, attachment_payload(done, dossier.sync_id), now
            )
            uow.commit()
        return done

    def discard_drafts(self) -> None:
        """Drop draft pages (after a save, or at start: drafts never outlive a session)."""
        shutil.rmtree(self.drafts.root, ignore_errors=True)


def row_dossier(uow: UnitOfWork, dossier_id: int, position: int) -> Any:
    """The dossier whose checklist has row ``position`` (else a typed error)."""
    dossier = uow.dossiers.get(dossier_id)
    if not 0 <= position < len(dossier.checklist):
        raise DigitisationError("digitisation_page_operation", position=position)
    return dossier


def put_attachment(
    uow: UnitOfWork,
    attachment: Attachment,
    dossier_sync_id: str,
    now: datetime,
    reason: str = "",
) -> Attachment:
    """Store a row's copy and queue its ``attachment.put`` event in the same transaction.

    A copy the row already had is not lost: it goes to the row's history with who replaced it,
    when and why (audited), and the server is told it was removed (``attachment.removed``)."""
    previous = [
        a
        for a in uow.attachments.for_dossier(attachment.dossier_id)
        if a.position == attachment.position
    ]
    saved = uow.attachments.put(attachment)
    for old in previous:
        if old.sync_id != saved.sync_id:
            retire(uow, old, dossier_sync_id, now, attachment.digitised_by, reason, saved.sync_id)
    uow.outbox.append(
        KIND_ATTACHMENT_PUT, saved.sync_id, attachment_payload(saved, dossier_sync_id), now
    )
    return saved


def retire(
    uow: UnitOfWork,
    old: Attachment,
    dossier_sync_id: str,
    now: datetime,
    clerk: str,
    reason: str,
    replacement: str | None = None,
) -> None:
    """Keep a row's previous copy in its history, audit it and tell the server."""
    uow.attachments.archive(
        old, replaced_at=now, replaced_by=clerk, reason=reason, replacement_sync_id=replacement
    )
    uow.audit.append(
        actor=clerk,
        action="attachment.replace" if replacement else "attachment.remove",
        entity="dossier_attachment",
        entity_id=old.sync_id,
        detail={
            "dossier_id": old.dossier_id,
            "position": old.position,
            "source": old.source.value,
            "sha256": old.file_sha256,
            "replacement": replacement,
            "reason": reason,
        },
        at=now,
    )
    uow.outbox.append(
        KIND_ATTACHMENT_REMOVED,
        old.sync_id,
        {"sync_id": old.sync_id, "dossier_sync_id": dossier_sync_id, "replaced_by": replacement},
        now,
    )
