"""Return page layout: the scanned dossier, who collects, fee, originals, result, rating."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.domain.returns import RATING_CRITERIA
from motcua_desk.ui import strings
from motcua_desk.ui.fit import MessageBanner, page_layout


class ReturnView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("return_view")
        self.code = QLineEdit()
        self.code.setObjectName("return_code")
        self.code.setPlaceholderText("Quét mã vạch trên giấy hẹn hoặc nhập mã hồ sơ rồi nhấn Enter")
        self.open_button = QPushButton("Mở hồ sơ")
        top = QHBoxLayout()
        top.addWidget(QLabel("Mã hồ sơ:"))
        top.addWidget(self.code, 1)
        top.addWidget(self.open_button)

        self.summary = QLabel("Chưa có hồ sơ.")
        self.summary.setObjectName("return_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)

        who = QGroupBox("Người nhận kết quả")
        self.as_applicant = QRadioButton("Chủ hồ sơ (xuất trình căn cước)")
        self.as_proxy = QRadioButton("Người được ủy quyền")
        self.as_applicant.setChecked(True)
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.as_applicant)
        self.kind_group.addButton(self.as_proxy)
        self.collector_name = QLineEdit()
        self.collector_name.setObjectName("collector_name")
        self.collector_id = QLineEdit()
        self.collector_id.setObjectName("collector_id")
        self.collector_id.setPlaceholderText("Số định danh cá nhân (12 số) hoặc quét QR căn cước")
        self.authorisation = QLineEdit()
        self.authorisation.setObjectName("authorisation")
        self.authorisation.setPlaceholderText("Giấy ủy quyền số …, ngày …, nơi chứng thực")
        self.verify_button = QPushButton("Kiểm tra người nhận")
        self.verify_button.setObjectName("verify_collector")
        self.verdict = QLabel()
        self.verdict.setObjectName("collector_verdict")
        self.verdict.setWordWrap(True)
        wf = QFormLayout(who)
        kinds = QHBoxLayout()
        kinds.addWidget(self.as_applicant)
        kinds.addWidget(self.as_proxy)
        wf.addRow(kinds)
        wf.addRow("Họ và tên:", self.collector_name)
        wf.addRow("Số định danh:", self.collector_id)
        wf.addRow("Giấy ủy quyền:", self.authorisation)
        wf.addRow(self.verify_button, self.verdict)

        money = QGroupBox("Phí, lệ phí và giấy tờ")
        self.fee = QLineEdit()
        self.fee.setObjectName("fee_collected")
        self.fee.setPlaceholderText("Số tiền đã thu (đồng)")
        self.receipt_no = QLineEdit()
        self.receipt_no.setObjectName("fee_receipt_no")
        self.receipt_no.setPlaceholderText("Số biên lai thu phí, lệ phí")
        self.originals = QListWidget()
        self.originals.setObjectName("originals")
        self.originals.setMaximumHeight(90)
        self.results = QLineEdit()
        self.results.setObjectName("results")
        self.note = QLineEdit()
        mf = QFormLayout(money)
        mf.addRow("Đã thu:", self.fee)
        mf.addRow("Biên lai số:", self.receipt_no)
        mf.addRow("Bản chính trả lại:", self.originals)
        mf.addRow("Kết quả trao:", self.results)
        mf.addRow("Ghi chú:", self.note)

        rating = QGroupBox("Đánh giá mức độ hài lòng (không bắt buộc)")
        grid = QGridLayout(rating)
        self.scores: dict[str, QComboBox] = {}
        for row, key in enumerate(RATING_CRITERIA):
            box = QComboBox()
            box.setObjectName(f"score_{key}")
            box.addItem("—", None)
            for value, label in strings.RATING_SCALE_LABELS.items():
                box.addItem(label, value)
            self.scores[key] = box
            # One criterion a row, its label wrapping: two a row needed 1,180 px (issue 12 §1).
            caption = QLabel(strings.RATING_CRITERIA_LABELS[key])
            caption.setWordWrap(True)
            grid.addWidget(caption, row, 0)
            grid.addWidget(box, row, 1)
        count = len(RATING_CRITERIA)
        self.rating_comment = QLineEdit()
        self.rating_comment.setPlaceholderText("Ý kiến khác của công dân")
        self.citizen_button = QPushButton("Mời công dân tự đánh giá trên màn hình thứ hai")
        self.citizen_button.setObjectName("citizen_rating")
        grid.addWidget(self.rating_comment, count, 0, 1, 2)
        grid.addWidget(self.citizen_button, count + 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setRowStretch(count + 2, 1)  # rows stay together at the top

        self.print_confirmation = QCheckBox("In phiếu xác nhận trả kết quả")
        self.print_confirmation.setChecked(True)
        self.message = MessageBanner("return_message")
        self.complete_button = QPushButton("Trả kết quả (Ctrl+Enter)")
        self.complete_button.setObjectName("complete_return")
        self.complete_button.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.print_confirmation)
        bottom.addStretch(1)
        bottom.addWidget(self.complete_button)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(who)
        left.addWidget(money)
        columns.addLayout(left, 1)
        columns.addWidget(rating, 1)

        body = QVBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.summary)
        body.addLayout(columns)
        body.addStretch(1)
        page_layout(self, self.message, body, bottom, top=top)

    def set_message(self, text: str, *, error: bool = False) -> None:
        self.message.show_message(text, kind="error" if error else "info")
