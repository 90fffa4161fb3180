"""Intake form layout (widgets only; behaviour lives in the controller)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.ui import strings
from motcua_desk.ui.fit import MessageBanner, page_layout

ERROR_STYLE = "color: #b00020;"


class FieldRow(QWidget):
    """An input with its error message just below it."""

    def __init__(self, editor: QWidget, name: str) -> None:
        super().__init__()
        self.editor = editor
        self.error = QLabel()
        self.error.setObjectName(f"error:{name}")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(editor)
        layout.addWidget(self.error)

    def set_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))


def _line(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    return edit


class IntakeView(QWidget):
    """Left: procedure picker and checklist. Right: applicant, submitter, channel, actions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("intake_view")
        self.rows: dict[str, FieldRow] = {}

        # Procedure picker
        self.procedure_search = _line(
            "procedure_search", "Tìm thủ tục theo tên (có/không dấu) hoặc mã…"
        )
        self.procedure_table = QTableView()
        self.procedure_table.setObjectName("procedure_table")
        self.procedure_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.procedure_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.procedure_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.procedure_table.verticalHeader().hide()
        self.procedure_row = FieldRow(self.procedure_search, "procedure")
        self.rows["procedure"] = self.procedure_row
        self.procedure_hint = QLabel()
        self.procedure_hint.setObjectName("procedure_hint")
        self.procedure_hint.setWordWrap(True)
        self.procedure_hint.setStyleSheet("color: #7a4a00;")
        self.procedure_hint.hide()
        self.procedure_name = QLabel("Chưa chọn thủ tục")
        self.procedure_name.setObjectName("procedure_name")
        self.procedure_name.setWordWrap(True)
        self.procedure_name.setStyleSheet("font-weight: bold;")
        self.detail_field = QLabel("—")
        self.detail_level = QLabel("—")
        self.detail_fee = QLabel("—")
        self.detail_fee.setObjectName("detail_fee")
        self.detail_time = QLabel("—")
        self.detail_due = QLabel("—")
        self.detail_due.setObjectName("detail_due")
        self.detail_due.setWordWrap(True)
        details = QFormLayout()
        details.addRow("Lĩnh vực:", self.detail_field)
        details.addRow("Cấp thực hiện:", self.detail_level)
        details.addRow("Lệ phí:", self.detail_fee)
        details.addRow("Thời hạn giải quyết:", self.detail_time)
        details.addRow("Ngày hẹn trả (dự kiến):", self.detail_due)
        self.checklist = QListWidget()
        self.checklist.setObjectName("checklist")
        self.checklist_row = FieldRow(self.checklist, "checklist")
        self.rows["checklist"] = self.checklist_row

        picker = QGroupBox("Thủ tục hành chính")
        pl = QVBoxLayout(picker)
        pl.addWidget(self.procedure_row)
        pl.addWidget(self.procedure_hint)
        pl.addWidget(self.procedure_table, 2)
        pl.addWidget(self.procedure_name)
        pl.addLayout(details)
        pl.addWidget(QLabel("Giấy tờ đã nhận (Space để đánh dấu):"))
        pl.addWidget(self.checklist_row, 3)
        self.papers_bar_holder = QVBoxLayout()  # digitisation buttons (papers.PapersPanel)
        pl.addLayout(self.papers_bar_holder)

        # Applicant
        self.full_name = _line("applicant.full_name")
        self.id_number = _line("applicant.id_number", "12 chữ số")
        self.birth_date = _line("applicant.birth_date", "ngày/tháng/năm")
        self.sex = QComboBox()
        self.sex.setObjectName("applicant.sex")
        self.sex.addItem("—", None)
        for value, label in strings.SEX.items():
            self.sex.addItem(label, value)
        self.phone = _line("applicant.phone")
        self.email = _line("applicant.email")
        self.address = _line("applicant.address")
        applicant = QGroupBox("Người đứng tên hồ sơ")
        af = QFormLayout(applicant)
        for label, name, editor in (
            ("Họ và tên:", "applicant.full_name", self.full_name),
            ("Số định danh:", "applicant.id_number", self.id_number),
            ("Ngày sinh:", "applicant.birth_date", self.birth_date),
            ("Giới tính:", "applicant.sex", self.sex),
            ("Điện thoại:", "applicant.phone", self.phone),
            ("Thư điện tử:", "applicant.email", self.email),
            ("Địa chỉ:", "applicant.address", self.address),
        ):
            self.rows[name] = FieldRow(editor, name)
            af.addRow(label, self.rows[name])

        # Submitter / representative
        self.submitter_box = QGroupBox("Người nộp hồ sơ khác người đứng tên (đại diện, ủy quyền)")
        self.submitter_box.setObjectName("submitter_box")
        self.submitter_box.setCheckable(True)
        self.submitter_box.setChecked(False)
        self.sub_full_name = _line("submitter.full_name")
        self.sub_id_number = _line("submitter.id_number")
        self.sub_phone = _line("submitter.phone")
        self.sub_address = _line("submitter.address")
        self.sub_authorisation = _line("submitter.authorisation")
        self.sub_authorisation.setPlaceholderText("Giấy ủy quyền số …, ngày …, nơi chứng thực")
        sf = QFormLayout(self.submitter_box)
        for label, name, editor in (
            ("Họ và tên:", "submitter.full_name", self.sub_full_name),
            ("Số định danh:", "submitter.id_number", self.sub_id_number),
            ("Điện thoại:", "submitter.phone", self.sub_phone),
            ("Địa chỉ:", "submitter.address", self.sub_address),
            ("Giấy ủy quyền:", "submitter.authorisation", self.sub_authorisation),
        ):
            self.rows[name] = FieldRow(editor, name)
            sf.addRow(label, self.rows[name])

        # Channel and return
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        for channel_code, label in strings.CHANNELS.items():
            self.channel.addItem(label, channel_code)
        self.return_method = QComboBox()
        self.return_method.setObjectName("return_method")
        for value, label in strings.RETURN_METHODS.items():
            self.return_method.addItem(label, value)
        self.return_address = _line("return_address", "Địa chỉ nhận kết quả qua bưu chính")
        self.return_address.setEnabled(False)
        self.rows["return_address"] = FieldRow(self.return_address, "return_address")
        self.postage = QSpinBox()
        self.postage.setObjectName("postage")
        self.postage.setRange(0, 10_000_000)
        self.postage.setSingleStep(1000)
        self.postage.setSuffix(" đồng")
        self.postage.setEnabled(False)
        # Fee per dossier (issue 13): when it is collected, and what is paid now.
        self.fee_timing = QComboBox()
        self.fee_timing.setObjectName("fee_timing")
        for value, label in strings.FEE_TIMINGS.items():
            self.fee_timing.addItem(label, value)
        self.fee_paid = QSpinBox()
        self.fee_paid.setObjectName("fee_paid_vnd")
        self.fee_paid.setRange(0, 1_000_000_000)
        self.fee_paid.setSingleStep(1000)
        self.fee_paid.setGroupSeparatorShown(True)
        self.fee_paid.setSuffix(" đồng")
        self.fee_receipt_no = _line("fee_receipt_no", "Số biên lai")
        self.rows["fee_paid_vnd"] = FieldRow(self.fee_paid, "fee_paid_vnd")
        self.rows["fee_receipt_no"] = FieldRow(self.fee_receipt_no, "fee_receipt_no")
        fee_row = QHBoxLayout()
        fee_row.setContentsMargins(0, 0, 0, 0)
        for w in (self.fee_timing, self.rows["fee_paid_vnd"], self.rows["fee_receipt_no"]):
            fee_row.addWidget(w)
        self.sets_count = QSpinBox()
        self.sets_count.setObjectName("sets_count")
        self.sets_count.setRange(1, 99)
        self.note = _line("note")
        channel = QGroupBox("Hình thức nộp và nhận kết quả")
        cf = QFormLayout(channel)
        cf.addRow("Hình thức nộp:", self.channel)
        cf.addRow("Nhận kết quả:", self.return_method)
        cf.addRow("Địa chỉ nhận:", self.rows["return_address"])
        cf.addRow("Cước bưu chính:", self.postage)
        cf.addRow("Phí, lệ phí:", fee_row)
        cf.addRow("Số bộ hồ sơ:", self.sets_count)
        cf.addRow("Ghi chú:", self.note)

        # Actions
        self.save_button = QPushButton("Lưu và in phiếu (Ctrl+Enter)")
        self.save_button.setObjectName("save_button")
        self.supplement_button = QPushButton("Yêu cầu bổ sung (Mẫu 02)")
        self.supplement_button.setObjectName("supplement_button")
        self.refuse_button = QPushButton("Từ chối tiếp nhận (Mẫu 03)")
        self.refuse_button.setObjectName("refuse_button")
        self.cancel_button = QPushButton("Hủy (Esc)")
        self.cancel_button.setObjectName("cancel_button")
        # The saved code and every error show at the top, where the clerk looks; the actions
        # stay at the bottom outside the scrolling form (issue 12 §1).
        self.message = MessageBanner("intake_message")
        actions = QHBoxLayout()
        for b in (self.save_button, self.supplement_button, self.refuse_button, self.cancel_button):
            actions.addWidget(b)
        actions.addStretch(1)

        right = QVBoxLayout()
        right.addWidget(applicant)
        right.addWidget(self.submitter_box)
        right.addWidget(channel)
        right.addStretch(1)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(picker, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 5)
        self.procedure_table.setMinimumHeight(140)
        self.checklist.setMinimumHeight(110)
        page_layout(self, self.message, grid, actions)
        self.setTabOrder(self.procedure_search, self.procedure_table)
        self.setTabOrder(self.procedure_table, self.checklist)
        self.setTabOrder(self.checklist, self.full_name)

    def set_message(self, text: str, *, error: bool = False) -> None:
        self.message.show_message(text, kind="error" if error else "info")

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error("")
