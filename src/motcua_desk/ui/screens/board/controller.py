"""Status board: the unit's open dossiers by urgency (issue 5).

The snapshot is read on the db lane (incrementally after the first read, by the lookup
service); every filter or sort change is a pure :func:`apply_filter` over that snapshot on the
GUI thread (< 50 ms at 100,000 rows), then one model reset. It refreshes on ``data_changed``,
on the "Làm mới" button and every minute (urgency moves with the time of day).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from motcua_desk.domain import formatting as fmt
from motcua_desk.domain.board import (
    OPEN_STATUSES,
    BoardFilter,
    BoardSnapshot,
    SortKey,
    Urgency,
    apply_filter,
)
from motcua_desk.domain.dossier import Status
from motcua_desk.ui import errors, strings
from motcua_desk.ui.operations import QueryOp
from motcua_desk.ui.ports import BoardContext
from motcua_desk.ui.tasks import TaskRunner

from .model import COLUMN_OF_SORT, URGENCY_LABELS, BoardModel
from .view import BoardView

log = logging.getLogger(__name__)

REFRESH_MS = 60_000


class BoardController(QObject):
    #: Double-click on a row: the lookup screen opens this dossier code.
    open_requested = Signal(str)
    #: After each new snapshot is shown (tests, status bar).
    refreshed = Signal(object)

    def __init__(
        self,
        ctx: BoardContext,
        runner: TaskRunner,
        user: Any,
        parent: QObject | None = None,
        *,
        refresh_ms: int = REFRESH_MS,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.user = user
        self.view = BoardView(parent if isinstance(parent, QWidget) else None)
        self.model = BoardModel(self)
        self.view.table.setModel(self.model)
        self.view.size_columns()
        self.snapshot: BoardSnapshot | None = None
        self.filter = BoardFilter()
        self.loading = False
        self._again = False

        v = self.view
        v.status.addItem("Tất cả", None)
        for status in sorted(OPEN_STATUSES):
            v.status.addItem(strings.STATUS_SHORT.get(int(status), status.name), int(status))
        v.procedure.addItem("Tất cả thủ tục", "")
        for urgency, button in v.urgency_buttons.items():
            button.toggled.connect(lambda _on, u=urgency: self._on_urgency_toggled(u))
        v.status.currentIndexChanged.connect(self._on_filters_changed)
        v.procedure.currentIndexChanged.connect(self._on_filters_changed)
        v.text.textChanged.connect(self._on_filters_changed)
        v.refresh_button.clicked.connect(self.refresh)
        v.table.doubleClicked.connect(self._on_double_clicked)
        v.table.activated.connect(self._on_double_clicked)
        self.model.sort_requested.connect(self._on_sort_requested)
        header = v.table.horizontalHeader()
        header.setSortIndicator(COLUMN_OF_SORT[SortKey.URGENCY], Qt.SortOrder.AscendingOrder)

        self.timer = QTimer(self)
        self.timer.setInterval(refresh_ms)
        self.timer.timeout.connect(self._on_timer)
        self.timer.start()
        self.stale = False
        v.shown.connect(self._on_shown)  # the first snapshot is read when the page is shown

    # -- loading ------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """Read a new snapshot on the db lane (one at a time; a request meanwhile repeats)."""
        if self.loading:
            self._again = True
            return
        lookup = self.ctx.lookup
        self.loading = True
        QueryOp[Any](self.runner, lambda: lookup.board()).success(self._on_loaded).failure(
            self._on_failed
        ).run_in_background()

    def _on_loaded(self, snapshot: BoardSnapshot) -> None:
        self.loading = False
        self.snapshot = snapshot
        self._fill_procedures(snapshot)
        self._show_counts(snapshot)
        self.apply()
        self.refreshed.emit(snapshot)
        if self._again:
            self._again = False
            self.refresh()

    def _on_failed(self, exc: BaseException) -> None:
        self.loading = False
        self._again = False
        self.view.summary.setStyleSheet("color: #b00020;")
        self.view.summary.setText(strings.exception_message(exc))
        if not isinstance(getattr(exc, "code", None), str):
            errors.show(exc)

    def on_data_changed(self, change: Any) -> None:
        """Any dossier change may move a row; a print alone does not. While the page is
        hidden the refresh waits until it is shown: a snapshot of 100,000 dossiers costs the
        database lane about 0.15 s, which an intake save would otherwise wait behind."""
        kinds: frozenset[str] = getattr(change, "kinds", frozenset())
        if kinds and kinds <= {"print"}:
            return
        if self.view.isVisible():
            self.refresh()
        else:
            self.stale = True

    def _on_timer(self) -> None:
        """The time of day moves urgencies on; refresh while the page is shown."""
        if self.view.isVisible():
            self.refresh()
        else:
            self.stale = True

    def _on_shown(self) -> None:
        if self.stale or self.snapshot is None:
            self.stale = False
            self.refresh()

    def _fill_procedures(self, snapshot: BoardSnapshot) -> None:
        combo = self.view.procedure
        names = snapshot.procedures
        current = combo.currentData() or ""
        wanted = [("", "Tất cả thủ tục")] + sorted(
            ((code, f"{code} — {name}") for code, name in names.items()), key=lambda x: x[1]
        )
        if current and current not in names:
            wanted.append((current, f"{current} (không còn hồ sơ)"))
        if [(combo.itemData(i), combo.itemText(i)) for i in range(combo.count())] == wanted:
            return
        combo.blockSignals(True)
        combo.clear()
        for code, text in wanted:
            combo.addItem(text, code)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def _show_counts(self, snapshot: BoardSnapshot) -> None:
        for urgency, button in self.view.urgency_buttons.items():
            button.setText(f"{URGENCY_LABELS[urgency]} ({snapshot.counts.get(urgency, 0)})")

    # -- filtering ----------------------------------------------------------------------

    def apply(self) -> None:
        """Filter and sort the current snapshot into the model (no database access)."""
        if self.snapshot is None:
            return
        rows = apply_filter(self.snapshot, self.filter)
        self.model.set_rows(rows)
        total = len(self.snapshot.rows)
        at = self.snapshot.taken_at
        self.view.summary.setStyleSheet("")
        self.view.summary.setText(
            f"Hiển thị {fmt.format_number(len(rows))} / {fmt.format_number(total)} hồ sơ "
            f"đang giải quyết — cập nhật lúc {fmt.format_moment(at)}"
        )

    def set_filter(self, flt: BoardFilter) -> None:
        self.filter = flt
        self.apply()

    def _on_urgency_toggled(self, _urgency: Urgency) -> None:
        chosen = frozenset(u for u, b in self.view.urgency_buttons.items() if b.isChecked())
        self.set_filter(replace(self.filter, urgencies=chosen))

    @Slot()
    def _on_filters_changed(self, *_: Any) -> None:
        v = self.view
        status = v.status.currentData()
        self.set_filter(
            replace(
                self.filter,
                statuses=frozenset() if status is None else frozenset({Status(int(status))}),
                procedure_code=str(v.procedure.currentData() or ""),
                text=v.text.text(),
            )
        )

    @Slot(object, bool)
    def _on_sort_requested(self, key: SortKey, descending: bool) -> None:
        header = self.view.table.horizontalHeader()
        column = COLUMN_OF_SORT[key]
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        if header.sortIndicatorSection() != column or header.sortIndicatorOrder() != order:
            header.blockSignals(True)  # show which key really sorts
            header.setSortIndicator(column, order)
            header.blockSignals(False)
        if (key, descending) != (self.filter.sort, self.filter.descending):
            self.set_filter(replace(self.filter, sort=key, descending=descending))

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.row_value(index.row()).code)

    def stop(self) -> None:
        self.timer.stop()
