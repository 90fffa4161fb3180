"""Child process of ``test_x11_fit``: every page and dialog on a real X screen (issue 12 §1).

Run as ``python tests/ui/fit_child.py OUT.json [SHOTS_DIR]`` under Xvfb with
``QT_QPA_PLATFORM=xcb`` (and ``QT_SCALE_FACTOR`` for 125 %/150 %). It builds the real services on a
temporary database, signs in an administrator (who sees every page), registers a dossier, then
shows each page and each dialog a clerk can reach and records every visible, enabled button
that lies outside the screen (after scrolling its page to it), every primary action or message
banner that sits inside a scrolling area, and every window larger than the screen. With
SHOTS_DIR each page and the key dialogs are saved there as PNG.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

#: Buttons and banners that must be on screen without scrolling, by object name, per page.
PRIMARY = {
    "intake_view": ("save_button", "supplement_button", "refuse_button", "cancel_button"),
    "postal_view": ("close_batch", "register_postal_item"),
    "reports_view": ("export_ledger_pdf", "export_ledger_xlsx"),
    "return_view": ("complete_return",),
    "day_close_view": ("close_day_button", "reopen_day_button"),
    "settings_view": ("save_settings",),
    "accounts_view": ("create_account", "reset_password", "toggle_active"),
}
BANNERS = (
    "intake_message",
    "postal_message",
    "reports_message",
    "return_message",
    "day_close_message",
    "settings_message",
    "lookup_message",
    "accounts_message",
    "signing_message",
)
PASSWORD = "matkhau-dai-123"
CARD_QR = (
    "038195001234|123456789|Lê Thị Hoa|15061995|Nữ|"
    "Số 12 Lê Lợi, Phường Điện Biên, TP Thanh Hóa, Thanh Hóa|20052021"
)


def _scroll_area(widget: Any) -> Any:
    from PySide6.QtWidgets import QScrollArea

    parent = widget.parentWidget()
    while parent is not None:
        inner = parent.widget() if isinstance(parent, QScrollArea) else None
        if inner is not None and inner.isAncestorOf(widget):
            return parent
        parent = parent.parentWidget()
    return None


def _global_rect(widget: Any) -> Any:
    from PySide6.QtCore import QPoint, QRect

    return QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())


class Checker:
    def __init__(self, app: Any, shots: Path | None) -> None:
        self.app = app
        self.shots = shots
        screen = app.primaryScreen()
        self.screen_rect = screen.geometry()
        self.problems: list[str] = []
        self.covered: list[str] = []

    def settle(self) -> None:
        for _ in range(5):
            self.app.processEvents()

    def check_window(self, name: str, window: Any, *, shot: str = "") -> None:
        from PySide6.QtWidgets import QAbstractButton

        self.settle()
        self.covered.append(name)
        frame = window.frameGeometry()
        if not self.screen_rect.contains(frame):
            self.problems.append(f"{name}: window {frame.getRect()} outside {self.screen_rect}")
        for button in window.findChildren(QAbstractButton):
            if not (button.isVisible() and button.isEnabled()):
                continue
            if button.window() is not window:
                continue
            area = _scroll_area(button)
            if area is not None:
                area.ensureWidgetVisible(button, 0, 0)
                self.settle()
                viewport = _global_rect(area.viewport())
                if not viewport.contains(_global_rect(button).center()):
                    self.problems.append(f"{name}: {self._label(button)} not reachable by scroll")
                    continue
            rect = _global_rect(button)
            if not self.screen_rect.contains(rect):
                self.problems.append(
                    f"{name}: {self._label(button)} at {rect.getRect()} off screen"
                )
        if self.shots is not None and shot:
            window.grab().save(str(self.shots / f"{shot}.png"))

    def check_fixed(self, name: str, window: Any, page: Any) -> None:
        """The page's primary actions and message banner lie outside any scroll area."""
        from PySide6.QtWidgets import QWidget

        for object_name in PRIMARY.get(page.objectName(), ()) + BANNERS:
            widget = page.findChild(QWidget, object_name)
            if widget is None:
                if object_name in PRIMARY.get(page.objectName(), ()):
                    self.problems.append(f"{name}: {object_name} missing")
                continue
            if _scroll_area(widget) is not None:
                self.problems.append(f"{name}: {object_name} scrolls with the page")
            elif object_name in PRIMARY.get(page.objectName(), ()) and not (
                self.screen_rect.contains(_global_rect(widget))
            ):
                self.problems.append(f"{name}: {object_name} below the screen")

    @staticmethod
    def _label(button: Any) -> str:
        return f"{button.objectName() or button.__class__.__name__} «{button.text()}»"


def _dialog(checker: Checker, name: str, dialog: Any, shot: str = "") -> None:
    dialog.show()
    checker.check_window(name, dialog, shot=shot)
    dialog.close()
    dialog.deleteLater()


def run(out: Path, shots: Path | None) -> None:  # noqa: PLR0915 - one linear tour
    from PySide6.QtWidgets import QMainWindow
    from tests.ui.fakes import FakePrinterBackend

    from motcua_desk.bootstrap import build_context
    from motcua_desk.config import AppPaths
    from motcua_desk.domain.dossier import ApplicantKind, Person, Sex
    from motcua_desk.services.accounts import UnitSetup
    from motcua_desk.services.reception import IntakeDraft
    from motcua_desk.ui.app import create_main_window, ensure_app
    from motcua_desk.ui.fonts import apply_app_font

    app = ensure_app([])
    apply_app_font(app)
    checker = Checker(app, shots)
    base = Path(tempfile.mkdtemp())
    ctx = build_context(AppPaths(base / "data", base / "logs"))

    from motcua_desk.ui.screens.first_run.controller import FirstRunController
    from motcua_desk.ui.screens.login.controller import LoginController
    from motcua_desk.ui.tasks import TaskRunner

    runner = TaskRunner(app)
    wizard = FirstRunController(ctx, runner)
    _dialog(checker, "Cài đặt lần đầu", wizard.view)
    admin = ctx.accounts.first_run(
        UnitSetup(
            "000.00.06.H56",
            "Bộ phận Tiếp nhận và Trả kết quả phường Hạc Thành",
            "UBND PHƯỜNG HẠC THÀNH",
            "Quầy số 1",
            "Thanh Hóa",
            "Thanh Hóa",
        ),
        "admin",
        "Nguyễn Thị Hằng",
        PASSWORD,
    )
    login = LoginController(ctx, runner)
    _dialog(checker, "Đăng nhập", login.view, "login")
    hoa = Person(
        "Lê Thị Hoa",
        "038195001234",
        date(1995, 6, 15),
        Sex.FEMALE,
        "0912345678",
        "hoa@example.vn",
        "Số 12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
        kind=ApplicantKind.CITIZEN,
    )
    dossier = ctx.reception.receive(IntakeDraft("1.014137", hoa), admin).value

    window: QMainWindow = create_main_window(
        ctx, admin, backend=FakePrinterBackend(), runner=runner
    )
    window.show()
    checker.settle()
    if window.minimumSizeHint().height() > checker.screen_rect.height():
        checker.problems.append(f"main window needs {window.minimumSizeHint()}")
    shot_names = {
        "home_view": "home",
        "intake_view": "intake",
        "lookup_view": "lookup",
        "board_view": "board",
        "sync_health_view": "sync",
        "return_view": "returns",
        "postal_view": "postal",
        "reports_view": "reports",
        "day_close_view": "day_close",
        "settings_view": "settings",
        "accounts_view": "accounts",
        "signing_view": "signing",
    }
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.widget(index)
        name = window.tabs.tabText(index)
        if page.objectName() == "intake_view":
            window.new_dossier()
            window.route_scan(CARD_QR)  # the applicant from the chip card
            window.intake.view.procedure_search.setText("khai sinh")
            window.intake.select_procedure_code("1.001193")
            window.intake.view.phone.setText("0912345678")
            window.intake.save_and_print()  # papers not ticked: the banner and the error show
        if page.objectName() == "lookup_view" and window.lookup is not None:
            window.lookup.open_code(dossier.code)
            for _ in range(50):
                checker.settle()
        checker.check_window(name, window, shot=shot_names.get(page.objectName(), ""))
        checker.check_fixed(name, window, page)
        if page.objectName() == "lookup_view" and window.lookup is not None:
            # The dossier's papers tab (digitising after intake, issue 15).
            tabs = window.lookup.view.tabs
            tabs.setCurrentWidget(window.lookup.dossier_papers.widget)
            window.lookup.dossier_papers.select(0)
            checker.settle()
            checker.check_window(f"{name}: giấy tờ", window)
            tabs.setCurrentIndex(0)

    _dialogs(checker, window, dossier)
    window.intake.confirm = lambda _text: True
    window.shutdown()
    runner.shutdown()
    out.write_text(
        json.dumps(
            {"problems": checker.problems, "covered": checker.covered}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )


def _dialogs(checker: Checker, window: Any, dossier: Any) -> None:
    from motcua_desk.ui.screens.accounts import view as av
    from motcua_desk.ui.screens.day_close.dialogs import SupervisorDialog
    from motcua_desk.ui.screens.intake.dialogs import SupplementDialog as IntakeSupplement
    from motcua_desk.ui.screens.lookup import dialogs as ld
    from motcua_desk.ui.screens.returns.citizen import CitizenRatingWindow

    doc = window.ctx.documents.render("receipt", dossier)
    preview = window.show_preview(doc)
    for _ in range(40):  # QPdfView renders its pages in the background
        checker.settle()
        time.sleep(0.025)
    checker.check_window("Xem trước bản in", preview, shot="preview")
    preview.close()
    _dialog(checker, "Giới thiệu phần mềm", window.show_about())
    window.log_window.show()
    checker.check_window("Nhật ký", window.log_window)
    window.log_window.close()
    papers = [f"Giấy tờ số {i} — bản chính, 1 bản" for i in range(1, 13)]
    _dialog(checker, "Yêu cầu bổ sung (Mẫu 02)", IntakeSupplement(papers, window))
    _dialog(
        checker,
        "Chốt sổ — lãnh đạo",
        SupervisorDialog(
            "Chốt sổ cuối ngày", "Lãnh đạo nhập mật khẩu để chốt sổ.", "Ghi chú:", "Chốt sổ", window
        ),
        "supervisor",
    )
    _dialog(checker, "Chuyển xử lý", ld.HandOverDialog(dossier, ["Phòng Tư pháp"], window))
    _dialog(
        checker, "Nhận kết quả", ld.NoteDialog("Nhận kết quả", "Kết quả đã về.", dossier, window)
    )
    _dialog(checker, "Yêu cầu bổ sung (hồ sơ)", ld.SupplementDialog(dossier, window))
    _dialog(checker, "Gia hạn (Mẫu 04)", ld.ExtensionDialog(dossier, window), "extension")
    _dialog(
        checker,
        "Rút hồ sơ (Mẫu 05)",
        ld.ReasonDialog("Công dân rút hồ sơ", "Lý do rút.", dossier, window),
    )
    citizen = CitizenRatingWindow(dossier.code)
    _dialog(checker, "Đánh giá trên màn hình thứ hai", citizen)
    _dialog(checker, "Tạo tài khoản", av.CreateAccountDialog(window), "account_dialog")
    _dialog(
        checker, "Đặt lại mật khẩu", av.ResetPasswordDialog("hangnt", "Nguyễn Thị Hằng", window)
    )
    from motcua_desk.ui.screens.signing.pin_dialog import PinDialog

    long_cert = "Nguyễn Thị Lan, Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa — do VNPT-CA cấp"
    _dialog(checker, "Nhập mã PIN token", PinDialog(long_cert, window), "pin_dialog")
    from motcua_desk.ui.screens.intake.digitise import DigitiseDialog

    paper = "Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất"
    digitise = DigitiseDialog(
        window.ctx.digitisation, window.runner, window.ctx.settings, paper, None, window
    )
    _dialog(checker, "Số hóa giấy tờ", digitise, "digitise_dialog")


def _main(argv: list[str]) -> int:
    run(Path(argv[1]), Path(argv[2]) if len(argv) > 2 else None)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
