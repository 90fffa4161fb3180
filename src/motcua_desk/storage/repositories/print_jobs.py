"""Print ledger: queued -> sent -> confirmed (or failed); a failed print is no issued receipt."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from motcua_desk.domain.dossier import Dossier, Status

from ..errors import NotFoundError, StorageError
from ..orm import DossierRow, PrintJobRow
from .dossiers import to_dossier

PrintOutcome = Literal["queued", "sent", "confirmed", "failed"]
_OUTCOMES: frozenset[str] = frozenset({"queued", "sent", "confirmed", "failed"})
_PRINTED: tuple[str, ...] = ("sent", "confirmed")


class InvalidPrintOutcomeError(StorageError):
    code = "invalid_print_outcome"


@dataclass(frozen=True, slots=True)
class PrintJob:
    id: int
    dossier_id: int
    doc_type: str
    printer: str
    at: datetime
    outcome: str
    reprint_reason: str | None
    pdf_sha256: str
    pdf_path: str
    clerk: str


def _job(row: PrintJobRow) -> PrintJob:
    return PrintJob(
        id=row.id,
        dossier_id=row.dossier_id,
        doc_type=row.doc_type,
        printer=row.printer,
        at=row.at,
        outcome=row.outcome,
        reprint_reason=row.reprint_reason,
        pdf_sha256=row.pdf_sha256,
        pdf_path=row.pdf_path,
        clerk=row.clerk,
    )


def _check(outcome: str) -> None:
    if outcome not in _OUTCOMES:
        raise InvalidPrintOutcomeError(outcome=outcome)


class PrintJobRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def record(
        self,
        dossier_id: int,
        doc_type: str,
        *,
        printer: str,
        at: datetime,
        pdf_sha256: str,
        pdf_path: str,
        clerk: str,
        outcome: PrintOutcome = "queued",
        reprint_reason: str | None = None,
    ) -> PrintJob:
        _check(outcome)
        if self._s.get(DossierRow, dossier_id) is None:
            raise NotFoundError(entity="dossier", id=dossier_id)
        row = PrintJobRow(
            dossier_id=dossier_id,
            doc_type=doc_type,
            printer=printer,
            at=at,
            outcome=outcome,
            reprint_reason=reprint_reason,
            pdf_sha256=pdf_sha256,
            pdf_path=pdf_path,
            clerk=clerk,
        )
        self._s.add(row)
        self._s.flush()
        return _job(row)

    def update_outcome(self, job_id: int, outcome: PrintOutcome) -> PrintJob:
        _check(outcome)
        row = self._s.get(PrintJobRow, job_id)
        if row is None:
            raise NotFoundError(entity="print_job", id=job_id)
        row.outcome = outcome
        self._s.flush()
        return _job(row)

    def for_dossier(self, dossier_id: int) -> list[PrintJob]:
        rows = self._s.scalars(
            select(PrintJobRow)
            .where(PrintJobRow.dossier_id == dossier_id)
            .order_by(PrintJobRow.at, PrintJobRow.id)
        )
        return [_job(r) for r in rows]

    def dossiers_without_printed(
        self,
        doc_type: str = "receipt",
        *,
        statuses: Iterable[Status] = (Status.RECEIVED,),
        limit: int = 500,
    ) -> list[Dossier]:
        """Dossiers in ``statuses`` with no ``doc_type`` job that was sent or confirmed."""
        printed = exists().where(
            PrintJobRow.dossier_id == DossierRow.id,
            PrintJobRow.doc_type == doc_type,
            PrintJobRow.outcome.in_(_PRINTED),
        )
        rows = self._s.scalars(
            select(DossierRow)
            .where(DossierRow.status.in_([int(s) for s in statuses]), ~printed)
            .order_by(DossierRow.received_at, DossierRow.id)
            .limit(limit)
        )
        return [to_dossier(r) for r in rows]
