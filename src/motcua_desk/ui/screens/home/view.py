"""Home page layout."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.ui.fit import make_table
from motcua_desk.ui.models.table import SORT_ROLE


def _table(name: str) -> QTableView:
    """A sortable table sized to its content (issue 12 §1: no empty stretched last column)."""
    return make_table(name)


def proxy_for(model: object, parent: QWidget) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)  # type: ignore[arg-type]
    proxy.setSortRole(SORT_ROLE)
    return proxy


class HomeView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("home_view")
        self.unprinted_label = QLabel()
        self.unprinted_label.setObjectName("unprinted_label")
        self.unprinted = _table("unprinted_table")
        self.preview_button = QPushButton("Xem trước")
        self.reprint_button = QPushButton("In lại…")
        self.reprint_button.setObjectName("reprint_button")
        row = QHBoxLayout()
        row.addWidget(self.preview_button)
        row.addWidget(self.reprint_button)
        row.addStretch(1)
        box = QGroupBox("Giấy tiếp nhận chưa in được")
        bl = QVBoxLayout(box)
        bl.addWidget(self.unprinted_label)
        bl.addWidget(self.unprinted)
        bl.addLayout(row)

        self.dossier_box = QGroupBox("Hồ sơ vừa quét mã")
        self.dossier_box.setObjectName("dossier_box")
        self.d_code = QLabel("—")
        self.d_code.setObjectName("opened_code")
        self.d_applicant = QLabel("—")
        self.d_procedure = QLabel("—")
        self.d_procedure.setWordWrap(True)
        self.d_status = QLabel("—")
        self.d_received = QLabel("—")
        self.d_due = QLabel("—")
        self.d_prints = QLabel("—")
        self.d_prints.setWordWrap(True)
        form = QFormLayout()
        for label, widget in (
            ("Mã hồ sơ:", self.d_code),
            ("Người đứng tên:", self.d_applicant),
            ("Thủ tục:", self.d_procedure),
            ("Trạng thái:", self.d_status),
            ("Ngày nhận:", self.d_received),
            ("Hẹn trả:", self.d_due),
            ("Lịch sử in:", self.d_prints),
        ):
            form.addRow(label, widget)
        self.d_preview_button = QPushButton("Xem trước giấy tiếp nhận")
        self.d_reprint_button = QPushButton("In lại giấy tiếp nhận…")
        self.d_reprint_button.setObjectName("opened_reprint_button")
        drow = QHBoxLayout()
        drow.addWidget(self.d_preview_button)
        drow.addWidget(self.d_reprint_button)
        drow.addStretch(1)
        dl = QVBoxLayout(self.dossier_box)
        dl.addLayout(form)
        dl.addLayout(drow)
        self.dossier_box.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(box, 3)
        layout.addWidget(self.dossier_box, 2)
