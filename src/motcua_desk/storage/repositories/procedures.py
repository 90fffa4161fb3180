"""Procedure catalogue with a diacritic-insensitive search on name and a prefix search on code."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from motcua_desk.domain.dossier import PaperForm
from motcua_desk.domain.procedure import Procedure, RequiredDocument, TimeUnit
from motcua_desk.domain.text import normalize, search_key

from ..orm import ProcedureRow
from .dossiers import like_escape


def _docs_json(docs: tuple[RequiredDocument, ...]) -> str:
    return json.dumps(
        [
            {"name": d.name, "form": d.form.value, "copies": d.copies, "required": d.required}
            for d in docs
        ],
        ensure_ascii=False,
    )


def _docs(text: str) -> tuple[RequiredDocument, ...]:
    items: list[dict[str, Any]] = json.loads(text)
    return tuple(
        RequiredDocument(
            name=i["name"],
            form=PaperForm(i["form"]),
            copies=int(i["copies"]),
            required=bool(i["required"]),
        )
        for i in items
    )


def _columns(p: Procedure) -> dict[str, Any]:
    name = normalize(p.name)
    return {
        "name": name,
        "search_key": search_key(name),
        "field": normalize(p.field),
        "level": normalize(p.level),
        "processing_days": p.processing_days,
        "time_unit": p.time_unit.value,
        "fee_vnd": p.fee_vnd,
        "required_documents": _docs_json(p.required_documents),
        "verified": p.verified,
        "same_day_cutoff": p.same_day_cutoff,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "active": p.active,
    }


def _procedure(row: ProcedureRow) -> Procedure:
    return Procedure(
        code=row.code,
        name=row.name,
        field=row.field,
        level=row.level,
        processing_days=row.processing_days,
        time_unit=TimeUnit(row.time_unit),
        fee_vnd=row.fee_vnd,
        required_documents=_docs(row.required_documents),
        verified=row.verified,
        same_day_cutoff=row.same_day_cutoff,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        active=row.active,
    )


class ProcedureRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def upsert_many(self, procs: Iterable[Procedure]) -> int:
        """Insert or update each procedure by code; returns how many rows were written."""
        n = 0
        for p in procs:
            code = normalize(p.code)
            row = self._s.get(ProcedureRow, code)
            if row is None:
                self._s.add(ProcedureRow(code=code, **_columns(p)))
            else:
                for key, value in _columns(p).items():
                    setattr(row, key, value)
            n += 1
        self._s.flush()
        return n

    def codes(self) -> set[str]:
        return set(self._s.scalars(select(ProcedureRow.code)))

    def get(self, code: str) -> Procedure | None:
        row = self._s.get(ProcedureRow, normalize(code))
        return None if row is None else _procedure(row)

    def search(
        self, query: str, limit: int = 50, *, active_on: date | None = None
    ) -> list[Procedure]:
        """Procedures whose code starts with ``query`` or whose name contains every word of it
        (case- and diacritic-insensitive). Code matches come first, then by name.
        """
        q = normalize(query)
        stmt = select(ProcedureRow)
        code_match = ProcedureRow.code.like(f"{like_escape(q)}%", escape="\\")
        words = search_key(q).split()
        if words:
            name_match = and_(
                *[ProcedureRow.search_key.like(f"%{like_escape(w)}%", escape="\\") for w in words]
            )
            stmt = stmt.where(or_(code_match, name_match))
        if active_on is not None:
            stmt = stmt.where(
                ProcedureRow.active.is_(True),
                or_(ProcedureRow.valid_from.is_(None), ProcedureRow.valid_from <= active_on),
                or_(ProcedureRow.valid_to.is_(None), ProcedureRow.valid_to >= active_on),
            )
        stmt = stmt.order_by(
            case((code_match, 0), else_=1), ProcedureRow.search_key, ProcedureRow.code
        ).limit(limit)
        return [_procedure(r) for r in self._s.scalars(stmt)]

    def all(self) -> list[Procedure]:
        rows = self._s.scalars(select(ProcedureRow).order_by(ProcedureRow.code))
        return [_procedure(r) for r in rows]

    def count(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(ProcedureRow)) or 0)
