"""Page "Chữ ký số": choose this PC's token and certificate, enter the PIN, sign what waits.

Every token call runs on the runner's I/O pool (a real token takes from tens of milliseconds to
seconds); the GUI thread only shows results. The PIN goes from the dialog to the token once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from motcua_desk.domain.text import normalize
from motcua_desk.signing.drivers import available_modules
from motcua_desk.ui import strings
from motcua_desk.ui.changes import PRINT, SETTINGS, Changed, ChangeSet
from motcua_desk.ui.models.table import Column, FrozenTableModel
from motcua_desk.ui.operations import CollectionOp, Lane, QueryOp
from motcua_desk.ui.ports import SigningContext
from motcua_desk.ui.screens.home.view import proxy_for
from motcua_desk.ui.tasks import TaskRunner

from .pin_dialog import PinDialog
from .view import SIGNABLE_FORMS, SigningView

#: Short reasons a document still waits, for the list (the full sentence goes to the banner).
WAIT_REASONS = {
    "token_pin_required": "Chưa nhập mã PIN",
    "token_pin_incorrect": "Sai mã PIN",
    "token_pin_locked": "Token bị khóa",
    "token_removed": "Token bị rút ra",
    "token_absent": "Không thấy token",
    "token_module_unavailable": "Chưa có trình điều khiển",
    "token_certificate_not_found": "Không thấy chứng thư",
    "certificate_expired": "Chứng thư hết hạn",
    "certificate_not_yet_valid": "Chứng thư chưa hiệu lực",
    "signing_pdf_unreadable": "Tệp PDF hỏng",
}
KIND_LABELS = {**strings.DOC_TYPES, "conversion": "Bản điện tử chuyển đổi từ giấy"}


def wait_reason(code: str | None) -> str:
    if not code:
        return "Chờ ký"
    return WAIT_REASONS.get(code, "Ký không thành công")


PENDING_COLUMNS: tuple[Column[Any], ...] = (
    Column("kind", "Loại tài liệu", lambda d: KIND_LABELS.get(d.doc_type, d.doc_type)),
    Column("title", "Hồ sơ / tài liệu", lambda d: d.title),
    Column(
        "at", "Lập lúc", lambda d: strings.format_datetime(d.created_at), lambda d: d.created_at
    ),
    Column("by", "Người lập", lambda d: d.created_by),
    Column("reason", "Tình trạng", lambda d: wait_reason(d.last_error)),
)


def upgrade_text(result: tuple[int, str | None]) -> tuple[str, str]:
    """The banner after upgrading offline signatures: (text, kind)."""
    count, stopped = result
    if stopped is None:
        if count == 0:
            return "Không có chữ ký nào cần bổ sung dấu thời gian.", "info"
        return f"Đã bổ sung dấu thời gian cho {count} chữ ký.", "info"
    message = strings.error_message(stopped, {})
    if count:
        return (
            f"Đã bổ sung dấu thời gian cho {count} chữ ký; còn chữ ký chưa bổ sung được: {message}",
            "warning",
        )
    return f"Chưa bổ sung được dấu thời gian: {message}", "warning"


def certificate_text(cert: Any) -> str:
    until = strings.format_datetime(cert.not_after)
    org = f", {cert.organisation}" if cert.organisation else ""
    return f"{cert.subject_name}{org} — do {cert.issuer_name} cấp, hiệu lực đến {until}"


class SigningController(QObject):
    #: Emitted after the PIN dialog logged in.
    logged_in = Signal(object)

    def __init__(
        self, ctx: SigningContext, runner: TaskRunner, user: Any, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.signing
        self.runner = runner
        self.user = user
        self.view = SigningView()
        self.pending: FrozenTableModel[Any] = FrozenTableModel(PENDING_COLUMNS, self)
        self.view.pending.setModel(proxy_for(self.pending, self.view))
        self._found: list[tuple[Any, list[Any]]] = []
        self.dialog: PinDialog | None = None
        v = self.view
        v.find_button.clicked.connect(self.find_tokens)
        v.token.currentIndexChanged.connect(self._fill_certificates)
        v.choose_button.clicked.connect(self.choose)
        v.pin_button.clicked.connect(lambda: self.ask_pin())
        v.logout_button.clicked.connect(self.logout)
        v.sign_selected_button.clicked.connect(self.sign_selected)
        v.sign_all_button.clicked.connect(self.sign_all)
        v.upgrade_button.clicked.connect(self.upgrade)
        v.save_unit_button.clicked.connect(self.save_unit)
        is_admin = str(getattr(user.role, "value", user.role)) == "admin"
        v.unit_box.setEnabled(is_admin and ctx.settings_admin is not None)
        self.load()
        self.refresh()

    # -- values ---------------------------------------------------------------------------

    def load(self) -> None:
        s = self.ctx.settings
        v = self.view
        v.module.clear()
        paths = [m.path for m in available_modules()]
        if s.signing_module and s.signing_module not in paths:
            paths.insert(0, s.signing_module)
        v.module.addItems(paths)
        if s.signing_module:
            v.module.setCurrentText(s.signing_module)
        forms = {f.strip() for f in s.signing_forms.split(",")}
        for doc, box in v.forms.items():
            box.setChecked(doc in forms)
        v.trust_roots.setText(s.signing_trust_roots)
        v.tsa_url.setText(s.signing_tsa_url)
        v.signer_title.setText(s.signing_stamp_title)
        self.show_status()

    def show_status(self) -> None:
        cert = self.service.certificate
        if cert is not None:
            self.view.status.setText("Đã đăng nhập: " + certificate_text(cert))
        elif not self.service.configured:
            self.view.status.setText("Chưa chọn token và chứng thư số cho máy này.")
        else:
            self.view.status.setText(
                "Chưa nhập mã PIN: tài liệu cần ký được đưa vào danh sách chờ."
            )
        self.view.logout_button.setEnabled(cert is not None)

    def refresh(self) -> None:
        QueryOp[Any](self.runner, self.service.pending).success(self.pending.set_rows).failure(
            self._fail
        ).run_in_background()
        self.show_status()
        self.show_last_upgrade()

    def show_last_upgrade(self) -> None:
        """When signatures made offline last got their time-stamp (after a sync run or the
        button) and how it went."""
        last = self.service.last_upgrade
        label = self.view.upgrade_status
        if last is None:
            label.setText("")
            label.setToolTip("")
            return
        at, count, stopped = last
        when = strings.format_datetime(at)
        if stopped is None:
            label.setText(f"Bổ sung dấu thời gian lúc {when}: {count} chữ ký")
        else:
            label.setText(f"Bổ sung dấu thời gian lúc {when}: {count} chữ ký, còn lỗi")
        label.setToolTip(upgrade_text((count, stopped))[0])

    def on_data_changed(self, change: Any) -> None:
        kinds: frozenset[str] = getattr(change, "kinds", frozenset())
        if PRINT in kinds or SETTINGS in kinds:
            self.refresh()

    def _say(self, text: str, kind: str = "info") -> None:
        self.view.message.show_message(text, kind=kind)

    def _fail(self, exc: BaseException) -> None:
        self._say(strings.exception_message(exc), "error")
        self.refresh()

    # -- token and certificate --------------------------------------------------------------

    def find_tokens(self) -> None:
        module = normalize(self.view.module.currentText())
        service = self.service

        def work() -> list[tuple[Any, list[Any]]]:
            return [
                (t, service.certificates(module, t.label))
                for t in service.tokens(module)
                if t.label
            ]

        def found(result: list[tuple[Any, list[Any]]]) -> None:
            self._found = result
            v = self.view
            v.token.blockSignals(True)
            v.token.clear()
            for token, _certs in result:
                v.token.addItem(f"{token.label} ({token.manufacturer} {token.model})", token.label)
            v.token.blockSignals(False)
            self._fill_certificates()
            if result:
                self._say(f"Tìm thấy {len(result)} token.")
            else:
                self._say(strings.error_message("token_absent", {}), "warning")

        self._say("Đang tìm token…")
        QueryOp[Any](self.runner, work, lane=Lane.IO).success(found).failure(
            self._fail
        ).run_in_background()

    def _fill_certificates(self) -> None:
        v = self.view
        v.certificate.clear()
        index = v.token.currentIndex()
        if not 0 <= index < len(self._found):
            return
        current = self.ctx.settings.signing_cert_id
        for cert in self._found[index][1]:
            v.certificate.addItem(certificate_text(cert), cert.cert_id)
            if cert.cert_id == current:
                v.certificate.setCurrentIndex(v.certificate.count() - 1)

    def choose(self) -> None:
        v = self.view
        module = normalize(v.module.currentText())
        token = v.token.currentData()
        cert_id = v.certificate.currentData()
        if not token or not cert_id:
            self._say("Hãy bấm “Tìm token” rồi chọn token và chứng thư số.", "warning")
            return

        def chosen(_settings: Any) -> None:
            self._say("Đã chọn chứng thư số cho máy này.")
            self.show_status()

        CollectionOp[Any](
            self.runner,
            lambda: Changed(
                self.service.choose_token(self.user, module, str(token), str(cert_id)),
                ChangeSet.of(SETTINGS),
            ),
            lane=Lane.IO,
        ).success(chosen).failure(self._fail).run_in_background()

    # -- PIN ------------------------------------------------------------------------------

    def ask_pin(self, then: Callable[[], None] | None = None) -> None:
        """Check the token is there and the certificate can sign, then ask for the PIN."""
        if not self.service.configured:
            self._say(strings.error_message("token_module_unavailable", {}), "warning")
            return
        self._say("Đang kiểm tra token…")
        QueryOp[Any](self.runner, self.service.configured_certificate, lane=Lane.IO).success(
            lambda cert: self._open_pin_dialog(cert, then)
        ).failure(self._fail).run_in_background()

    def _open_pin_dialog(self, cert: Any, then: Callable[[], None] | None) -> None:
        self.view.message.setText("")
        dialog = PinDialog(certificate_text(cert), self.view)
        self.dialog = dialog

        def submit() -> None:
            pin = dialog.take_pin()
            dialog.busy(True)

            def ok(cert: Any) -> None:
                dialog.accept()
                self._say("Đã đăng nhập token: " + certificate_text(cert))
                self.show_status()
                self.logged_in.emit(cert)
                if then is not None:
                    then()

            QueryOp[Any](self.runner, lambda: self.service.login(pin), lane=Lane.IO).success(
                ok
            ).failure(
                lambda exc: dialog.show_error(strings.exception_message(exc))
            ).run_in_background()

        dialog.ok_button.clicked.connect(submit)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.open()

    def logout(self) -> None:
        def done(_r: Any) -> None:
            self._say("Đã đăng xuất token.")
            self.show_status()

        QueryOp[Any](self.runner, self.service.logout, lane=Lane.IO).success(done).failure(
            self._fail
        ).run_in_background()

    # -- signing what waits ------------------------------------------------------------------

    def _selected(self) -> Any | None:
        index = self.view.pending.currentIndex()
        if not index.isValid():
            return None
        proxy = self.view.pending.model()
        source = proxy.mapToSource(index)  # type: ignore[attr-defined]
        return self.pending.row_value(source.row())

    def sign_selected(self) -> None:
        doc = self._selected()
        if doc is None:
            self._say("Hãy chọn một tài liệu trong danh sách chờ ký.", "warning")
            return
        if self.service.certificate is None:
            self.ask_pin(then=self.sign_selected)
            return
        self._say("Đang ký…")

        def signed(_doc: Any) -> None:
            self._say("Đã ký số tài liệu.")
            self.refresh()

        CollectionOp[Any](
            self.runner,
            lambda: Changed(self.service.sign(doc.id, self.user), ChangeSet.of(PRINT)),
            lane=Lane.IO,
        ).success(signed).failure(self._fail).run_in_background()

    def sign_all(self) -> None:
        if self.service.certificate is None:
            self.ask_pin(then=self.sign_all)
            return
        self._say("Đang ký các tài liệu chờ…")

        def done(result: tuple[int, str | None]) -> None:
            count, stopped = result
            if stopped is None:
                self._say(f"Đã ký số {count} tài liệu.")
            else:
                message = strings.error_message(stopped, {})
                self._say(f"Đã ký số {count} tài liệu rồi dừng: {message}", "error")
            self.refresh()

        CollectionOp[Any](
            self.runner,
            lambda: Changed(self.service.sign_all_pending(self.user), ChangeSet.of(PRINT)),
            lane=Lane.IO,
        ).success(done).failure(self._fail).run_in_background()

    def upgrade(self) -> None:
        """Give signatures made offline their time-stamp (B-T) and validation data (B-LT)."""
        self._say("Đang bổ sung dấu thời gian cho các chữ ký đã ký khi mất mạng…")
        CollectionOp[Any](
            self.runner,
            lambda: Changed(
                self.service.upgrade_offline_signatures(self.user), ChangeSet.of(PRINT)
            ),
            lane=Lane.IO,
        ).success(self._upgraded).failure(self._fail).run_in_background()

    def _upgraded(self, result: tuple[int, str | None]) -> None:
        self._say(*upgrade_text(result))
        self.show_last_upgrade()

    # -- unit settings ------------------------------------------------------------------------

    def save_unit(self) -> None:
        v = self.view
        changes = {
            "signing_forms": ",".join(d for d in SIGNABLE_FORMS if v.forms[d].isChecked()),
            "signing_trust_roots": normalize(v.trust_roots.text()),
            "signing_tsa_url": normalize(v.tsa_url.text()),
            "signing_stamp_title": normalize(v.signer_title.text()),
        }
        admin = self.ctx.settings_admin
        if admin is None:
            return

        CollectionOp[Any](self.runner, lambda: admin.update(self.user, **changes)).success(
            lambda _s: self._say("Đã lưu cấu hình ký số.")
        ).failure(self._fail).run_in_background()
