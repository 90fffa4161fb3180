"""Issues 13/14 gaps on the lookup screen: cooperating agencies named at the hand-over, and the
reason the server replaced a printed code, on the real services."""

from __future__ import annotations

from typing import Any

from motcua_desk.domain.dossier import Status

from .test_lookup_screen import Page, page  # noqa: F401 - the fixture

__all__ = ["page"]


def test_hand_over_names_cooperating_agencies(page: Page) -> None:  # noqa: F811
    d = page.receive()
    page.open(d.code)
    c = page.controller

    def fill(dialog: Any) -> None:
        dialog.department.setCurrentText("Phòng Tư pháp")
        dialog.cooperating.setText("x" * 201)
        dialog.ok_button.click()  # refused in the dialog: the name is too long
        assert "Tối đa 10 cơ quan phối hợp" in dialog.error.text()
        dialog.cooperating.setText(" Công an phường Hạc Thành ;; Chi cục Thuế khu vực ; ")

    page.answer(fill)
    c.view.hand_over_button.click()
    page.wait_status(Status.PROCESSING)
    page.wait_printed(d, "control_slip")
    (handed,) = [
        e
        for e in page.ctx.lookup.open_by_id(d.id).timeline
        if e.detail.get("action") == "handed_over"
    ]
    assert handed.detail["cooperating"] == ["Công an phường Hạc Thành", "Chi cục Thuế khu vực"]
    details = [c.timeline.row_value(r).detail for r in range(c.timeline.rowCount())]
    assert any(
        "Cơ quan phối hợp: Công an phường Hạc Thành; Chi cục Thuế khu vực" in x for x in details
    )
