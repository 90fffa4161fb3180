"""Digitised papers signed with the conversion mark (Luật Giao dịch điện tử 2023 Art. 12).

When a paper's scan or file is saved to a dossier, a copy signed by the clerk with the
conversion mark (converted by whom, when, from the original or a copy) is made in the
background: after OCR when OCR is on (the signature covers the searchable copy; OCR afterwards
would break it), with the clerk's token when the unit signs papers. The save never waits for
the token: a paper that cannot be signed now stays "chờ ký" and takes its signed copy when the
clerk signs the list later (:meth:`PaperSigning.attach_signed`, run in the transaction that
records the signature).

The signed copy goes into the attachment store like any other file and the row points to it
(``signed_sha256``): it is what the lookup shows and what the server receives (an
``attachment.put`` event naming it; the file itself is uploaded once by ``AttachmentSync``).
The signature is an incremental update, so the signed copy holds the unsigned bytes too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from motcua_desk.domain.digitisation import Source
from motcua_desk.domain.dossier import ChecklistItem, PaperForm
from motcua_desk.services.digitisation import (
    KIND_ATTACHMENT_PUT,
    PDF,
    DigitisationService,
    attachment_payload,
)
from motcua_desk.services.signing import CONVERSION, SigningService
from motcua_desk.storage.filestore import FileStore
from motcua_desk.storage.repositories.signed_documents import SignedDocument
from motcua_desk.storage.repositories.users import User
from motcua_desk.storage.uow import UnitOfWork, reading

log = logging.getLogger(__name__)

ORIGINAL = "original"
COPY = "copy"
#: The checklist row's form decides "from the original or a copy" (the catalogue's ``form``,
#: bản chính when the catalogue does not say).
_ORIGIN_OF_FORM = {
    PaperForm.ORIGINAL: ORIGINAL,
    PaperForm.SHOWN: ORIGINAL,  # a paper shown and scanned anyway is an original
    PaperForm.CERTIFIED_COPY: COPY,
    PaperForm.COPY: COPY,
}


def origin_of(item: ChecklistItem) -> str:
    return _ORIGIN_OF_FORM.get(item.form, ORIGINAL)


@dataclass(frozen=True, slots=True)
class PaperOutcome:
    """What happened to one saved paper after the save: OCR and the signed copy."""

    sync_id: str
    ocr_error: str | None = None  # code of an OCR failure (the scan is kept as it is)
    signature: SignedDocument | None = None  # None: the unit does not sign papers

    @property
    def waiting(self) -> bool:
        """Left "chờ ký" (token absent, locked, no PIN yet...)."""
        return self.signature is not None and self.signature.pending


class PaperSigning:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        signing: SigningService,
        digitisation: DigitisationService,
        clock: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._signing = signing
        self._digitisation = digitisation
        self._clock = clock
        signing.on_signed.append(self.attach_signed)

    @property
    def store(self) -> FileStore:
        return self._digitisation.store

    @property
    def enabled(self) -> bool:
        """The unit signs digitised papers and a token is configured on this PC."""
        return self._signing.wants(CONVERSION)

    def finish(self, sync_id: str, clerk: User, ocr_language: str | None) -> PaperOutcome:
        """After a paper is saved (background): OCR when ``ocr_language`` is given, then the
        signed copy. Never raises a token error; an OCR failure keeps the scan."""
        ocr_error = None
        if ocr_language:
            try:
                self._digitisation.run_ocr(sync_id, ocr_language)
            except Exception as exc:  # noqa: BLE001 - OCR is best effort; the paper is signed
                ocr_error = getattr(exc, "code", type(exc).__name__)
                log.info("OCR of a paper not done: %s", ocr_error)
        return PaperOutcome(sync_id, ocr_error, self.sign(sync_id, clerk))

    def sign(self, sync_id: str, clerk: User, origin: str | None = None) -> SignedDocument | None:
        """Queue the paper's current copy for signing with the conversion mark and sign it now
        when the token is open. ``origin`` overrides the checklist row's form (clerk's
        choice). None when the unit does not sign papers or the row has no file."""
        if not self.enabled:
            return None
        with reading(self._uow_factory) as uow:
            att = uow.attachments.by_sync_id(sync_id)
            dossier = uow.dossiers.get(att.dossier_id)
        sha = att.unsigned_sha256
        if not att.is_digitised or sha is None or att.source is Source.REUSED:
            return None
        item = dossier.checklist[att.position] if att.position < len(dossier.checklist) else None
        origin = origin or (origin_of(item) if item is not None else ORIGINAL)
        name = item.name if item is not None else (att.meta.paper_type or "Giấy tờ")
        doc = self._signing.submit_conversion(
            self.store.read(sha),
            title=f"{dossier.code} — {name}",
            origin=origin,
            clerk=clerk,
            dossier_id=dossier.id,
        )
        if not doc.pending and doc.signed_path is not None:
            # Already signed before (the same bytes, maybe in another dossier): this row takes
            # that signed copy too.
            with self._uow_factory() as uow:
                self._link(uow, doc, Path(doc.signed_path).read_bytes())
                uow.commit()
        return doc

    def attach_signed(self, uow: UnitOfWork, doc: SignedDocument, data: bytes) -> None:
        """Hook of :class:`SigningService`: a conversion just signed (or upgraded) becomes the
        signed copy of every row holding its unsigned bytes (the same scan may be attached
        to more than one dossier)."""
        if doc.doc_type == CONVERSION:
            self._link(uow, doc, data)

    def _link(self, uow: UnitOfWork, doc: SignedDocument, data: bytes) -> None:
        rows = [
            a
            for a in uow.attachments.holding(doc.source_sha256)
            if a.source is not Source.REUSED and a.unsigned_sha256 == doc.source_sha256
        ]
        if not rows:
            return
        put = self.store.put_bytes(data)
        uow.attachments.register_file(put.sha256, put.size, PDF, rows[0].pages)
        now = self._clock()
        for a in rows:
            if a.signed_sha256 == put.sha256:
                continue
            saved = uow.attachments.set_signed(a.sync_id, put.sha256)
            dossier = uow.dossiers.get(a.dossier_id)
            uow.outbox.append(
                KIND_ATTACHMENT_PUT, saved.sync_id, attachment_payload(saved, dossier.sync_id), now
            )
