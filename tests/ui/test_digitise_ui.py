"""Digitisation on the intake checklist (issue 15), on the real services and SANE's test device:
scanning in the background with a page counter, page operations, files, a jam keeping pages,
shown-only and reuse, and the drafts stored once the dossier is saved."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from motcua_desk.domain.digitisation import Source
from motcua_desk.imaging.sane import ScanimageScanner
from motcua_desk.ui.screens.intake import digitise
from motcua_desk.ui.screens.intake.digitise import DigitiseDialog

from . import test_integration_services as _real

real_ctx = _real.real_ctx  # fixtures: the UI on the real services
real_window = _real.real_window

BIRTH = "1.001193"  # two papers


@pytest.fixture(autouse=True)
def sane_test_device(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    conf = tmp_path / "sane.d"
    conf.mkdir()
    (conf / "dll.conf").write_text("test\n")
    monkeypatch.setenv("SANE_CONFIG_DIR", str(conf))
    yield


def png(tmp_path: Path, name: str = "Giấy chứng sinh.png") -> Path:
    path = tmp_path / name
    Image.new("L", (400, 560), 230).save(path, dpi=(200, 200))
    return path


def test_dialog_scans_in_background_and_arranges_pages(
    qtbot: Any, real_ctx: Any, tmp_path: Path
) -> None:
    from motcua_desk.ui.tasks import TaskRunner

    runner = TaskRunner()
    dialog = DigitiseDialog(real_ctx.digitisation, runner, real_ctx.settings, "Giấy chứng sinh")
    qtbot.addWidget(dialog)
    dialog.scan()
    assert dialog.scanning and not dialog.scan_button.isEnabled()  # the window did not wait
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=20000)
    assert len(dialog.pages) == 10  # the test device's feeder holds 10 sheets
    assert "10 trang" in dialog.progress.text()
    qtbot.waitUntil(lambda: not dialog.page_list.item(0).icon().isNull(), timeout=20000)
    dialog.page_list.setCurrentRow(0)
    dialog.rotate_current()
    assert dialog.pages[0].rotation == 90
    dialog.move_page(0, 9)  # the turned page goes last
    assert [p.rotation for p in dialog.pages] == [0] * 9 + [90]
    dialog.page_list.setCurrentRow(9)
    dialog.delete_current()
    assert len(dialog.pages) == 9 and all(p.rotation == 0 for p in dialog.pages)
    dialog.add_files([png(tmp_path), tmp_path / "missing.pdf"])
    qtbot.waitUntil(lambda: len(dialog.pages) == 10, timeout=20000)
    qtbot.waitUntil(lambda: "missing.pdf" in dialog.message.text(), timeout=20000)
    assert "không mở được tệp" in dialog.message.text()
    dialog.issued_on.setText("32/13/2020")
    assert dialog.result_draft() is None and "Ngày cấp" in dialog.message.text()
    dialog.issued_on.setText("20/10/2023")
    dialog.number.setText("12/GCS")
    draft = dialog.result_draft()
    assert draft is not None and len(draft.pages) == 10 and draft.meta.number == "12/GCS"
    runner.shutdown()


def test_a_jam_keeps_the_pages_already_scanned(
    qtbot: Any, real_ctx: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motcua_desk.ui.tasks import TaskRunner

    runner = TaskRunner()
    dialog = DigitiseDialog(real_ctx.digitisation, runner, real_ctx.settings, "Tờ khai")
    qtbot.addWidget(dialog)
    dialog.scan()
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=20000)
    kept = dialog.pages
    real = digitise.scanner_from_settings

    def jamming(settings: Any) -> Any:
        _, device, scan = real(settings)
        return (
            ScanimageScanner(extra_args=("--read-return-value=SANE_STATUS_JAMMED",)),
            device,
            scan,
        )

    monkeypatch.setattr(digitise, "scanner_from_settings", jamming)
    dialog.scan()
    qtbot.waitUntil(lambda: not dialog.scanning, timeout=20000)
    assert "kẹt giấy" in dialog.message.text()
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=20000)  # after straightening
    assert dialog.pages == kept
    runner.shutdown()


def test_intake_saves_the_drafts_with_the_dossier(
    qtbot: Any, real_window: Any, real_ctx: Any, tmp_path: Path
) -> None:
    win = real_window
    v = win.intake.view
    papers = win.intake.papers
    win.show_intake()
    assert win.intake.select_procedure_code(BIRTH)
    assert v.checklist.count() == 2
    file = png(tmp_path)

    def fake_dialog(name: str, draft: Any, scan: bool, files: bool, paths: Any) -> Any:
        """What the clerk would do in the dialog: the dropped file, saved as it is."""
        dialog = DigitiseDialog(real_ctx.digitisation, win.runner, real_ctx.settings, name, draft)
        qtbot.addWidget(dialog)
        dialog.add_files(list(paths))
        qtbot.waitUntil(lambda: len(dialog.pages) == 1, timeout=20000)
        return dialog.result_draft()

    papers.run_dialog = fake_dialog
    # A file dropped on the second row opens that row's dialog.
    rect = v.checklist.visualItemRect(v.checklist.item(1))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(file))])
    drop = QDropEvent(
        QPointF(rect.center()), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    papers.eventFilter(v.checklist.viewport(), drop)
    assert 1 in papers.drafts and "đã số hóa (1 trang)" in v.checklist.item(1).text()
    assert v.checklist.item(1).checkState() == Qt.CheckState.Checked
    qtbot.waitUntil(lambda: not v.checklist.item(1).icon().isNull(), timeout=10000)  # thumbnail
    v.checklist.setCurrentRow(0)
    papers.toggle_shown_only()
    assert "chỉ xuất trình" in v.checklist.item(0).text()
    assert papers.count.text() == "Đã số hóa 1/1 giấy tờ đã nhận"
    v.full_name.setText("Lê Thị Hoa")
    v.id_number.setText("038195001234")
    v.birth_date.setText("15/06/1995")
    v.sex.setCurrentIndex(v.sex.findData("female"))
    v.address.setText("Số 12 Lê Lợi, phường Hạc Thành")
    with qtbot.waitSignal(papers.saved, timeout=20000) as saved:
        win.intake.save_and_print()
    code, attachments = saved.args
    assert sorted((a.position, a.source) for a in attachments) == [
        (0, Source.SHOWN_ONLY),
        (1, Source.IMPORTED),
    ]
    dossier = real_ctx.reception.get_by_code(code)
    assert real_ctx.digitisation.completeness(dossier.id).complete
    assert papers.drafts == {}  # the next intake starts clean
    win.lookup.open_code(code)
    qtbot.waitUntil(lambda: "Số hóa: đầy đủ (1/1" in win.lookup.view.header.text(), timeout=10000)
    qtbot.waitUntil(win.lookup.view.papers_button.isEnabled, timeout=10000)
    preview = win.lookup.show_paper(win.lookup.papers[0])
    assert preview is not None and preview.page_count == 1
    assert "Bản số hóa giấy tờ" in preview.windowTitle() and not preview.print_button.isVisible()
    preview.close()

    # The same applicant again: the paper digitised before is offered for reuse.
    assert win.intake.select_procedure_code(BIRTH)
    v.id_number.setText("038195001234")
    papers.lookup_offers()
    qtbot.waitUntil(lambda: papers.reuse_button.isEnabled() or bool(papers.offers), timeout=20000)
    v.checklist.setCurrentRow(1)
    papers.choose_offer(papers.offers[0])
    assert "dùng lại" in v.checklist.item(1).text()
    assert os.path.exists(real_ctx.digitisation.store.path_of(papers.offers[0].file_sha256))
