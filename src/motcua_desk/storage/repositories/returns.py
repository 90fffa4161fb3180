"""Return of results (who collected, fees, originals handed back) and satisfaction ratings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from motcua_desk.domain.text import normalize

from .. import _json
from ..errors import DuplicateError
from ..orm import RatingRow, ReturnRow


@dataclass(frozen=True, slots=True)
class ReturnRecord:
    dossier_id: int
    at: datetime
    clerk: str
    collector_kind: str  # applicant | proxy
    collector_name: str
    collector_id_number: str
    verified_by: str  # typed | id_card_qr
    authorisation: str = ""
    fee_collected_vnd: int = 0
    fee_receipt_no: str = ""
    originals_returned: tuple[str, ...] = ()
    results: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Rating:
    dossier_id: int
    at: datetime
    scores: dict[str, int]
    comment: str = ""
    source: str = "counter"  # counter | citizen_screen


def _strings(text: str) -> tuple[str, ...]:
    value = json.loads(text)
    return tuple(str(x) for x in value) if isinstance(value, list) else ()


def _record(row: ReturnRow) -> ReturnRecord:
    return ReturnRecord(
        dossier_id=row.dossier_id,
        at=row.at.astimezone(UTC),
        clerk=row.clerk,
        collector_kind=row.collector_kind,
        collector_name=row.collector_name,
        collector_id_number=row.collector_id_number,
        verified_by=row.verified_by,
        authorisation=row.authorisation,
        fee_collected_vnd=row.fee_collected_vnd,
        fee_receipt_no=row.fee_receipt_no,
        originals_returned=_strings(row.originals_returned),
        results=_strings(row.results),
        note=row.note,
    )


class ReturnRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, r: ReturnRecord) -> ReturnRecord:
        row = ReturnRow(
            dossier_id=r.dossier_id,
            at=r.at,
            clerk=r.clerk,
            collector_kind=r.collector_kind,
            collector_name=normalize(r.collector_name),
            collector_id_number=normalize(r.collector_id_number),
            verified_by=r.verified_by,
            authorisation=normalize(r.authorisation),
            fee_collected_vnd=r.fee_collected_vnd,
            fee_receipt_no=normalize(r.fee_receipt_no),
            originals_returned=_json.dumps([normalize(x) for x in r.originals_returned]),
            results=_json.dumps([normalize(x) for x in r.results]),
            note=normalize(r.note),
        )
        try:
            with self._s.begin_nested():
                self._s.add(row)
                self._s.flush()
        except IntegrityError as exc:
            raise DuplicateError(entity="dossier_return", dossier_id=r.dossier_id) from exc
        return _record(row)

    def for_dossier(self, dossier_id: int) -> ReturnRecord | None:
        row = self._s.scalars(
            select(ReturnRow).where(ReturnRow.dossier_id == dossier_id)
        ).one_or_none()
        return None if row is None else _record(row)

    def set_rating(self, rating: Rating) -> Rating:
        """Store the dossier's rating; a second rating of the same dossier replaces the first."""
        row = self._s.scalars(
            select(RatingRow).where(RatingRow.dossier_id == rating.dossier_id)
        ).one_or_none()
        if row is None:
            row = RatingRow(dossier_id=rating.dossier_id)
            self._s.add(row)
        row.at = rating.at
        row.scores = _json.dumps(dict(rating.scores))
        row.comment = normalize(rating.comment)
        row.source = rating.source
        self._s.flush()
        return self._rating(row)

    @staticmethod
    def _rating(row: RatingRow) -> Rating:
        scores = _json.loads_object(row.scores)
        return Rating(
            dossier_id=row.dossier_id,
            at=row.at.astimezone(UTC),
            scores={str(k): int(v) for k, v in scores.items()},
            comment=row.comment,
            source=row.source,
        )

    def rating_for(self, dossier_id: int) -> Rating | None:
        row = self._s.scalars(
            select(RatingRow).where(RatingRow.dossier_id == dossier_id)
        ).one_or_none()
        return None if row is None else self._rating(row)
