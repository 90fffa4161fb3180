"""The rating window facing the citizen (a second screen at the counter, when there is one)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from motcua_desk.domain.returns import RATING_CRITERIA
from motcua_desk.ui import strings


class CitizenRatingWindow(QWidget):
    """Large buttons, one row per criterion; ``submitted`` carries {criterion: 0..2}, comment."""

    submitted = Signal(dict, str)

    def __init__(self, dossier_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("citizen_rating_window")
        self.setWindowTitle("Đánh giá mức độ hài lòng")
        big = QFont()
        big.setPointSize(16)
        self.setFont(big)
        title = QLabel(
            f"Hồ sơ {dossier_code}\nXin ông/bà vui lòng đánh giá việc giải quyết thủ tục hành chính"
        )
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid = QGridLayout()
        self.groups: dict[str, QButtonGroup] = {}
        for row, key in enumerate(RATING_CRITERIA):
            grid.addWidget(QLabel(strings.RATING_CRITERIA_LABELS[key]), row, 0)
            group = QButtonGroup(self)
            for col, (value, label) in enumerate(strings.RATING_SCALE_LABELS.items(), start=1):
                button = QPushButton(label)
                button.setCheckable(True)
                button.setMinimumHeight(48)
                button.setObjectName(f"citizen_{key}_{value}")
                group.addButton(button, value)
                grid.addWidget(button, row, col)
            self.groups[key] = group
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("Ý kiến khác (không bắt buộc)")
        self.send = QPushButton("Gửi đánh giá")
        self.send.setObjectName("citizen_send")
        self.send.setMinimumHeight(56)
        self.send.clicked.connect(self._on_send)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(grid)
        layout.addWidget(self.comment)
        layout.addWidget(self.send)

    def scores(self) -> dict[str, int]:
        return {
            k: g.checkedId()
            for k, g in self.groups.items()
            if g.checkedId() in strings.RATING_SCALE_LABELS
        }

    def _on_send(self) -> None:
        self.submitted.emit(self.scores(), self.comment.text())
        self.close()

    def show_facing_citizen(self) -> None:
        """Full screen on the second screen when there is one; a normal window otherwise."""
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            self.setGeometry(screens[1].geometry())
            self.showFullScreen()
        else:
            self.show()
