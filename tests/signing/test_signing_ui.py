"""The signing page, the PIN dialog, the print flow's electronic copy and the lookup's
signature table, on the real services, a SoftHSM2 token and offscreen Qt."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from motcua_desk.ui import errors
from motcua_desk.ui.printer import PrintResult
from motcua_desk.ui.tasks import TaskRunner

from .conftest import pki


class PdfSink:
    """A printer backend that accepts every job (the spooler itself is tested elsewhere)."""

    thread_safe = True

    def __init__(self) -> None:
        self.jobs: list[bytes] = []

    def print_pdf(self, pdf: bytes, *, printer: str, paper: str, title: str) -> PrintResult:
        self.jobs.append(pdf)
        return PrintResult(printer=printer, job_id=f"job-{len(self.jobs)}", backend="test")

    def printers(self) -> list[str]:
        return ["motcua-pdf"]

    def default_printer(self) -> str:
        return "motcua-pdf"


@pytest.fixture
def reported() -> Iterator[list[tuple[str, BaseException]]]:
    shown: list[tuple[str, BaseException]] = []
    previous = errors.set_presenter(lambda message, exc: shown.append((message, exc)))
    yield shown
    errors.set_presenter(previous)


@pytest.fixture
def runner(qtbot: Any) -> Iterator[TaskRunner]:
    r = TaskRunner()
    yield r
    r.shutdown()


@pytest.fixture
def page(qtbot, ctx, admin, runner, reported):  # type: ignore[no-untyped-def]
    from motcua_desk.ui.screens.signing.controller import SigningController

    ctx.settings_store.update(signing_module="", signing_token="", signing_cert_id="")
    controller = SigningController(ctx, runner, admin)
    qtbot.addWidget(controller.view)
    controller.view.resize(1280, 720)
    controller.view.show()
    return controller


def _pin_dialog(qtbot: Any, page: Any) -> Any:
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    return page.dialog


def test_choose_token_log_in_and_sign_what_waits(
    qtbot, page, ctx, admin, dossier, hsm, reported
) -> None:  # type: ignore[no-untyped-def]
    v = page.view
    assert "Chưa chọn token" in v.status.text()
    v.module.setCurrentText(hsm.module)
    v.find_button.click()
    qtbot.waitUntil(lambda: v.certificate.count() > 0, timeout=10000)
    assert v.token.currentData() == "clerk"
    labels = [v.certificate.itemText(i) for i in range(v.certificate.count())]
    assert any("Nguyễn Thị Lan" in t and "hiệu lực đến" in t for t in labels)
    v.certificate.setCurrentIndex(v.certificate.findData(hsm.clerk.cert_id))
    v.choose_button.click()
    qtbot.waitUntil(lambda: ctx.settings.signing_cert_id == hsm.clerk.cert_id, timeout=10000)
    assert "Chưa nhập mã PIN" in v.status.text()

    # A receipt issued before the PIN: it waits, and the page lists it.
    queued = ctx.signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    assert queued is not None and queued.pending
    page.refresh()
    qtbot.waitUntil(lambda: page.pending.rowCount() == 1)
    assert page.pending.data(page.pending.index(0, 4)) == "Chờ ký"

    # "Ký tất cả" asks for the PIN first; a wrong PIN keeps the dialog open with the tries.
    v.sign_all_button.click()
    dialog = _pin_dialog(qtbot, page)
    dialog.pin.setText("000000")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10000)
    assert "Mã PIN không đúng" in dialog.message.text()
    assert "ít lần thử" in dialog.message.text()  # the token's CKF_USER_PIN_COUNT_LOW
    assert dialog.pin.text() == ""  # the PIN does not stay in the field
    dialog.pin.setText(pki.PIN)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: page.pending.rowCount() == 0, timeout=10000)
    qtbot.waitUntil(lambda: "Đã ký số 1 tài liệu" in v.message.text(), timeout=10000)
    assert "Đã đăng nhập: Nguyễn Thị Lan" in v.status.text()
    assert reported == []


def test_print_flow_signs_the_electronic_copy_and_lookup_shows_it(
    qtbot, ctx, admin, dossier, runner, reported
) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.ui.print_flow import PrintFlow
    from motcua_desk.ui.screens.lookup.controller import LookupController

    sink = PdfSink()
    flow = PrintFlow(ctx, runner, sink, admin)
    # No PIN yet: the receipt prints at once and its electronic copy waits.
    flow.print_dossier("receipt", dossier)
    qtbot.waitUntil(lambda: len(sink.jobs) == 1 and len(ctx.signing.pending()) == 1, timeout=10000)
    ctx.signing.login(pki.PIN)
    assert ctx.signing.sign_all_pending(admin) == (1, None)

    lookup = LookupController(ctx, runner, admin, print_flow=flow)
    qtbot.addWidget(lookup.view)
    lookup.open_code(dossier.code)
    model = lookup.signatures.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10000)
    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row[1] == "Còn nguyên vẹn"
    assert row[2] == "Tin cậy"
    assert row[3] == "Nguyễn Thị Lan"
    assert row[5] == "B-B"
    assert reported == []
    QApplication.processEvents()


def test_pin_dialog_is_exempt_from_the_scanner_filter(qtbot: Any) -> None:
    from motcua_desk.ui.scanner import EXEMPT_PROPERTY
    from motcua_desk.ui.screens.signing.pin_dialog import PinDialog

    dialog = PinDialog("chứng thư")
    assert dialog.pin.property(EXEMPT_PROPERTY) is True
    assert dialog.pin.echoMode() == dialog.pin.EchoMode.Password
    dialog.deleteLater()


def test_pin_is_not_asked_when_the_token_cannot_sign(
    qtbot, ctx, admin, runner, hsm, reported
) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.ui.screens.signing.controller import SigningController

    page = SigningController(ctx, runner, admin)
    qtbot.addWidget(page.view)
    # The chosen certificate expired: said at once, no PIN asked.
    ctx.settings_store.update(signing_cert_id=hsm.expired.cert_id)
    page.view.pin_button.click()
    qtbot.waitUntil(lambda: "hết hạn" in page.view.message.text(), timeout=10000)
    assert page.dialog is None
    # The token is not plugged in (another label): said at once too.
    ctx.settings_store.update(signing_token="token-khac", signing_cert_id=hsm.clerk.cert_id)
    page.view.pin_button.click()
    qtbot.waitUntil(lambda: "Không thấy thiết bị ký số" in page.view.message.text(), timeout=10000)
    assert page.dialog is None
    # All well: the dialog names the certificate.
    ctx.settings_store.update(signing_token=hsm.token)
    page.view.pin_button.click()
    dialog = _pin_dialog(qtbot, page)
    assert "Nguyễn Thị Lan" in dialog.certificate.text()
    dialog.reject()
    assert reported == []


def test_upgrade_button_adds_the_time_stamp_in_the_background(
    qtbot, page, ctx, admin, dossier, hsm, reported
) -> None:  # type: ignore[no-untyped-def]
    from .test_online import _closed_port

    # No timestamp server configured: said, nothing changes.
    page.view.upgrade_button.click()
    qtbot.waitUntil(lambda: "Chưa bổ sung được" in page.view.message.text(), timeout=10000)
    assert "máy chủ cấp dấu thời gian" in page.view.message.text()
    ctx.settings_store.update(
        signing_module=hsm.module, signing_token=hsm.token, signing_cert_id=hsm.clerk.cert_id
    )
    ctx.settings_store.update(signing_tsa_url=f"http://127.0.0.1:{_closed_port()}/tsa")
    ctx.signing.login(pki.PIN)
    offline = ctx.signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    assert offline is not None and offline.level == "B-B"
    # Still offline: the banner says why, the signature stays B-B.
    page.view.upgrade_button.click()
    qtbot.waitUntil(lambda: "Chưa bổ sung được" in page.view.message.text(), timeout=20000)
    assert "Ký số không thành công" in page.view.message.text()
    [view] = ctx.signing.check_dossier(dossier.id)
    assert view.document.level == "B-B"
    assert reported == []


def test_upgrade_button_with_the_timestamp_server_back(
    qtbot, page, ctx, admin, dossier, hsm, reported, tsa_url
) -> None:  # type: ignore[no-untyped-def]
    from .test_online import _closed_port

    ctx.settings_store.update(
        signing_module=hsm.module,
        signing_token=hsm.token,
        signing_cert_id=hsm.clerk.cert_id,
        signing_tsa_url=f"http://127.0.0.1:{_closed_port()}/tsa",
    )
    ctx.signing.login(pki.PIN)
    offline = ctx.signing.submit_rendered(ctx.documents.render("receipt", dossier), admin)
    assert offline is not None and offline.level == "B-B"
    ctx.signing.logout()  # no token needed for the upgrade
    ctx.settings_store.update(signing_tsa_url=tsa_url)
    page.view.upgrade_button.click()
    qtbot.waitUntil(
        lambda: "Đã bổ sung dấu thời gian cho 1 chữ ký." in page.view.message.text(),
        timeout=30000,
    )
    [view] = ctx.signing.check_dossier(dossier.id)
    assert view.document.level == "B-LT" and view.check is not None
    assert view.check.timestamp_at is not None
    status = page.view.upgrade_status
    assert status.text().startswith("Bổ sung dấu thời gian lúc ") and "1 chữ ký" in status.text()
    assert status.toolTip() == "Đã bổ sung dấu thời gian cho 1 chữ ký."
    # A later run (e.g. after a sync) shows on the page when it is refreshed.
    ctx.settings_store.update(signing_tsa_url="")
    ctx.signing.upgrade_offline_signatures()
    page.refresh()
    assert status.text().endswith("0 chữ ký, còn lỗi")
    assert "máy chủ cấp dấu thời gian" in status.toolTip()
    assert reported == []


def test_paper_saved_at_intake_is_signed_in_the_background(
    qtbot, ctx, admin, hsm, reported, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    from motcua_desk.domain.digitisation import Source
    from motcua_desk.services.digitisation import PaperDraft
    from motcua_desk.services.paper_signing import origin_of
    from motcua_desk.signing.verify import verify_pdf
    from motcua_desk.ui.app import create_main_window
    from motcua_desk.ui.scanner import ScannerFilter

    user = ctx.accounts.login("admin", "mat-khau-2026")
    ctx.signing.login(pki.PIN)
    win = create_main_window(ctx, user, backend=PdfSink(), scanner=ScannerFilter(None))
    win.intake.confirm = lambda _text: True
    qtbot.addWidget(win)
    win.show()
    try:
        v, papers = win.intake.view, win.intake.papers
        win.show_intake()
        assert win.intake.select_procedure_code("1.001193")
        png = tmp_path / "Giấy chứng sinh.png"
        Image.new("L", (400, 560), 230).save(png, dpi=(200, 200))
        pages = ctx.digitisation.import_file(png)
        v.checklist.setCurrentRow(1)
        papers.drafts[1] = PaperDraft(pages=pages, source=Source.IMPORTED)
        papers._tick(1)  # noqa: SLF001 - what the digitise dialog does (tested in tests/ui)
        papers.refresh()
        v.checklist.setCurrentRow(0)
        papers.toggle_shown_only()  # the other paper only shown: every required paper is in
        v.full_name.setText("Lê Thị Hoa")
        v.id_number.setText("038195001234")
        v.birth_date.setText("15/06/1995")
        v.sex.setCurrentIndex(v.sex.findData("female"))
        v.address.setText("Số 12 Lê Lợi, phường Hạc Thành")
        with qtbot.waitSignal(papers.paper_finished, timeout=60000) as finished:
            win.intake.save_and_print()
        outcome = finished.args[0]
        assert outcome.signature is not None and outcome.signature.state == "signed"
        dossier_id = outcome.signature.dossier_id
        saved = next(a for a in ctx.digitisation.attachments(dossier_id) if a.position == 1)
        with ctx.reception._uow_factory() as uow:  # noqa: SLF001
            dossier = uow.dossiers.get(dossier_id)
        assert outcome.signature.conversion.origin == origin_of(dossier.checklist[1])
        assert saved.signed_sha256 is not None
        [check] = verify_pdf(ctx.digitisation.store.read(saved.signed_sha256), (hsm.ca.der,))
        assert check.intact and check.trusted and check.field_name == "DauChuyenDoi"
        assert reported == []
    finally:
        win.shutdown()


def test_paper_digitised_later_from_the_lookup_is_signed_too(
    qtbot, ctx, admin, hsm, reported, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """A paper scanned after intake (lookup page) gets the same conversion-marked signed copy."""
    from dataclasses import replace
    from datetime import date

    from PIL import Image

    from motcua_desk.domain.digitisation import PaperMeta, Source
    from motcua_desk.domain.dossier import ApplicantKind, Person, Sex
    from motcua_desk.services.digitisation import PaperDraft
    from motcua_desk.services.reception import IntakeDraft
    from motcua_desk.signing.verify import verify_pdf
    from motcua_desk.ui.app import create_main_window
    from motcua_desk.ui.scanner import ScannerFilter

    birth = "1.001193"  # two papers
    hoa = Person(
        full_name="Lê Thị Hoa",
        id_number="038195001234",
        birth_date=date(1995, 6, 15),
        sex=Sex.FEMALE,
        address="Số 12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
        kind=ApplicantKind.CITIZEN,
    )
    user = ctx.accounts.login("admin", "mat-khau-2026")
    ctx.signing.login(pki.PIN)
    ctx.settings_store.update(ocr_enabled=False)  # OCR before signing is tested at intake
    items = ctx.reception.checklist_for(ctx.catalogue.get(birth))
    ticked = tuple(replace(item, received=True) for item in items)
    d = ctx.reception.receive(IntakeDraft(birth, hoa, checklist=ticked), user).value
    win = create_main_window(ctx, user, backend=PdfSink(), scanner=ScannerFilter(None))
    qtbot.addWidget(win)
    win.show()
    try:
        lookup = win.lookup
        papers = lookup.dossier_papers
        lookup.open_code(d.code)
        qtbot.waitUntil(lambda: papers.rows.rowCount() == 2, timeout=30000)
        png = tmp_path / "Giấy chứng sinh.png"
        Image.new("L", (400, 560), 230).save(png, dpi=(200, 200))
        pages = ctx.digitisation.import_file(png)
        draft = PaperDraft(pages=pages, meta=PaperMeta("giay_chung_sinh"), source=Source.IMPORTED)
        papers.select(1)
        with qtbot.waitSignal(papers.changed, timeout=60000):
            papers.save(1, draft, "")
        qtbot.waitUntil(
            lambda: (
                next(a for a in ctx.digitisation.attachments(d.id) if a.position == 1).signed_sha256
                is not None
            ),
            timeout=60000,
        )
        saved = next(a for a in ctx.digitisation.attachments(d.id) if a.position == 1)
        [check] = verify_pdf(ctx.digitisation.store.read(saved.signed_sha256), (hsm.ca.der,))
        assert check.intact and check.trusted and check.field_name == "DauChuyenDoi"
        assert reported == []
    finally:
        win.shutdown()
