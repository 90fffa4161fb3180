"""Page "Chữ ký số": the token of this PC, the documents waiting for a signature ("chờ ký"),
and the unit's signing settings (administrators)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.ui import strings
from motcua_desk.ui.fit import MessageBanner, make_table, page_layout

#: Forms the counter clerk signs (Mẫu 04 and 05 are signed by the head of agency).
SIGNABLE_FORMS = {
    **{d: strings.DOC_TYPES[d] for d in ("receipt", "supplement", "refusal", "return")},
    # Each digitised paper, with the conversion mark (Luật Giao dịch điện tử 2023 Art. 12).
    "conversion": "Bản số hóa giấy tờ (dấu chuyển đổi)",
}


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    return button


class SigningView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signing_view")
        self.message = MessageBanner("signing_message")

        # -- this PC's token ------------------------------------------------------------
        self.module = QComboBox()
        self.module.setObjectName("signing_module")
        self.module.setEditable(True)
        self.module.setMinimumContentsLength(40)
        self.find_button = _button("Tìm token", "find_tokens_button")
        self.token = QComboBox()
        self.token.setObjectName("signing_token")
        self.certificate = QComboBox()
        self.certificate.setObjectName("signing_certificate")
        self.certificate.setMinimumContentsLength(40)
        self.choose_button = _button("Dùng chứng thư này", "choose_certificate_button")
        self.status = QLabel("—")
        self.status.setObjectName("signing_status")
        self.status.setWordWrap(True)
        self.pin_button = _button("Nhập mã PIN…", "pin_button")
        self.logout_button = _button("Đăng xuất token", "token_logout_button")
        token_box = QGroupBox("Thiết bị ký số (USB token) của máy này")
        tf = QFormLayout(token_box)
        module_row = QHBoxLayout()
        module_row.addWidget(self.module, 1)
        module_row.addWidget(self.find_button)
        tf.addRow("Trình điều khiển (PKCS#11):", module_row)
        tf.addRow("Token:", self.token)
        tf.addRow("Chứng thư số:", self.certificate)
        tf.addRow("", self.choose_button)
        tf.addRow("Trạng thái:", self.status)
        login_row = QHBoxLayout()
        login_row.addWidget(self.pin_button)
        login_row.addWidget(self.logout_button)
        login_row.addStretch(1)
        tf.addRow("", login_row)

        # -- chờ ký ---------------------------------------------------------------------
        self.pending: QTableView = make_table("pending_signatures_table")
        self.sign_selected_button = _button("Ký tài liệu đã chọn", "sign_selected_button")
        self.sign_all_button = _button("Ký tất cả", "sign_all_button")
        self.upgrade_button = _button("Bổ sung dấu thời gian", "upgrade_signatures_button")
        self.upgrade_button.setToolTip(
            "Chữ ký đã ký khi mất mạng được bổ sung dấu thời gian và thông tin kiểm tra "
            "chứng thư (không cần token)"
        )
        pending_box = QGroupBox("Tài liệu chờ ký")
        pl = QVBoxLayout(pending_box)
        pl.addWidget(self.pending, 1)
        row = QHBoxLayout()
        row.addWidget(self.sign_selected_button)
        row.addWidget(self.sign_all_button)
        row.addStretch(1)
        # The last upgrade (after a sync run or the button): short here, full in the tooltip.
        self.upgrade_status = QLabel("")
        self.upgrade_status.setObjectName("upgrade_status")
        row.addWidget(self.upgrade_status)
        row.addWidget(self.upgrade_button)
        pl.addLayout(row)

        # -- unit settings (administrators) -----------------------------------------------
        self.forms: dict[str, QCheckBox] = {}
        self.unit_box = QGroupBox("Cấu hình ký số của đơn vị (quản trị)")
        uf = QFormLayout(self.unit_box)
        forms_col = QVBoxLayout()
        for doc, label in SIGNABLE_FORMS.items():
            box = QCheckBox(label)
            box.setObjectName(f"sign_form_{doc}")
            self.forms[doc] = box
            forms_col.addWidget(box)
        uf.addRow("Ký số khi phát hành:", forms_col)
        self.trust_roots = QLineEdit()
        self.trust_roots.setObjectName("signing_trust_roots")
        self.trust_roots.setPlaceholderText("Tệp chứng thư gốc tin cậy (.pem)")
        self.tsa_url = QLineEdit()
        self.tsa_url.setObjectName("signing_tsa_url")
        self.tsa_url.setPlaceholderText("Máy chủ cấp dấu thời gian (để trống nếu không dùng)")
        self.signer_title = QLineEdit()
        self.signer_title.setObjectName("signer_title")
        self.save_unit_button = _button("Lưu cấu hình ký số", "save_signing_button")
        uf.addRow("Chứng thư gốc tin cậy:", self.trust_roots)
        uf.addRow("Dấu thời gian (TSA):", self.tsa_url)
        uf.addRow("Chức danh trên dấu ký:", self.signer_title)
        uf.addRow("", self.save_unit_button)

        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(token_box, 3)
        top.addWidget(self.unit_box, 2)
        body.addLayout(top)
        body.addWidget(pending_box, 1)
        page_layout(self, self.message, body)
