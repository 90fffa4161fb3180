"""What a scan does: ID-card QR fills the applicant, a dossier code opens that dossier.

The router knows the window only through :class:`ScanTarget` (no import of the main window,
which imports this module).
"""

from __future__ import annotations

import logging
from typing import Protocol

from motcua_desk.domain.dossier import Person
from motcua_desk.domain.identity import IdCardData, to_person
from motcua_desk.domain.scan import ScanKind, classify
from motcua_desk.ui import strings

log = logging.getLogger(__name__)


class ScanTarget(Protocol):
    """What a scan can do to the window."""

    def set_notice(self, text: str, *, error: bool = False) -> None: ...

    def fill_person(self, person: Person) -> str:
        """Show the intake form and fill the applicant (or submitter); returns which."""
        ...

    def select_procedure(self, code: str) -> bool: ...

    def fill_id_number(self, text: str) -> None: ...

    def open_dossier(self, code: str) -> None:
        """The dossier with its timeline; says so on the notice line when it is unknown."""
        ...

    @property
    def lookup(self) -> object | None:
        """The lookup page, if this window has one (a postal item number opens a dossier)."""
        ...


def route(window: ScanTarget, raw: str) -> ScanKind:
    """Classify ``raw`` with the domain classifier and act on it; returns the kind."""
    result = classify(raw)
    kind = result.kind
    log.debug("scan classified as %s", kind)
    if result.error is not None:
        window.set_notice(strings.exception_message(result.error), error=True)
        return kind
    if kind is ScanKind.ID_CARD_QR and isinstance(result.value, IdCardData):
        person = to_person(result.value)
        target = window.fill_person(person)
        who = "người nộp" if target == "submitter" else "người đứng tên"
        window.set_notice(f"Đã điền thông tin {who} từ căn cước: {person.full_name}")
    elif kind is ScanKind.DOSSIER_CODE:
        window.set_notice(f"Đang mở hồ sơ {result.text}…")
        window.open_dossier(result.text)  # the dossier with its timeline and actions
    elif kind is ScanKind.PROCEDURE_CODE:
        if not window.select_procedure(result.text):
            window.set_notice(
                strings.error_message("unknown_scan", {"text": result.text}), error=True
            )
    elif kind is ScanKind.PERSONAL_ID:
        window.fill_id_number(result.text)
        window.set_notice("Đã điền số định danh cá nhân.")
    elif kind is ScanKind.ITEM_CODE and window.lookup is not None:
        # Issue 13: a returned envelope opens the dossier it carried.
        window.set_notice(f"Đang tìm hồ sơ của bưu gửi {result.text}…")
        window.open_dossier(result.text)
    elif kind is ScanKind.ITEM_CODE:
        window.set_notice(f"Số hiệu bưu gửi {result.text}: dùng màn hình bưu chính.")
    else:
        window.set_notice(strings.error_message("unknown_scan", {"text": raw[:60]}), error=True)
    return kind
