"""What a scan does: ID-card QR fills the applicant, a dossier code opens that dossier."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from motcua_desk.domain.identity import IdCardData, to_person
from motcua_desk.domain.scan import ScanKind, classify
from motcua_desk.ui import strings

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)


def route(window: MainWindow, raw: str) -> ScanKind:
    """Classify ``raw`` with the domain classifier and act on it; returns the kind."""
    result = classify(raw)
    kind = result.kind
    log.debug("scan classified as %s", kind)
    if result.error is not None:
        window.set_notice(strings.exception_message(result.error), error=True)
        return kind
    if kind is ScanKind.ID_CARD_QR and isinstance(result.value, IdCardData):
        person = to_person(result.value)
        window.show_intake()
        target = window.intake.fill_person(person)
        who = "người nộp" if target == "submitter" else "người đứng tên"
        window.set_notice(f"Đã điền thông tin {who} từ căn cước: {person.full_name}")
    elif kind is ScanKind.DOSSIER_CODE and window.lookup is not None:
        window.set_notice(f"Đang mở hồ sơ {result.text}…")
        window.open_dossier(result.text)  # the dossier with its timeline and actions
    elif kind is ScanKind.DOSSIER_CODE:
        code = result.text
        window.tabs.setCurrentIndex(0)
        window.set_notice(f"Đang mở hồ sơ {code}…")
        window.home.open_code(
            code,
            on_missing=lambda c: window.set_notice(
                strings.error_message("dossier_not_found", {"code": c}), error=True
            ),
        )
    elif kind is ScanKind.PROCEDURE_CODE:
        window.show_intake()
        if not window.intake.select_procedure_code(result.text):
            window.set_notice(
                strings.error_message("unknown_scan", {"text": result.text}), error=True
            )
    elif kind is ScanKind.PERSONAL_ID:
        window.show_intake()
        window.intake.view.id_number.setText(result.text)
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
