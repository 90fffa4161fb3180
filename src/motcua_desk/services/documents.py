"""Rendering, archiving and the print ledger of the counter's documents.

The PDF is the record: every rendering is archived under
``archive/<yyyy>/<mm>/`` with its sha256, and every print attempt is a row of the print ledger
(document, dossier, printer, time, outcome, reprint reason). A failed print is not an issued
receipt: the dossier stays on the home page's "not yet printed" list.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import Dossier
from motcua_desk.domain.errors import DomainError, ValidationFailedError
from motcua_desk.domain.text import normalize
from motcua_desk.services.changes import PRINT, Changed, ChangeSet
from motcua_desk.services.clock import utc_now
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.repositories.print_jobs import PrintJob
from motcua_desk.storage.repositories.users import User
from motcua_desk.storage.uow import UnitOfWork, reading

PRINTED_OUTCOMES = frozenset({"sent", "confirmed"})


class UnknownDocumentError(DomainError):
    code = "unknown_document"


@dataclass(frozen=True)
class RenderedDocument:
    doc_type: str
    dossier_id: int
    dossier_code: str
    pdf: bytes
    sha256: str
    path: Path
    paper: str
    printer: str


class DocumentService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        settings: SettingsStore,
        paths: AppPaths,
        clock: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._settings = settings
        self._paths = paths
        self._clock = clock

    def render(
        self, doc_type: str, dossier: Dossier, *, layout: str | None = None
    ) -> RenderedDocument:
        """Render ``doc_type`` for ``dossier`` and archive the PDF (idempotent per content)."""
        # Printing (ReportLab) loads with the first slip, not at start-up.
        from motcua_desk.services.ledger import entry_number
        from motcua_desk.services.slip_data import DEFAULT_PAPER, SlipContext, build_slip

        if doc_type not in DEFAULT_PAPER:
            raise UnknownDocumentError(doc_type=doc_type)
        s = self._settings.current
        paper = layout or s.paper_sizes.get(doc_type) or DEFAULT_PAPER[doc_type]
        assert dossier.id is not None
        with reading(self._uow_factory) as uow:
            people = {u.username: u.full_name for u in uow.users.list()}
            timeline = uow.dossiers.timeline(dossier.id)
            entry = entry_number(uow, dossier.id, dossier.received_at)
        ctx = SlipContext(
            settings=s,
            clerk_name=people.get(dossier.clerk_username, dossier.clerk_username),
            timeline=tuple(timeline),
            now=self._clock(),
            people=people,
            ledger_entry=entry,
        )
        pdf = build_slip(doc_type, dossier, ctx, paper)
        digest = hashlib.sha256(pdf).hexdigest()
        path = self._archive(dossier, doc_type, pdf, digest)
        return RenderedDocument(
            doc_type=doc_type,
            dossier_id=dossier.id,
            dossier_code=dossier.code,
            pdf=pdf,
            sha256=digest,
            path=path,
            paper=paper,
            printer=s.printers.get(doc_type, ""),
        )

    def _archive(self, dossier: Dossier, doc_type: str, pdf: bytes, digest: str) -> Path:
        at = dossier.received_at
        folder = self._paths.archive_dir / f"{at:%Y}" / f"{at:%m}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{dossier.code}_{doc_type}_{digest[:12]}.pdf"
        if not path.exists():
            tmp = path.with_suffix(".tmp")
            with open(tmp, "wb") as fh:
                fh.write(pdf)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(path)
        return path

    def needs_reprint_reason(self, dossier_id: int, doc_type: str) -> bool:
        """True when this document was already printed: a reprint must say why."""
        return any(
            j.doc_type == doc_type and j.outcome in PRINTED_OUTCOMES
            for j in self.print_history(dossier_id)
        )

    def record_print(
        self,
        doc: RenderedDocument,
        *,
        printer: str,
        outcome: str,
        clerk: User,
        reprint_reason: str | None = None,
    ) -> Changed[PrintJob]:
        """Add a row to the print ledger (with its audit row and outbox event)."""
        reason = normalize(reprint_reason or "") or None
        with self._uow_factory() as uow:
            earlier = uow.print_jobs.for_dossier(doc.dossier_id)
            # A copy of a slip already printed (same bytes) is a reprint and must say why; a
            # new slip of the same form (a second Mẫu 02, a new Mẫu 01 after a supplement) is not.
            reprint = any(
                j.doc_type == doc.doc_type
                and j.outcome in PRINTED_OUTCOMES
                and j.pdf_sha256 == doc.sha256
                for j in earlier
            )
            if reprint and reason is None and outcome in PRINTED_OUTCOMES:
                raise ValidationFailedError({"reprint_reason": "required"})
            job = uow.print_jobs.record(
                doc.dossier_id,
                doc.doc_type,
                printer=printer,
                at=utc_now(),
                pdf_sha256=doc.sha256,
                pdf_path=str(doc.path),
                clerk=clerk.username,
                outcome=outcome,  # type: ignore[arg-type]
                reprint_reason=reason,
            )
            dossier = uow.dossiers.get(doc.dossier_id)
            payload = {
                "dossier_code": doc.dossier_code,
                "doc_type": doc.doc_type,
                "printer": printer,
                "outcome": outcome,
                "reprint_reason": reason,
                "sha256": doc.sha256,
                "clerk": clerk.username,
                "at": job.at.isoformat(),
            }
            uow.outbox.append("print.recorded", dossier.sync_id, payload, at=utc_now())
            uow.audit.append(
                actor=clerk.username,
                action="print.reprint" if reprint else "print",
                entity="dossier",
                entity_id=doc.dossier_code,
                detail={"doc_type": doc.doc_type, "outcome": outcome, "reason": reason},
                at=utc_now(),
            )
            uow.commit()
        return Changed(job, ChangeSet.of(PRINT, codes=(doc.dossier_code,)))

    def print_history(self, dossier_id: int) -> list[PrintJob]:
        with reading(self._uow_factory) as uow:
            return uow.print_jobs.for_dossier(dossier_id)
