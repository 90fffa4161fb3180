"""Return of results: who may collect, and the satisfaction rating (NĐ 61 Art. 20, 31).

The applicant collects after showing the ID card (number typed from the card, or its QR read),
or a proxy collects with an authorisation paper that is recorded (NĐ 61/2018 Art. 15–22). An
organisation always collects through a representative with such a paper.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from .dossier import ApplicantKind, Dossier
from .errors import DomainError, InvalidIdNumberError, ValidationFailedError
from .identity import parse_legacy_id, parse_personal_id
from .text import normalize, search_key


class CollectorKind(enum.Enum):
    APPLICANT = "applicant"  # chủ hồ sơ
    PROXY = "proxy"  # người được ủy quyền


class Verification(enum.Enum):
    TYPED = "typed"  # the clerk read the number off the card
    ID_CARD_QR = "id_card_qr"  # the card's QR was scanned


@dataclass(frozen=True)
class Collector:
    kind: CollectorKind
    full_name: str
    id_number: str
    verified_by: Verification = Verification.TYPED
    authorisation: str = ""  # e.g. "Giấy ủy quyền số 12/UQ ngày 20/11/2026, chứng thực ..."


class CollectorMismatchError(DomainError):
    """The person at the counter may not collect this result (``data['reason']``)."""

    code = "collector_mismatch"


def _id_ok(number: str) -> bool:
    for parse in (parse_personal_id, parse_legacy_id):
        try:
            parse(number)
        except InvalidIdNumberError:
            continue
        return True
    return False


def check_collector(dossier: Dossier, who: Collector) -> Collector:
    """The cleaned collector if they may take the result; otherwise a typed error.

    Raises ValidationFailedError for missing or malformed input, and CollectorMismatchError
    (reason ``id_mismatch``, ``name_mismatch`` or ``proxy_required``) for the wrong person.
    """
    name, number = normalize(who.full_name), normalize(who.id_number).replace(" ", "")
    auth = normalize(who.authorisation)
    errors: dict[str, str] = {}
    if not number:
        errors["collector.id_number"] = "required"
    elif not _id_ok(number):
        errors["collector.id_number"] = "invalid"
    if who.kind is CollectorKind.PROXY:
        if not name:
            errors["collector.full_name"] = "required"
        if not auth:
            errors["collector.authorisation"] = "required"
    if errors:
        raise ValidationFailedError(errors)
    applicant = dossier.applicant
    if who.kind is CollectorKind.APPLICANT:
        if applicant.kind is not ApplicantKind.CITIZEN:
            raise CollectorMismatchError(reason="proxy_required")
        on_file = applicant.id_number.replace(" ", "")
        if on_file and number != on_file:
            raise CollectorMismatchError(reason="id_mismatch")
        if not on_file and (not name or search_key(name) != search_key(applicant.full_name)):
            raise CollectorMismatchError(reason="name_mismatch")
        name = name or applicant.full_name
    return Collector(who.kind, name, number, who.verified_by, auth)


#: Rating criteria of NĐ 61 Art. 31, each scored 2 (satisfied) / 1 / 0 (TT 01/2018 Art. 13).
RATING_CRITERIA: tuple[str, ...] = (
    "timeliness",
    "contacts",
    "information",
    "attitude",
    "lawfulness",
    "costs",
)
RATING_SCALE: tuple[int, ...] = (2, 1, 0)


def check_scores(scores: Mapping[str, object]) -> dict[str, int]:
    """Scores for known criteria, each 0..2; at least one. Unknown keys or values are refused."""
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    for key, value in scores.items():
        if key not in RATING_CRITERIA:
            errors[f"rating.{key}"] = "unknown_criterion"
        elif isinstance(value, bool) or not isinstance(value, int) or value not in RATING_SCALE:
            errors[f"rating.{key}"] = "out_of_range"
        else:
            clean[key] = value
    if not scores:
        errors["rating"] = "required"
    if errors:
        raise ValidationFailedError(errors)
    return clean
