"""The status board's table model over the rows of a snapshot (:class:`BoardRows`).

Rows are replaced in one reset; cells are read from the snapshot's columns and formatted on
demand (only visible rows are asked for, so 100,000 rows cost nothing until shown, and no
object per row is made). Sorting is not done here: a header click emits ``sort_requested``
with the matching :class:`SortKey` and the controller re-filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from motcua_desk.domain.board import NO_DUE, BoardRow, BoardRows, BoardSnapshot, SortKey, Urgency
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


_Text = Callable[[BoardSnapshot, int], str]  # the cell at a column position of a snapshot


class _Col:
    def __init__(self, header: str, text: _Text, sort: SortKey | None = None) -> None:
        self.header = header
        self.text = text
        self.sort = sort


def _procedure(s: BoardSnapshot, i: int) -> str:
    code = s.columns.procedure_codes[i]
    return s.columns.procedure_names.get(code) or code


def _status(s: BoardSnapshot, i: int) -> str:
    status = s.columns.statuses[i]
    return strings.STATUS_SHORT.get(status, str(status))


def _moment(ts: float) -> str:
    return strings.format_datetime(None if ts == NO_DUE else datetime.fromtimestamp(ts, UTC))


_URGENCY_TEXT: tuple[str, ...] = tuple(URGENCY_LABELS[u] for u in Urgency)  # by value

COLUMNS: tuple[_Col, ...] = (
    _Col("Mã hồ sơ", lambda s, i: s.columns.codes[i], SortKey.CODE),
    _Col("Chủ hồ sơ", lambda s, i: s.columns.names[i]),
    _Col("Thủ tục", _procedure),
    _Col("Trạng thái", _status),
    _Col("Ngày nhận", lambda s, i: _moment(s.columns.received[i]), SortKey.RECEIVED),
    _Col("Hẹn trả", lambda s, i: _moment(s.columns.due[i]), SortKey.DUE),
    _Col("Mức độ", lambda s, i: _URGENCY_TEXT[s.urgencies[i]], SortKey.URGENCY),
)
COLUMN_OF_SORT: dict[SortKey, int] = {c.sort: i for i, c in enumerate(COLUMNS) if c.sort}


class BoardModel(QAbstractTableModel):
    """Read-only rows of the board; ``sort_requested(SortKey, descending)`` on header clicks."""

    sort_requested = Signal(object, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows = BoardRows.of(())
        self._brushes: tuple[QBrush | None, ...] = tuple(
            None if (c := URGENCY_COLOURS[u]) is None else QBrush(QColor(c)) for u in Urgency
        )

    def set_rows(self, rows: Sequence[BoardRow]) -> None:
        """Show ``rows``: the rows of a snapshot as :func:`apply_filter` gives them (no work
        per row), or rows given one by one."""
        self.beginResetModel()
        self._rows = BoardRows.of(rows)
        self.endResetModel()

    def rows(self) -> BoardRows:
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
        rows = self._rows
        if not (0 <= row < len(rows) and 0 <= column < len(COLUMNS)):
            return None
        s, i = rows.snapshot, rows.positions[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[column].text(s, i)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._brushes[s.urgencies[i]]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{s.columns.codes[i]} — {_URGENCY_TEXT[s.urgencies[i]]}"
        if role == ROW_ROLE:
            return s.row(i)
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
