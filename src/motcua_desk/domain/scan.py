"""Route one scanned string: ID card QR, dossier code, S10 item, procedure code, ID number.

Scanners type like keyboards (NĐ 137/2015): the text may carry CR/LF, stray
spaces, NFD or lower case. :func:`classify` never raises; a string that looks like a kind but
is malformed comes back as that kind with ``error`` set, so the clerk sees why.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

from .codes import DossierCodeFormat, parse_any_dossier_code
from .errors import DomainError
from .identity import (
    clean_qr_payload,
    looks_like_id_card_qr,
    parse_id_card_qr,
    parse_legacy_id,
    parse_personal_id,
)
from .postal import parse_item_code

#: National procedure code ``1.001193`` or its provincial copy ``1.001193.000.00.00.H56``.
PROCEDURE_CODE_RE = re.compile(r"^\d\.\d{6}(?:\.[A-Z0-9]+)*$")
_S10_SHAPE_RE = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")
_DOSSIER_SHAPE_RE = re.compile(r"^[A-Z0-9.]+-\d{6}-")
_WS_RE = re.compile(r"\s+")


class ScanKind(enum.Enum):
    """What a scanned string is."""

    ID_CARD_QR = "id_card_qr"
    DOSSIER_CODE = "dossier_code"
    ITEM_CODE = "item_code"
    PROCEDURE_CODE = "procedure_code"
    PERSONAL_ID = "personal_id"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ScanResult:
    """Outcome of :func:`classify`.

    ``text`` is the normalised scan (NFC; codes without whitespace, upper case). ``value`` is
    an ``IdCardData``, ``DossierCodeParts``, ``ItemCode``, ``PersonalIdInfo`` (12 digits), the
    legacy ID digits (9 digits) or the procedure code string; ``None`` when ``error`` is set.
    """

    kind: ScanKind
    text: str
    value: object | None = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        """Recognised and valid."""
        return self.kind is not ScanKind.UNKNOWN and self.error is None


def _classify(raw: str, code_format: DossierCodeFormat | None) -> ScanResult:
    nfc = unicodedata.normalize("NFC", raw).replace("\ufeff", "")
    if "|" in nfc:
        text = clean_qr_payload(nfc)
        if looks_like_id_card_qr(text) or text.count("|") >= 4:
            try:
                return ScanResult(ScanKind.ID_CARD_QR, text, parse_id_card_qr(text))
            except DomainError as exc:
                return ScanResult(ScanKind.ID_CARD_QR, text, error=exc)
        return ScanResult(ScanKind.UNKNOWN, text)
    compact = _WS_RE.sub("", nfc).upper()
    if not compact:
        return ScanResult(ScanKind.UNKNOWN, compact)
    if _S10_SHAPE_RE.match(compact):
        try:
            return ScanResult(ScanKind.ITEM_CODE, compact, parse_item_code(compact))
        except DomainError as exc:
            return ScanResult(ScanKind.ITEM_CODE, compact, error=exc)
    if code_format is not None and code_format.is_valid(compact):
        return ScanResult(ScanKind.DOSSIER_CODE, compact, code_format.parse(compact))
    if _DOSSIER_SHAPE_RE.match(compact):
        try:
            return ScanResult(ScanKind.DOSSIER_CODE, compact, parse_any_dossier_code(compact))
        except DomainError as exc:
            return ScanResult(ScanKind.DOSSIER_CODE, compact, error=exc)
    if PROCEDURE_CODE_RE.match(compact):
        return ScanResult(ScanKind.PROCEDURE_CODE, compact, compact)
    if compact.isascii() and compact.isdigit():
        try:
            if len(compact) == 9:
                return ScanResult(ScanKind.PERSONAL_ID, compact, parse_legacy_id(compact))
            if len(compact) == 12:
                return ScanResult(ScanKind.PERSONAL_ID, compact, parse_personal_id(compact))
        except DomainError as exc:
            return ScanResult(ScanKind.PERSONAL_ID, compact, error=exc)
    return ScanResult(ScanKind.UNKNOWN, compact)


def classify(raw: str, code_format: DossierCodeFormat | None = None) -> ScanResult:
    """Classify one scanned string; never raises on garbage (returns UNKNOWN).

    ``code_format`` is the unit's configured pattern; codes in any accepted style (TT 01/2018/TT-VPCP Art. 19, TT 04/2025 Art. 13.3) are
    recognised too.
    """
    if not isinstance(raw, str):
        return ScanResult(ScanKind.UNKNOWN, "")
    try:
        return _classify(raw, code_format)
    except (DomainError, ValueError, IndexError):  # defensive: garbage must not crash a scan
        return ScanResult(ScanKind.UNKNOWN, _WS_RE.sub(" ", raw).strip()[:200])
