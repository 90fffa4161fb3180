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


def test_code_assigned_entry_says_why_and_the_printed_code(page: Page) -> None:  # noqa: F811
    """The server replaced the printed code (it clashed with another counter's): the timeline
    says so in Vietnamese, with the code the citizen holds, and the dossier opens by either."""
    from sqlalchemy import select

    from motcua_desk.services.code_assignment import replace_codes
    from motcua_desk.storage.orm import OutboxRow

    d = page.receive()
    printed = d.code
    final = printed[:-4] + "0042"
    with page.ctx.reception._uow_factory() as uow:  # noqa: SLF001 - what a sync reply does
        event_id = uow.session.scalars(
            select(OutboxRow.event_id).where(OutboxRow.aggregate_id == d.sync_id)
        ).first()
        assert event_id is not None
        replace_codes(uow, {event_id: (final, "code_not_owned")}, page.clock())
        uow.commit()
    page.open(final, printed)  # typed as printed on the citizen's slip
    c = page.controller
    rows = [c.timeline.row_value(r) for r in range(c.timeline.rowCount())]
    (entry,) = [r for r in rows if r.label == "Cấp mã hồ sơ chính thức"]
    assert f"Mã đã in trên phiếu: {printed}" in entry.detail
    assert f"Mã chính thức: {final}" in entry.detail
    assert "Lý do: mã đã in thuộc dải số của quầy khác" in entry.detail
    assert "code_not_owned" not in entry.detail
