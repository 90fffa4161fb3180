"""Administrative procedures of the catalogue."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from datetime import date

from .dossier import PaperForm


class TimeUnit(enum.Enum):
    """Unit of a procedure's processing time limit (Bộ luật Dân sự 2015 Art. 147–148)."""

    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"
    HOURS = "hours"
    SAME_DAY = "same_day"


@dataclass(frozen=True, slots=True)
class RequiredDocument:
    name: str
    form: PaperForm = PaperForm.ORIGINAL
    copies: int = 1
    required: bool = True


@dataclass(frozen=True, slots=True)
class Procedure:
    """A procedure of the catalogue. ``processing_days`` None means unknown."""

    code: str
    name: str
    field: str = ""
    level: str = ""
    processing_days: int | None = None
    time_unit: TimeUnit = TimeUnit.WORKING_DAYS
    fee_vnd: int | None = None
    required_documents: tuple[RequiredDocument, ...] = dataclasses.field(default_factory=tuple)
    verified: bool = False
    same_day_cutoff: bool = True
    valid_from: date | None = None
    valid_to: date | None = None
    active: bool = True
