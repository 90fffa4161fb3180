"""Digitising after intake from the lookup page (issue 15), on the real services and SANE's test
device: a received paper not digitised at intake is scanned in the same dialog as intake, a wrong
copy is replaced after a reason (the old one kept and listed), and the dossier's completeness in
the heading and the tab follows; the outbox holds each change once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from motcua_desk.domain.digitisation import PaperMeta, RowState, Source
from motcua_desk.domain.dossier import ApplicantKind, Person, Sex
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.ui.screens.intake.digitise import DigitiseDialog

from . import test_integration_services as _real

real_ctx = _real.real_ctx
real_window = _real.real_window

BIRTH = "1.001193"  # two papers


@pytest.fixture(autouse=True)
def sane_test_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    conf = tmp_path / "sane.d"
    conf.mkdir()
    (conf / "dll.conf").write_text("test\n")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(conf))
    yield


HOA = Person(
    full_name="Lê Thị Hoa",
    id_number="038195001234",
    birth_date=date(1995, 6, 15),
    sex=Sex.FEMALE,
    address="Số 12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
    kind=ApplicantKind.CITIZEN,
)


def receive_with_one_copy(ctx: Any, tmp_path: Path, second_received: bool = True) -> Any:
    """A dossier of two papers; only the first digitised at intake."""
    user = ctx.accounts.login("admin", "matkhau-dai-123")
    items = ctx.reception.checklist_for(ctx.catalogue.get(BIRTH))
    ticked = tuple(
        replace(item, received=True)
        if i == 0 or second_received
        else replace(item, received=False, required=False)  # an optional paper not brought
        for i, item in enumerate(items)
    )
    d = ctx.reception.receive(IntakeDraft(BIRTH, HOA, checklist=ticked), user).value
    png = tmp_path / "first.png"
    Image.new("L", (300, 420), 200).save(png, dpi=(200, 200))
    ctx.digitisation.save(
        d.id, 0, ctx.digitisation.import_file(png), PaperMeta("to_khai"), "admin", Source.IMPORTED
    )
    return d


def test_lookup_digitises_a_missing_paper_and_replaces_a_wrong_copy(
    qtbot: Any, real_window: Any, real_ctx: Any, tmp_path: Path
) -> None:
    win = real_window
    real_ctx.settings_store.update(ocr_enabled=False)  # OCR after saving is tested elsewhere
    d = receive_with_one_copy(real_ctx, tmp_path)
    lookup = win.lookup
    papers = lookup.dossier_papers
    lookup.open_code(d.code)
    qtbot.waitUntil(lambda: "Số hóa: 1/2 giấy tờ" in lookup.view.header.text(), timeout=30000)
    qtbot.waitUntil(lambda: papers.rows.rowCount() == 2, timeout=30000)
    assert [papers.rows.row_value(i).state for i in range(2)] == [
        RowState.DIGITISED,
        RowState.MISSING,
    ]
    assert "1/2" in papers.summary.text()
    assert lookup.view.tabs.indexOf(papers.widget) >= 0

    dialogs: list[DigitiseDialog] = []

    def clerk_scans(dialog: DigitiseDialog) -> Any:
        """What the clerk does in the same dialog as intake: wait for the scan, fill, save."""
        qtbot.addWidget(dialog)
        dialogs.append(dialog)
        assert dialog.scanning  # the scan started in the background
        qtbot.waitUntil(
            lambda: not dialog.scanning and dialog.save_button.isEnabled(), timeout=60000
        )
        dialog.number.setText("12/GCS")
        dialog.issuer.setText("Bệnh viện Đa khoa tỉnh Thanh Hóa")
        return dialog.result_draft()

    papers.run_dialog = clerk_scans
    papers.select(1)
    assert papers.scan_button.text() == "Quét…" and papers.scan_button.isEnabled()
    papers.digitise(scan=True)
    qtbot.waitUntil(lambda: "Số hóa: đầy đủ (2/2" in lookup.view.header.text(), timeout=30000)
    qtbot.waitUntil(lambda: "đầy đủ" in papers.summary.text(), timeout=30000)
    assert dialogs[0].windowTitle() == "Số hóa giấy tờ: " + d.checklist[1].name
    copies = {a.position: a for a in real_ctx.digitisation.attachments(d.id)}
    assert copies[1].pages == 10 and copies[1].meta.number == "12/GCS"
    assert copies[1].source is Source.SCANNED and copies[1].digitised_by == "admin"

    # Replacing the first copy: a reason is asked; cancelling changes nothing.
    old = copies[0]
    papers.select(0)
    assert papers.scan_button.text() == "Quét lại…"
    papers.ask_reason = lambda _name: None
    papers.digitise(scan=True)
    assert len(dialogs) == 1
    papers.ask_reason = lambda _name: "Quét nhầm trang"
    papers.digitise(scan=True)
    assert "Bản đang có: số hóa bởi admin" in dialogs[1].recorded.text()
    assert dialogs[1].paper_type.text() == "to_khai"  # the old metadata is offered
    qtbot.waitUntil(lambda: bool(papers.history), timeout=60000)
    assert "đã thay 1 lần" in papers.rows.data(papers.rows.index(0, 3))
    qtbot.waitUntil(lambda: "Quét nhầm trang" in papers.history_label.text(), timeout=30000)
    now = {a.position: a for a in real_ctx.digitisation.attachments(d.id)}
    assert now[0].sync_id != old.sync_id and now[0].pages == 10
    assert real_ctx.digitisation.store.verify(old.file_sha256)  # the old file is kept
    [kept] = real_ctx.digitisation.history(d.id)
    assert kept.attachment.sync_id == old.sync_id and kept.reason == "Quét nhầm trang"
    qtbot.waitUntil(lambda: "Số hóa: đầy đủ (2/2" in lookup.view.header.text(), timeout=30000)

    # Each change is in the outbox once, in order.
    with real_ctx.reception._uow_factory() as uow:  # noqa: SLF001
        events = [
            (e.kind, e.aggregate_id)
            for e in uow.outbox.pending(1000)
            if e.kind.startswith("attachment.")
        ]
    puts = [a for k, a in events if k == "attachment.put"]
    assert ("attachment.removed", old.sync_id) in events
    assert puts.count(now[1].sync_id) == 1 and puts.count(now[0].sync_id) == 1
    opened: list[Any] = []
    papers.open_copy = opened.append
    papers.select(0)
    papers.view_current()
    assert [a.sync_id for a in opened] == [now[0].sync_id]


def test_a_paper_not_received_is_not_digitised_from_the_lookup_page(
    qtbot: Any, real_window: Any, real_ctx: Any, tmp_path: Path
) -> None:
    d = receive_with_one_copy(real_ctx, tmp_path, second_received=False)
    papers = real_window.lookup.dossier_papers
    real_window.lookup.open_code(d.code)
    qtbot.waitUntil(lambda: papers.rows.rowCount() == 2, timeout=30000)
    assert papers.rows.row_value(1).state is RowState.NOT_RECEIVED
    papers.select(1)
    assert not papers.scan_button.isEnabled() and not papers.file_button.isEnabled()
    papers.run_dialog = lambda _d: pytest.fail("no dialog for a paper not received")
    papers.digitise(scan=True)
    assert "chưa được nhận" in papers.message.text()


def test_files_dropped_on_a_paper_row_open_its_dialog_bad_ones_refused(
    qtbot: Any, real_window: Any, real_ctx: Any, tmp_path: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    real_ctx.settings_store.update(ocr_enabled=False)
    d = receive_with_one_copy(real_ctx, tmp_path)
    papers = real_window.lookup.dossier_papers
    real_window.lookup.open_code(d.code)
    qtbot.waitUntil(lambda: papers.rows.rowCount() == 2, timeout=30000)
    empty = tmp_path / "rỗng.pdf"
    empty.write_bytes(b"")
    good = tmp_path / "Giấy chứng sinh.png"
    Image.new("L", (300, 420), 150).save(good, dpi=(200, 200))
    outcomes: list[Any] = []

    def clerk(dialog: DigitiseDialog) -> Any:
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: "rỗng.pdf" in dialog.message.text(), timeout=30000)
        qtbot.waitUntil(lambda: len(dialog.pages) == 1, timeout=30000)
        outcomes.append(dialog.message.text())
        return dialog.result_draft()

    papers.run_dialog = clerk
    papers.table.resizeRowsToContents()
    rect = papers.table.visualRect(papers.rows.index(1, 1))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(empty)), QUrl.fromLocalFile(str(good))])
    drop = QDropEvent(
        QPointF(rect.center()), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    assert papers.eventFilter(papers.table.viewport(), drop)
    assert "rỗng" in outcomes[0]  # the empty file refused with its name, the other one kept
    qtbot.waitUntil(lambda: "đầy đủ" in papers.summary.text(), timeout=30000)
    copies = {a.position: a for a in real_ctx.digitisation.attachments(d.id)}
    assert copies[1].source is Source.IMPORTED and copies[1].pages == 1

    # Only a bad file: nothing can be saved, nothing is attached.
    papers.select(0)
    papers.ask_reason = lambda _name: "Thử tệp hỏng"
    papers.run_dialog = lambda dialog: dialog.result_draft()  # the clerk saves at once
    before = real_ctx.digitisation.attachments(d.id)
    papers.digitise(paths=[empty])
    assert real_ctx.digitisation.attachments(d.id) == before
    assert real_ctx.digitisation.history(d.id) == []
