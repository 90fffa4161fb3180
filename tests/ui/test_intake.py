"""The intake screen driven by key events, on the real services and a temporary database.

Only the printer and the scanner's clock are fakes (``tests/ui/counter.py``).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
from PySide6.QtCore import Qt

from motcua_desk.domain.dossier import Channel, ReturnMethod, Sex, Status

from .conftest import decode_pdf, nfd, press, type_text
from .counter import BIRTH, BUILDING_PERMIT, RealCounter, counter_window, make_counter
from .fakes import FakePrinterBackend, StepClock

NAME = "Nguyễn Thị Hằng"
ID = "038195001234"


@pytest.fixture
def ctx(tmp_path: Path) -> RealCounter:
    return make_counter(tmp_path)


@pytest.fixture
def window(
    qtbot: Any,
    ctx: RealCounter,
    backend: FakePrinterBackend,
    scan_clock: StepClock,
    reported: list[tuple[str, BaseException]],
) -> Iterator[Any]:
    yield from counter_window(qtbot, ctx, backend, scan_clock)


def activate(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def human(window: Any, scan_clock: Any) -> None:
    scan_clock.step = 0.2  # 200 ms between keys: typing, not a scanner


def type_into(qtbot: Any, widget: Any, text: str) -> None:
    widget.setFocus()
    type_text(widget, text)
    expected = text if not hasattr(widget, "text") else None
    if expected is None:
        qtbot.waitUntil(
            lambda: widget.text().endswith(text[-1:]) and len(widget.text()) >= len(text)
        )


def fill_valid(qtbot: Any, window: Any, *, tick: bool = True) -> None:
    v = window.intake.view
    type_into(qtbot, v.procedure_search, BIRTH)  # "Đăng ký khai sinh", by its code
    qtbot.waitUntil(lambda: window.intake.model.rowCount() == 1)
    qtbot.keyClick(v.procedure_search, Qt.Key.Key_Return)
    assert window.intake.procedure is not None
    if tick:
        v.checklist.setFocus()
        v.checklist.setCurrentRow(0)
        qtbot.keyClick(v.checklist, Qt.Key.Key_Space)
        qtbot.keyClick(v.checklist, Qt.Key.Key_Down)
        qtbot.keyClick(v.checklist, Qt.Key.Key_Space)
    type_into(qtbot, v.full_name, nfd(NAME))  # Unikey "tổ hợp" types NFD
    type_into(qtbot, v.id_number, ID)
    type_into(qtbot, v.birth_date, "15/06/1995")
    v.sex.setFocus()
    v.sex.setCurrentIndex(v.sex.findData("female"))
    type_into(qtbot, v.phone, "0912345678")
    type_into(qtbot, v.address, "Số 12 Lê Lợi, phường Hạc Thành")


def stored_event(ctx: RealCounter, code: str, kind: str) -> dict[str, Any]:
    """The detail of the dossier's timeline entry ``kind``, as saved in the database."""
    file = ctx.dossier(code)
    assert file is not None
    return next(dict(e.detail) for e in file.timeline if e.kind == kind)


def test_whole_intake_by_keys_saves_and_prints(
    qtbot: Any, window: Any, ctx: RealCounter, backend: FakePrinterBackend, scan_clock: Any
) -> None:
    activate(qtbot, window)
    human(window, scan_clock)
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.tabs.currentIndex() == 1
    fill_valid(qtbot, window)
    with qtbot.waitSignal(window.intake.dossier_saved, timeout=5000) as saved:
        qtbot.keyClick(
            window.intake.view.address, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    dossier = saved.args[0]
    assert dossier.applicant.full_name == unicodedata.normalize("NFC", NAME)
    assert dossier.applicant.sex is Sex.FEMALE
    assert dossier.applicant.birth_date.isoformat() == "1995-06-15"
    assert dossier.status is Status.RECEIVED
    assert all(i.received for i in dossier.checklist if i.required)
    assert [d.code for d in ctx.store.dossiers] == [dossier.code]
    qtbot.waitUntil(lambda: bool(ctx.store.prints), timeout=10000)
    assert ctx.store.prints[0].outcome == "sent"
    assert ctx.store.prints[0].printer == "fake-printer"
    assert len(backend.jobs) == 1
    pdf = backend.jobs[0][0]
    found = decode_pdf(pdf)
    assert ("Code128", dossier.code) in found
    assert any(fmt == "QRCode" and dossier.code in text for fmt, text in found)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert unicodedata.normalize("NFC", NAME) in [line.strip() for line in text.splitlines()] or (
        unicodedata.normalize("NFC", NAME) in text
    )
    assert nfd(NAME) not in text or nfd(NAME) == unicodedata.normalize("NFC", NAME)
    # The form is empty again for the next citizen, and the home page has nothing unprinted.
    assert window.intake.view.full_name.text() == ""
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 0)


def test_validation_errors_show_next_to_fields_and_keep_input(
    qtbot: Any, window: Any, ctx: RealCounter, scan_clock: Any
) -> None:
    human(window, scan_clock)
    window.show_intake()
    v = window.intake.view
    type_into(qtbot, v.full_name, "Trần Văn Bình")
    type_into(qtbot, v.phone, "12345")
    type_into(qtbot, v.birth_date, "31/02/1990")
    window.intake.save_and_print()
    assert ctx.store.dossiers == []
    assert v.rows["procedure"].error.isVisibleTo(window)
    assert "Số điện thoại không hợp lệ" in v.rows["applicant.phone"].error.text()
    assert "ngày/tháng/năm" in v.rows["applicant.birth_date"].error.text()
    assert "số định danh" in v.rows["applicant.id_number"].error.text().lower()
    assert v.rows["applicant.full_name"].error.text() == ""
    # nothing typed is lost
    assert v.full_name.text() == "Trần Văn Bình"
    assert v.phone.text() == "12345"
    assert v.birth_date.text() == "31/02/1990"


def test_incomplete_checklist_refuses_save(
    qtbot: Any, window: Any, ctx: RealCounter, scan_clock: Any
) -> None:
    human(window, scan_clock)
    window.show_intake()
    fill_valid(qtbot, window, tick=False)
    window.intake.save_and_print()
    assert ctx.store.dossiers == []
    assert "giấy tờ" in window.intake.view.rows["checklist"].error.text()
    assert window.intake.view.full_name.text() == nfd(NAME)


def test_service_side_validation_error_is_shown(
    qtbot: Any, window: Any, ctx: RealCounter, scan_clock: Any, monkeypatch: Any
) -> None:
    from motcua_desk.domain.errors import ValidationFailedError

    human(window, scan_clock)
    window.show_intake()
    fill_valid(qtbot, window)

    def receive(draft: Any, clerk: Any) -> Any:
        raise ValidationFailedError({"applicant.birth_date": "birth_date_mismatch"})

    monkeypatch.setattr(ctx.reception, "receive", receive)
    window.intake.save_and_print()
    row = window.intake.view.rows["applicant.birth_date"]
    qtbot.waitUntil(lambda: "không khớp" in row.error.text())
    assert window.intake.view.full_name.text() == nfd(NAME)
    assert window.intake.view.save_button.isEnabled()


def test_search_without_diacritics_and_by_code(qtbot: Any, window: Any, scan_clock: Any) -> None:
    human(window, scan_clock)
    window.show_intake()
    v = window.intake.view
    type_into(qtbot, v.procedure_search, "ban sao tu so goc")  # "Cấp bản sao từ sổ gốc"
    qtbot.waitUntil(lambda: window.intake.model.rowCount() == 1)
    assert window.intake.model.row_value(0).code == "2.000908"
    v.procedure_search.clear()
    type_into(qtbot, v.procedure_search, BUILDING_PERMIT)
    qtbot.waitUntil(lambda: window.intake.model.rowCount() == 1)
    qtbot.keyClick(v.procedure_search, Qt.Key.Key_Return)
    assert v.detail_fee.text() == "75.000 đồng"
    assert v.detail_time.text() == "15 ngày làm việc"
    assert v.checklist.count() == 2
    assert "2 bản" in v.checklist.item(1).text()


def test_escape_asks_before_losing_data(qtbot: Any, window: Any, scan_clock: Any) -> None:
    activate(qtbot, window)
    human(window, scan_clock)
    window.show_intake()
    v = window.intake.view
    type_into(qtbot, v.full_name, "Lê Văn C")
    questions: list[str] = []
    window.intake.confirm = lambda text: questions.append(text) or False
    qtbot.keyClick(v.full_name, Qt.Key.Key_Escape)
    assert len(questions) == 1
    assert v.full_name.text() == "Lê Văn C"
    window.intake.confirm = lambda text: questions.append(text) or True
    qtbot.keyClick(v.full_name, Qt.Key.Key_Escape)
    assert v.full_name.text() == ""
    questions.clear()
    qtbot.keyClick(v.full_name, Qt.Key.Key_Escape)  # empty form: no question
    assert questions == []


def test_postal_return_needs_address(
    qtbot: Any, window: Any, ctx: RealCounter, scan_clock: Any
) -> None:
    human(window, scan_clock)
    window.show_intake()
    fill_valid(qtbot, window)
    v = window.intake.view
    v.channel.setCurrentIndex(v.channel.findData(int(Channel.POSTAL)))
    v.return_method.setCurrentIndex(v.return_method.findData(ReturnMethod.POST.value))
    assert v.return_address.isEnabled()
    assert v.return_address.text() == v.address.text()  # prefilled from the applicant
    v.return_address.clear()
    window.intake.save_and_print()
    assert "địa chỉ nhận kết quả" in v.rows["return_address"].error.text().lower()
    type_into(qtbot, v.return_address, "Hộp thư 5")
    with qtbot.waitSignal(window.intake.dossier_saved, timeout=5000) as saved:
        window.intake.save_and_print()
    assert saved.args[0].channel is Channel.POSTAL
    assert saved.args[0].return_method is ReturnMethod.POST


def test_submitter_is_saved(qtbot: Any, window: Any, scan_clock: Any) -> None:
    human(window, scan_clock)
    window.show_intake()
    fill_valid(qtbot, window)
    v = window.intake.view
    v.submitter_box.setChecked(True)
    type_into(qtbot, v.sub_full_name, "Phạm Văn Đức")
    type_into(qtbot, v.sub_id_number, "001090012345")  # the real rule: a submitter's ID too
    with qtbot.waitSignal(window.intake.dossier_saved, timeout=5000) as saved:
        window.intake.save_and_print()
    assert saved.args[0].submitter.full_name == "Phạm Văn Đức"


def test_supplement_request_lists_missing_and_prints(
    qtbot: Any, window: Any, ctx: RealCounter, backend: FakePrinterBackend, scan_clock: Any
) -> None:
    human(window, scan_clock)
    window.show_intake()
    fill_valid(qtbot, window, tick=False)
    asked: list[list[str]] = []

    def answer(missing: list[str]) -> tuple[tuple[str, ...], str]:
        asked.append(missing)
        return tuple(missing), "Thiếu giấy chứng sinh"

    window.intake.ask_supplement = answer
    with qtbot.waitSignal(window.intake.outcome_recorded, timeout=5000) as rec:
        window.intake.request_supplement()
    procedure = ctx.catalogue.get(BIRTH)
    papers = [i.name for i in ctx.reception.checklist_for(procedure) if i.required]
    assert asked == [papers]
    assert rec.args[0] == "supplement"
    assert rec.args[1].status is Status.SUPPLEMENT
    saved = stored_event(ctx, rec.args[1].code, "supplement_requested")
    assert saved == {"missing": papers, "reason": "Thiếu giấy chứng sinh"}
    qtbot.waitUntil(lambda: bool(ctx.store.prints), timeout=10000)
    assert ctx.store.prints[0].doc_type == "supplement"


def test_refusal_needs_a_reason(qtbot: Any, window: Any, ctx: RealCounter, scan_clock: Any) -> None:
    human(window, scan_clock)
    window.show_intake()
    fill_valid(qtbot, window)
    window.intake.ask_reason = lambda title, prompt: None  # clerk cancelled
    window.intake.refuse()
    assert ctx.store.dossiers == []
    window.intake.ask_reason = lambda title, prompt: "Không thuộc thẩm quyền"
    with qtbot.waitSignal(window.intake.outcome_recorded, timeout=5000) as rec:
        window.intake.refuse()
    assert rec.args[0] == "refusal"
    assert rec.args[1].status is Status.REFUSED
    assert stored_event(ctx, rec.args[1].code, "refused") == {"reason": "Không thuộc thẩm quyền"}
    qtbot.waitUntil(lambda: bool(ctx.store.prints), timeout=10000)
    assert ctx.store.prints[0].doc_type == "refusal"


def test_failed_print_keeps_dossier_and_lists_it_on_home(
    qtbot: Any, window: Any, ctx: RealCounter, backend: FakePrinterBackend, scan_clock: Any
) -> None:
    human(window, scan_clock)
    backend.fail = True
    window.show_intake()
    fill_valid(qtbot, window)
    with qtbot.waitSignal(window.print_flow.print_failed, timeout=10000):
        window.intake.save_and_print()
    assert len(ctx.store.dossiers) == 1
    qtbot.waitUntil(lambda: bool(ctx.store.prints))
    assert ctx.store.prints[0].outcome == "failed"
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 1)
    assert "chưa in" in window.home.view.unprinted_label.text()
    assert (
        "chưa in" in window.notice.text().lower() or "In không thành công" in window.notice.text()
    )
    # Reprint asks for a reason; without one nothing is printed.
    backend.fail = False
    dossier = window.home.model.row_value(0)
    window.home.ask_reason = lambda: None
    assert not window.home.reprint(dossier)
    window.home.ask_reason = lambda: "Máy in kẹt giấy"
    assert window.home.reprint(dossier)
    qtbot.waitUntil(lambda: len(ctx.store.prints) == 2, timeout=10000)
    assert ctx.store.prints[1].outcome == "sent"
    assert ctx.store.prints[1].reprint_reason == "Máy in kẹt giấy"
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 0)


def test_preview_shows_pdf(qtbot: Any, window: Any, ctx: RealCounter, scan_clock: Any) -> None:
    human(window, scan_clock)
    window.show_intake()
    fill_valid(qtbot, window)
    with qtbot.waitSignal(window.intake.dossier_saved, timeout=5000) as saved:
        window.intake.save_and_print()
    with qtbot.waitSignal(window.print_flow.rendered, timeout=10000):
        window.print_flow.render("receipt", saved.args[0])
    qtbot.waitUntil(lambda: bool(window.previews))
    assert window.previews[0].page_count == 1
    window.previews[0].close()


def test_double_save_is_ignored(qtbot: Any, window: Any, ctx: RealCounter, scan_clock: Any) -> None:
    human(window, scan_clock)
    window.show_intake()
    fill_valid(qtbot, window)
    with qtbot.waitSignal(window.intake.dossier_saved, timeout=5000):
        window.intake.save_and_print()
        window.intake.save_and_print()
    assert len(ctx.store.dossiers) == 1


def test_press_helper_sends_keys(qtbot: Any, window: Any) -> None:
    window.show_intake()
    v = window.intake.view
    v.full_name.setText("ab")
    v.full_name.setFocus()
    press(v.full_name, Qt.Key.Key_Backspace)
    assert v.full_name.text() == "a"


def test_unknown_processing_time_is_explained_not_fatal(
    qtbot: Any, window: Any, ctx: RealCounter, monkeypatch: Any
) -> None:
    from motcua_desk.domain.errors import ValidationFailedError

    def no_due(code: str, received_at: Any = None) -> Any:
        raise ValidationFailedError({"procedure": "unknown_processing_time"})

    monkeypatch.setattr(ctx.reception, "preview_due", no_due)
    window.show_intake()
    assert window.intake.select_procedure_code(BUILDING_PERMIT)
    qtbot.waitUntil(lambda: "thời hạn giải quyết" in window.intake.view.detail_due.text())
    assert window.intake.view.checklist.count() == 2


def test_due_date_is_computed_off_the_gui_thread(
    qtbot: Any, window: Any, ctx: RealCounter, monkeypatch: Any
) -> None:
    """The calendar may wait on the database: the GUI thread never computes the due date."""
    import threading

    from motcua_desk.ui.screens.intake import form

    real = ctx.reception.preview_due
    threads: list[str] = []
    release = threading.Event()

    def slow_due(code: str, received_at: Any = None) -> Any:
        threads.append(threading.current_thread().name)
        release.wait(5)  # a database busy with another counter's save
        return real(code, received_at)

    monkeypatch.setattr(ctx.reception, "preview_due", slow_due)
    window.show_intake()
    assert window.intake.select_procedure_code(BUILDING_PERMIT)
    # The window answered before the calendar did.
    assert window.intake.view.detail_due.text() == "Đang tính ngày hẹn trả…"
    assert window.intake.select_procedure_code(BIRTH)
    release.set()
    qtbot.waitUntil(lambda: len(threads) == 2)
    expected = form.format_due(real(BIRTH))
    qtbot.waitUntil(lambda: expected in window.intake.view.detail_due.text())
    assert threading.current_thread().name not in threads
