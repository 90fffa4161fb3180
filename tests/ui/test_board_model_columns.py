"""The board's table model reads its cells from the snapshot's columns: every cell, colour and
tooltip equals what the row-by-row model showed for the same row (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from motcua_desk.domain.board import (
    BoardFilter,
    BoardRow,
    BoardRows,
    BoardSnapshot,
    OpenColumns,
    SortKey,
    Urgency,
    apply_filter,
    thresholds,
)
from motcua_desk.domain.calendar import WorkCalendar
from motcua_desk.ui import strings
from motcua_desk.ui.screens.board.model import (
    COLUMNS,
    ROW_ROLE,
    URGENCY_COLOURS,
    URGENCY_LABELS,
    BoardModel,
)

from ..domain.test_board_columns import NOW, columns_of, filters, records


def row_text(r: BoardRow) -> list[str]:
    """The cells as the row-by-row model formatted them."""
    return [
        r.code,
        r.applicant_name,
        r.procedure_name or r.procedure_code,
        strings.STATUS_SHORT.get(int(r.status), str(int(r.status))),
        strings.format_datetime(r.received_at),
        strings.format_datetime(r.due_at),
        URGENCY_LABELS[r.urgency],
    ]


def colour(brush: Any) -> str | None:
    return None if brush is None else QBrush(brush).color().name()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recs=records(max_size=25), flt=filters, near=st.integers(0, 3))
def test_cells_equal_the_row_by_row_model(qapp: Any, recs: Any, flt: Any, near: int) -> None:
    snap = BoardSnapshot.classify(columns_of(recs), thresholds(NOW, WorkCalendar(), near), NOW)
    rows = apply_filter(snap, flt)
    model = BoardModel()
    model.set_rows(rows)
    assert model.rowCount() == len(rows) and model.columnCount() == len(COLUMNS)
    for n, r in enumerate(rows):
        cells = [model.index(n, c).data() for c in range(len(COLUMNS))]
        assert cells == row_text(r)
        background = model.index(n, 2).data(Qt.ItemDataRole.BackgroundRole)
        wanted = URGENCY_COLOURS[r.urgency]
        assert colour(background) == (None if wanted is None else QColor(wanted).name())
        assert model.index(n, 0).data(Qt.ItemDataRole.ToolTipRole) == (
            f"{r.code} — {URGENCY_LABELS[r.urgency]}"
        )
        assert model.index(n, 0).data(ROW_ROLE) == r == model.row_value(n)
    assert model.rows() is rows  # the filtered positions, not a copy per row
    assert model.index(len(rows), 0).data() is None


def test_rows_given_one_by_one_keep_their_order(qapp: Any) -> None:
    raw = [
        (i, f"M{i}", "Lê Hoa", "9.1", 4, 1.8e9 + i, 1.7e9, f"m{i}", "Khai sinh")
        for i in range(1, 4)
    ]
    snap = BoardSnapshot.classify(
        OpenColumns.from_chunks([raw]),
        thresholds(NOW, WorkCalendar(), 0),
        NOW,
    )
    backwards = tuple(apply_filter(snap, BoardFilter(sort=SortKey.CODE, descending=True)))
    model = BoardModel()
    model.set_rows(backwards)
    assert isinstance(model.rows(), BoardRows)
    assert [model.index(n, 0).data() for n in range(3)] == ["M3", "M2", "M1"]
    assert model.index(0, 2).data() == "Khai sinh"
    assert model.index(0, 6).data() == URGENCY_LABELS[Urgency.ON_TRACK]
