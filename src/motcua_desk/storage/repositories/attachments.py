"""Attachments of checklist rows and the stored files they point to, as frozen values."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from motcua_desk.domain.digitisation import (
    Attachment,
    OcrState,
    PaperMeta,
    ReplacedCopy,
    Source,
)

from ..errors import NotFoundError
from ..orm import AttachmentHistoryRow, AttachmentRow, DossierRow, StoredFileRow


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    size: int
    media_type: str
    pages: int
    created_at: datetime
    uploaded_at: datetime | None


def _file(row: StoredFileRow) -> StoredFile:
    return StoredFile(
        row.sha256, row.size, row.media_type, row.pages, row.created_at, row.uploaded_at
    )


def _attachment(row: AttachmentRow, f: StoredFileRow | None) -> Attachment:
    return Attachment(
        id=row.id,
        sync_id=row.sync_id,
        dossier_id=row.dossier_id,
        position=row.position,
        source=Source(row.source),
        meta=PaperMeta(
            paper_type=row.paper_type,
            number=row.number,
            issuer=row.issuer,
            issued_on=row.issued_on,
            valid_until=row.valid_until,
        ),
        digitised_by=row.digitised_by,
        digitised_at=row.digitised_at.astimezone(UTC),
        file_sha256=row.file_sha256,
        pages=f.pages if f is not None else 0,
        size=f.size if f is not None else 0,
        media_type=f.media_type if f is not None else "",
        reused_from=row.reused_from,
        ocr_state=OcrState(row.ocr_state),
        ocr_sha256=row.ocr_sha256,
        applicant_id_number=row.applicant_id_number,
        signed_sha256=row.signed_sha256,
    )


class AttachmentRepository:
    def __init__(self, session: Session, clock: Callable[[], datetime]) -> None:
        self._s = session
        self._clock = clock

    # --- files ------------------------------------------------------------------------------

    def register_file(self, sha256: str, size: int, media_type: str, pages: int) -> StoredFile:
        """The row of a file just put into the store; the existing row if it is known."""
        row = self._s.get(StoredFileRow, sha256)
        if row is None:
            row = StoredFileRow(
                sha256=sha256,
                size=size,
                media_type=media_type,
                pages=pages,
                created_at=self._clock(),
                uploaded_at=None,
            )
            self._s.add(row)
            self._s.flush()
        return _file(row)

    def file(self, sha256: str) -> StoredFile | None:
        row = self._s.get(StoredFileRow, sha256)
        return None if row is None else _file(row)

    def mark_uploaded(self, sha256: str) -> None:
        row = self._s.get(StoredFileRow, sha256)
        if row is None:
            raise NotFoundError(entity="stored_file", sha256=sha256)
        if row.uploaded_at is None:
            row.uploaded_at = self._clock()

    def files_to_upload(self, limit: int = 100) -> list[StoredFile]:
        """Files referenced by an attachment that the server has not confirmed, oldest first."""
        referenced = select(AttachmentRow.file_sha256).union(
            select(AttachmentRow.ocr_sha256), select(AttachmentRow.signed_sha256)
        )
        rows = self._s.scalars(
            select(StoredFileRow)
            .where(StoredFileRow.uploaded_at.is_(None), StoredFileRow.sha256.in_(referenced))
            .order_by(StoredFileRow.created_at, StoredFileRow.sha256)
            .limit(limit)
        )
        return [_file(r) for r in rows]

    def referenced_hashes(self) -> set[str]:
        out: set[str] = set()
        for row in self._s.execute(
            select(AttachmentRow.file_sha256, AttachmentRow.ocr_sha256, AttachmentRow.signed_sha256)
        ):
            out.update(h for h in row if h)
        return out

    # --- attachments ------------------------------------------------------------------------

    def _files(self, rows: Iterable[AttachmentRow]) -> list[Attachment]:
        out = []
        for r in rows:
            f = self._s.get(StoredFileRow, r.file_sha256) if r.file_sha256 else None
            out.append(_attachment(r, f))
        return out

    def put(self, att: Attachment) -> Attachment:
        """Attach (or replace) the electronic copy of checklist row ``att.position``."""
        existing = self._s.scalars(
            select(AttachmentRow).where(
                AttachmentRow.dossier_id == att.dossier_id,
                AttachmentRow.position == att.position,
            )
        ).one_or_none()
        sync_id = att.sync_id or str(uuid.uuid4())
        values = {
            "sync_id": sync_id,
            "dossier_id": att.dossier_id,
            "position": att.position,
            "source": att.source.value,
            "file_sha256": att.file_sha256,
            "ocr_sha256": att.ocr_sha256,
            "signed_sha256": att.signed_sha256,
            "ocr_state": att.ocr_state.value,
            "paper_type": att.meta.paper_type,
            "number": att.meta.number,
            "issuer": att.meta.issuer,
            "issued_on": att.meta.issued_on,
            "valid_until": att.meta.valid_until,
            "digitised_by": att.digitised_by,
            "digitised_at": att.digitised_at,
            "reused_from": att.reused_from,
            "applicant_id_number": att.applicant_id_number,
        }
        if existing is not None:
            self._s.delete(existing)
            self._s.flush()
        row = AttachmentRow(**values)
        self._s.add(row)
        self._s.flush()
        return self._files([row])[0]

    def archive(
        self,
        att: Attachment,
        *,
        replaced_at: datetime,
        replaced_by: str,
        reason: str,
        replacement_sync_id: str | None = None,
    ) -> None:
        """Keep ``att`` (about to be replaced or removed) in the history of its row."""
        self._s.add(
            AttachmentHistoryRow(
                sync_id=att.sync_id,
                dossier_id=att.dossier_id,
                position=att.position,
                source=att.source.value,
                file_sha256=att.file_sha256,
                ocr_sha256=att.ocr_sha256,
                signed_sha256=att.signed_sha256,
                paper_type=att.meta.paper_type,
                number=att.meta.number,
                issuer=att.meta.issuer,
                issued_on=att.meta.issued_on,
                valid_until=att.meta.valid_until,
                digitised_by=att.digitised_by,
                digitised_at=att.digitised_at,
                reused_from=att.reused_from,
                replaced_at=replaced_at,
                replaced_by=replaced_by,
                replacement_sync_id=replacement_sync_id,
                reason=reason,
            )
        )
        self._s.flush()

    def history(self, dossier_id: int) -> list[ReplacedCopy]:
        """Copies replaced or removed on this dossier, oldest first."""
        rows = self._s.scalars(
            select(AttachmentHistoryRow)
            .where(AttachmentHistoryRow.dossier_id == dossier_id)
            .order_by(AttachmentHistoryRow.replaced_at, AttachmentHistoryRow.id)
        )
        out = []
        for r in rows:
            f = self._s.get(StoredFileRow, r.file_sha256) if r.file_sha256 else None
            att = Attachment(
                sync_id=r.sync_id,
                dossier_id=r.dossier_id,
                position=r.position,
                source=Source(r.source),
                meta=PaperMeta(r.paper_type, r.number, r.issuer, r.issued_on, r.valid_until),
                digitised_by=r.digitised_by,
                digitised_at=r.digitised_at.astimezone(UTC),
                file_sha256=r.file_sha256,
                ocr_sha256=r.ocr_sha256,
                signed_sha256=r.signed_sha256,
                pages=f.pages if f is not None else 0,
                size=f.size if f is not None else 0,
                reused_from=r.reused_from,
            )
            out.append(
                ReplacedCopy(
                    att,
                    r.replaced_at.astimezone(UTC),
                    r.replaced_by,
                    r.reason,
                    r.replacement_sync_id,
                )
            )
        return out

    def remove(self, dossier_id: int, position: int) -> bool:
        result = self._s.execute(
            delete(AttachmentRow).where(
                AttachmentRow.dossier_id == dossier_id, AttachmentRow.position == position
            )
        )
        return bool(getattr(result, "rowcount", 0))

    def for_dossier(self, dossier_id: int) -> list[Attachment]:
        rows = self._s.scalars(
            select(AttachmentRow)
            .where(AttachmentRow.dossier_id == dossier_id)
            .order_by(AttachmentRow.position)
        )
        return self._files(rows)

    def for_dossiers(self, dossier_ids: Iterable[int]) -> dict[int, list[Attachment]]:
        ids = list(dossier_ids)
        out: dict[int, list[Attachment]] = {i: [] for i in ids}
        for start in range(0, len(ids), 500):
            rows = self._s.scalars(
                select(AttachmentRow).where(AttachmentRow.dossier_id.in_(ids[start : start + 500]))
            )
            for a in self._files(rows):
                out[a.dossier_id].append(a)
        return out

    def by_sync_id(self, sync_id: str) -> Attachment:
        row = self._s.scalars(
            select(AttachmentRow).where(AttachmentRow.sync_id == sync_id)
        ).one_or_none()
        if row is None:
            raise NotFoundError(entity="attachment", sync_id=sync_id)
        return self._files([row])[0]

    def for_applicant(
        self, id_number: str, *, exclude_dossier: int | None = None
    ) -> list[Attachment]:
        """Digitised papers of this applicant, newest first (for reuse)."""
        if not id_number:
            return []
        q = select(AttachmentRow).where(
            AttachmentRow.applicant_id_number == id_number,
            AttachmentRow.file_sha256.is_not(None),
            AttachmentRow.source != Source.SHOWN_ONLY.value,
        )
        if exclude_dossier is not None:
            q = q.where(AttachmentRow.dossier_id != exclude_dossier)
        rows = self._s.scalars(q.order_by(AttachmentRow.digitised_at.desc(), AttachmentRow.id))
        return self._files(rows)

    def set_ocr(self, sync_id: str, state: OcrState, ocr_sha256: str | None = None) -> Attachment:
        row = self._s.scalars(
            select(AttachmentRow).where(AttachmentRow.sync_id == sync_id)
        ).one_or_none()
        if row is None:
            raise NotFoundError(entity="attachment", sync_id=sync_id)
        row.ocr_state = state.value
        if ocr_sha256 is not None:
            row.ocr_sha256 = ocr_sha256
        self._s.flush()
        return self._files([row])[0]

    def holding(self, sha256: str) -> list[Attachment]:
        """Rows whose scan or OCR'd copy is the file ``sha256`` (any dossier)."""
        rows = self._s.scalars(
            select(AttachmentRow)
            .where((AttachmentRow.file_sha256 == sha256) | (AttachmentRow.ocr_sha256 == sha256))
            .order_by(AttachmentRow.id)
        )
        return self._files(rows)

    def set_signed(self, sync_id: str, signed_sha256: str) -> Attachment:
        """Point the row at its copy signed with the conversion mark."""
        row = self._s.scalars(
            select(AttachmentRow).where(AttachmentRow.sync_id == sync_id)
        ).one_or_none()
        if row is None:
            raise NotFoundError(entity="attachment", sync_id=sync_id)
        row.signed_sha256 = signed_sha256
        self._s.flush()
        return self._files([row])[0]

    def dossiers_received(self, start: datetime, end: datetime, exclude_status: int) -> list[int]:
        """Ids of dossiers received in ``[start, end)`` except those in ``exclude_status``."""
        return list(
            self._s.scalars(
                select(DossierRow.id)
                .where(
                    DossierRow.received_at >= start,
                    DossierRow.received_at < end,
                    DossierRow.status != exclude_status,
                )
                .order_by(DossierRow.id)
            )
        )

    def with_file(self, att: Attachment) -> Attachment:
        f = self.file(att.file_sha256) if att.file_sha256 else None
        if f is None:
            return att
        return replace(att, pages=f.pages, size=f.size, media_type=f.media_type)
