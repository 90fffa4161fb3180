"""Signed documents and the "chờ ký" list: every value returned is frozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFoundError, StorageError
from ..orm.signing import SignedDocumentRow

PENDING = "pending"
SIGNED = "signed"
ORIGINS = frozenset({"original", "copy"})


class InvalidOriginError(StorageError):
    code = "invalid_conversion_origin"


@dataclass(frozen=True, slots=True)
class Conversion:
    converted_by: str
    converted_at: datetime
    origin: str  # original | copy


@dataclass(frozen=True, slots=True)
class SignedDocument:
    id: int
    dossier_id: int | None
    doc_type: str
    title: str
    source_path: str
    source_sha256: str
    state: str
    created_at: datetime
    created_by: str
    last_error: str | None
    signed_at: datetime | None
    signed_by: str | None
    signer_name: str | None
    signer_cert_sha256: str | None
    level: str | None
    signed_path: str | None
    signed_sha256: str | None
    conversion: Conversion | None

    @property
    def pending(self) -> bool:
        return self.state == PENDING


def _value(row: SignedDocumentRow) -> SignedDocument:
    conversion = None
    if row.converted_by is not None and row.converted_at is not None and row.origin:
        conversion = Conversion(row.converted_by, row.converted_at, row.origin)
    return SignedDocument(
        id=row.id,
        dossier_id=row.dossier_id,
        doc_type=row.doc_type,
        title=row.title,
        source_path=row.source_path,
        source_sha256=row.source_sha256,
        state=row.state,
        created_at=row.created_at,
        created_by=row.created_by,
        last_error=row.last_error,
        signed_at=row.signed_at,
        signed_by=row.signed_by,
        signer_name=row.signer_name,
        signer_cert_sha256=row.signer_cert_sha256,
        level=row.level,
        signed_path=row.signed_path,
        signed_sha256=row.signed_sha256,
        conversion=conversion,
    )


class SignedDocumentRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def _row(self, doc_id: int) -> SignedDocumentRow:
        row = self._s.get(SignedDocumentRow, doc_id)
        if row is None:
            raise NotFoundError(entity="signed_document", id=doc_id)
        return row

    def get(self, doc_id: int) -> SignedDocument:
        return _value(self._row(doc_id))

    def add_pending(
        self,
        *,
        dossier_id: int | None,
        doc_type: str,
        title: str,
        source_path: str,
        source_sha256: str,
        at: datetime,
        by: str,
        conversion: Conversion | None = None,
    ) -> SignedDocument:
        """A document to sign; the same bytes of the same type give back the existing row."""
        existing = self._s.scalars(
            select(SignedDocumentRow).where(
                SignedDocumentRow.doc_type == doc_type,
                SignedDocumentRow.source_sha256 == source_sha256,
            )
        ).first()
        if existing is not None:
            return _value(existing)
        if conversion is not None and conversion.origin not in ORIGINS:
            raise InvalidOriginError(origin=conversion.origin)
        row = SignedDocumentRow(
            dossier_id=dossier_id,
            doc_type=doc_type,
            title=title,
            source_path=source_path,
            source_sha256=source_sha256,
            state=PENDING,
            created_at=at,
            created_by=by,
            converted_by=conversion.converted_by if conversion else None,
            converted_at=conversion.converted_at if conversion else None,
            origin=conversion.origin if conversion else None,
        )
        self._s.add(row)
        self._s.flush()
        return _value(row)

    def mark_signed(
        self,
        doc_id: int,
        *,
        at: datetime,
        by: str,
        signer_name: str,
        signer_cert_sha256: str,
        level: str,
        signed_path: str,
        signed_sha256: str,
    ) -> SignedDocument:
        row = self._row(doc_id)
        row.state = SIGNED
        row.last_error = None
        row.signed_at = at
        row.signed_by = by
        row.signer_name = signer_name
        row.signer_cert_sha256 = signer_cert_sha256
        row.level = level
        row.signed_path = signed_path
        row.signed_sha256 = signed_sha256
        self._s.flush()
        return _value(row)

    def mark_upgraded(
        self, doc_id: int, *, level: str, signed_path: str, signed_sha256: str
    ) -> SignedDocument:
        """A signature made offline got its time-stamp (and validation data) later."""
        row = self._row(doc_id)
        row.level = level
        row.signed_path = signed_path
        row.signed_sha256 = signed_sha256
        self._s.flush()
        return _value(row)

    def signed_at_level(self, level: str, limit: int = 500) -> list[SignedDocument]:
        rows = self._s.scalars(
            select(SignedDocumentRow)
            .where(SignedDocumentRow.state == SIGNED, SignedDocumentRow.level == level)
            .order_by(SignedDocumentRow.signed_at, SignedDocumentRow.id)
            .limit(limit)
        )
        return [_value(r) for r in rows]

    def mark_failed(self, doc_id: int, code: str) -> SignedDocument:
        """Keep the document pending and remember why the last try failed."""
        row = self._row(doc_id)
        row.last_error = code[:64]
        self._s.flush()
        return _value(row)

    def pending(self, limit: int = 500) -> list[SignedDocument]:
        rows = self._s.scalars(
            select(SignedDocumentRow)
            .where(SignedDocumentRow.state == PENDING)
            .order_by(SignedDocumentRow.created_at, SignedDocumentRow.id)
            .limit(limit)
        )
        return [_value(r) for r in rows]

    def for_dossier(self, dossier_id: int) -> list[SignedDocument]:
        rows = self._s.scalars(
            select(SignedDocumentRow)
            .where(SignedDocumentRow.dossier_id == dossier_id)
            .order_by(SignedDocumentRow.created_at, SignedDocumentRow.id)
        )
        return [_value(r) for r in rows]
