"""Digitisation of the papers received at intake (số hóa hồ sơ, NĐ 61/2018 Art. 17(1), carried
into NĐ 118/2025 Art. 17).

Each checklist row of a dossier is either digitised (scanned, imported from a file, or reused
from a paper digitised before for the same applicant), marked "shown only" (chỉ xuất trình: not
digitised), or still missing. The metadata kept per paper follows NĐ 107/2021 and
TT 01/2023/TT-VPCP as far as known: paper type, number/symbol, issuing body, issue date,
validity, who digitised it and when (see docs/digitisation.md; the exact field list is
configurable in the catalogue, not here).

Pages of a draft (before saving) are values too: reorder, rotate, delete and replace are pure
functions over a tuple of :class:`DraftPage`.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from .dossier import ChecklistItem, PaperForm
from .errors import DomainError

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class DigitisationError(DomainError):
    """Base of digitisation errors; ``code`` says which, ``data`` carries the detail."""

    code = "digitisation_error"


class InvalidMetadataError(DigitisationError):
    """Paper metadata is inconsistent; ``data['field']`` names the field."""

    code = "digitisation_invalid_metadata"


class MetadataRequiredError(DigitisationError):
    """The unit requires this metadata field (``data['field']``) and it is empty."""

    code = "digitisation_metadata_required"


class PageOperationError(DigitisationError):
    """A page operation refers to a page that does not exist or leaves no page."""

    code = "digitisation_page_operation"


class Source(enum.Enum):
    """How a checklist row got its electronic copy."""

    SCANNED = "scanned"  # from a scanner at the counter
    IMPORTED = "imported"  # from a file the clerk chose
    REUSED = "reused"  # a paper digitised before for the same applicant (DuocLayTuKho)
    SHOWN_ONLY = "shown_only"  # chỉ xuất trình: not digitised, by rule


class OcrState(enum.Enum):
    NONE = "none"
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PaperMeta:
    """What the rules ask to record about a digitised paper; all optional but the dates' order."""

    paper_type: str = ""  # catalogue code of the paper kind, or its name
    number: str = ""  # số / ký hiệu
    issuer: str = ""  # cơ quan ban hành / cấp
    issued_on: date | None = None
    valid_until: date | None = None  # None: no expiry

    def normalised(self) -> PaperMeta:
        """NFC text without surrounding blanks; raises if the dates are out of order."""
        if (
            self.issued_on is not None
            and self.valid_until is not None
            and self.valid_until < self.issued_on
        ):
            raise InvalidMetadataError(field="valid_until")
        for name in ("paper_type", "number", "issuer"):
            value = getattr(self, name)
            if len(value) > 500:
                raise InvalidMetadataError(field=name)
        return replace(
            self,
            paper_type=_clean(self.paper_type),
            number=_clean(self.number),
            issuer=_clean(self.issuer),
        )

    def is_valid_on(self, day: date) -> bool:
        return self.valid_until is None or day <= self.valid_until


#: Metadata a unit may make compulsory (setting ``digitisation_required_fields``).
META_FIELDS = ("paper_type", "number", "issuer", "issued_on", "valid_until")


def parse_required(value: str) -> tuple[str, ...]:
    """The field names of a comma-separated setting; raises on an unknown name."""
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    for name in names:
        if name not in META_FIELDS:
            raise InvalidMetadataError(field=name, problem="unknown")
    return names


def check_required(meta: PaperMeta, required: Iterable[str]) -> None:
    """Raise :class:`MetadataRequiredError` for the first required field left empty."""
    for name in required:
        if getattr(meta, name) in ("", None):
            raise MetadataRequiredError(field=name)


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True, slots=True)
class Attachment:
    """The electronic copy of one checklist row (or its "shown only" mark)."""

    dossier_id: int
    position: int  # checklist position
    source: Source
    meta: PaperMeta
    digitised_by: str
    digitised_at: datetime
    sync_id: str = ""
    file_sha256: str | None = None  # None only for SHOWN_ONLY
    pages: int = 0
    size: int = 0
    media_type: str = "application/pdf"
    reused_from: str | None = None  # sync_id of the attachment reused
    ocr_state: OcrState = OcrState.NONE
    ocr_sha256: str | None = None  # the searchable PDF/A, when OCR is done
    applicant_id_number: str = ""
    id: int | None = None
    #: The copy signed with the conversion mark (Luật Giao dịch điện tử 2023 Art. 12): the
    #: OCR'd copy (else the scan) with the clerk's signature added as an incremental update.
    signed_sha256: str | None = None

    @property
    def is_digitised(self) -> bool:
        return self.source is not Source.SHOWN_ONLY and self.file_sha256 is not None

    @property
    def best_sha256(self) -> str | None:
        """The file to show and send: the signed copy, else the OCR'd copy, else the scan."""
        return self.signed_sha256 or self.ocr_sha256 or self.file_sha256

    @property
    def unsigned_sha256(self) -> str | None:
        """The file the conversion mark is signed onto: the OCR'd copy when there is one."""
        return self.ocr_sha256 or self.file_sha256


@dataclass(frozen=True, slots=True)
class ReplacedCopy:
    """A row's copy replaced (or removed) after intake, kept for the record."""

    attachment: Attachment
    replaced_at: datetime
    replaced_by: str
    reason: str
    replacement_sync_id: str | None = None  # None: removed without a replacement


class RowState(enum.Enum):
    DIGITISED = "digitised"
    SHOWN_ONLY = "shown_only"
    MISSING = "missing"  # received on paper, no electronic copy yet
    NOT_RECEIVED = "not_received"  # not handed over: nothing to digitise


@dataclass(frozen=True, slots=True)
class Completeness:
    """How far a dossier's digitisation got (indicator 4.2 of QĐ 766 counts whole dossiers)."""

    states: tuple[RowState, ...]

    @property
    def to_digitise(self) -> int:
        return sum(1 for s in self.states if s in (RowState.DIGITISED, RowState.MISSING))

    @property
    def digitised(self) -> int:
        return sum(1 for s in self.states if s is RowState.DIGITISED)

    @property
    def missing_positions(self) -> tuple[int, ...]:
        return tuple(i for i, s in enumerate(self.states) if s is RowState.MISSING)

    @property
    def complete(self) -> bool:
        """Every received paper that must be digitised is; a dossier of shown-only papers is."""
        return not self.missing_positions

    @property
    def ratio(self) -> float:
        return 1.0 if self.to_digitise == 0 else self.digitised / self.to_digitise


def completeness(
    checklist: Sequence[ChecklistItem], attachments: Iterable[Attachment]
) -> Completeness:
    """The state of each checklist row given the dossier's attachments."""
    by_pos: dict[int, Attachment] = {}
    for a in attachments:
        by_pos[a.position] = a
    states: list[RowState] = []
    for pos, item in enumerate(checklist):
        att = by_pos.get(pos)
        if att is not None and att.source is Source.SHOWN_ONLY:
            states.append(RowState.SHOWN_ONLY)
        elif att is not None and att.is_digitised:
            states.append(RowState.DIGITISED)
        elif item.form is PaperForm.SHOWN:
            states.append(RowState.SHOWN_ONLY)
        elif not item.received:
            states.append(RowState.NOT_RECEIVED)
        else:
            states.append(RowState.MISSING)
    return Completeness(tuple(states))


def share_fully_digitised(values: Iterable[Completeness]) -> tuple[int, int]:
    """(dossiers fully digitised, dossiers counted) for the ledger and reports."""
    done = total = 0
    for c in values:
        total += 1
        done += 1 if c.complete else 0
    return done, total


# --- pages of a draft -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DraftPage:
    """One page of a paper being digitised: a stored image or PDF page, and its turn.

    ``sha256`` names a file in the content-addressed store (an image from the scanner or the
    imported file); ``index`` is the page inside it (always 0 for an image).
    """

    sha256: str
    index: int = 0
    rotation: int = 0  # clockwise degrees, one of 0, 90, 180, 270
    media_type: str = "image/png"


def _check(pages: Sequence[DraftPage], i: int) -> None:
    if not 0 <= i < len(pages):
        raise PageOperationError(op="index", index=i, pages=len(pages))


def move_page(pages: Sequence[DraftPage], src: int, dst: int) -> tuple[DraftPage, ...]:
    _check(pages, src)
    _check(pages, dst)
    out = list(pages)
    page = out.pop(src)
    out.insert(dst, page)
    return tuple(out)


def rotate_page(pages: Sequence[DraftPage], i: int, degrees: int = 90) -> tuple[DraftPage, ...]:
    _check(pages, i)
    if degrees % 90:
        raise PageOperationError(op="rotate", degrees=degrees)
    out = list(pages)
    out[i] = replace(out[i], rotation=(out[i].rotation + degrees) % 360)
    return tuple(out)


def delete_page(pages: Sequence[DraftPage], i: int) -> tuple[DraftPage, ...]:
    _check(pages, i)
    return tuple(p for k, p in enumerate(pages) if k != i)


def replace_page(
    pages: Sequence[DraftPage], i: int, new: Sequence[DraftPage]
) -> tuple[DraftPage, ...]:
    """Rescan of page ``i``: the new page(s) take its place."""
    _check(pages, i)
    out = list(pages)
    out[i : i + 1] = list(new)
    return tuple(out)
