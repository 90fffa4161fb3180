"""The status board's table model over an immutable tuple of :class:`BoardRow`.

Rows are replaced in one reset; cells are formatted on demand (only visible rows are asked
for, so 100,000 rows cost nothing until shown). Sorting is not done here: a header click
emits ``sort_requested`` with the matching :class:`SortKey` and the controller re-filters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from motcua_desk.domain.board import BoardRow, SortKey, Urgency
from motcua_desk.ui import strings

_Index = QModelIndex | QPersistentModelIndex

ROW_ROLE = Qt.ItemDataRole.UserRole + 1

URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.OVERDUE: "Quá hạn",
    Urgency.DUE_TODAY: "Đến hạn hôm nay",
    Urgency.NEAR_DUE: "Sắp đến hạn",
    Urgency.SUPPLEMENT: "Chờ bổ sung",
    Urgency.READY: "Có kết quả, chờ trả",
    Urgency.ON_TRACK: "Còn hạn",
}

#: Background per urgency: red, orange, yellow, blue, green, none.
URGENCY_COLOURS: dict[Urgency, str | None] = {
    Urgency.OVERDUE: "#f8c9c9",
    Urgency.DUE_TODAY: "#fbd9a8",
    Urgency.NEAR_DUE: "#fff3b0",
    Urgency.SUPPLEMENT: "#d6e6fa",
    Urgency.READY: "#d4efd6",
    Urgency.ON_TRACK: None,
}


class _Col:
    def __init__(
        self, header: str, text: Callable[[BoardRow], str], sort: SortKey | None = None
    ) -> None:
        self.header = header
        self.text = text
        self.sort = sort


COLUMNS: tuple[_Col, ...] = (
    _Col("Mã hồ sơ", lambda r: r.code, SortKey.CODE),
    _Col("Chủ hồ sơ", lambda r: r.applicant_name),
    _Col("Thủ tục", lambda r: r.procedure_name or r.procedure_code),
    _Col("Trạng thái", lambda r: strings.STATUS_SHORT.get(int(r.status), str(int(r.status)))),
    _Col("Ngày nhận", lambda r: strings.format_datetime(r.received_at), SortKey.RECEIVED),
    _Col("Hẹn trả", lambda r: strings.format_datetime(r.due_at), SortKey.DUE),
    _Col("Mức độ", lambda r: URGENCY_LABELS[r.urgency], SortKey.URGENCY),
)
COLUMN_OF_SORT: dict[SortKey, int] = {c.sort: i for i, c in enumerate(COLUMNS) if c.sort}


class BoardModel(QAbstractTableModel):
    """Read-only rows of the board; ``sort_requested(SortKey, descending)`` on header clicks."""

    sort_requested = Signal(object, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[BoardRow, ...] = ()
        self._brushes: dict[Urgency, QBrush | None] = {
            u: None if c is None else QBrush(QColor(c)) for u, c in URGENCY_COLOURS.items()
        }

    def set_rows(self, rows: tuple[BoardRow, ...]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[BoardRow, ...]:
        return self._rows

    def row_value(self, row: int) -> BoardRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= column < len(COLUMNS)):
            return None
        r = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[column].text(r)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._brushes[r.urgency]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.code} — {URGENCY_LABELS[r.urgency]}"
        if role == ROW_ROLE:
            return r
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].header if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header click: columns without their own key sort by urgency."""
        key = COLUMNS[column].sort if 0 <= column < len(COLUMNS) else None
        self.sort_requested.emit(key or SortKey.URGENCY, order == Qt.SortOrder.DescendingOrder)
