"""Status board: the model (qtmodeltester, colours, header sort) and the screen on the real
services (counts, filters, refresh after a change and on the timer) (issue 5)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.board import (
    BoardFilter,
    BoardSnapshot,
    OpenDossier,
    SortKey,
    Thresholds,
    Urgency,
    classify_all,
)
from motcua_desk.domain.dossier import ApplicantKind, Person, Status
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.ui.changes import ChangeSet
from motcua_desk.ui.screens.board.controller import BoardController
from motcua_desk.ui.screens.board.model import COLUMN_OF_SORT, URGENCY_COLOURS, BoardModel
from motcua_desk.ui.tasks import TaskRunner

from .fakes import Clock

NOW = datetime(2023, 10, 12, 10, 0, tzinfo=OFFICE_TZ)  # a Thursday
CUTS = Thresholds(
    datetime(2023, 10, 12, tzinfo=OFFICE_TZ),
    datetime(2023, 10, 13, tzinfo=OFFICE_TZ),
    datetime(2023, 10, 17, tzinfo=OFFICE_TZ),
)


def record(i: int, status: Status, due: datetime | None, name: str = "Lê Thị Hoa") -> OpenDossier:
    received = NOW - timedelta(days=10, minutes=i)
    return OpenDossier(
        id=i,
        code=f"000.00.06.H56-231002-{i:04d}",
        applicant_name=name,
        procedure_code="1.014137" if i % 2 else "2.001035",
        procedure_name="Cấp thẻ bảo hiểm y tế" if i % 2 else "Chứng thực",
        status=status,
        due_ts=float("inf") if due is None else due.timestamp(),
        received_ts=received.timestamp(),
        haystack=f"{i:04d}\x1fle thi hoa\x1f\x1f",
    )


def one_of_each() -> tuple[Any, ...]:
    records = [
        record(1, Status.PROCESSING, NOW - timedelta(days=3)),  # overdue
        record(2, Status.RECEIVED, NOW + timedelta(hours=2)),  # due today
        record(3, Status.PROCESSING, NOW + timedelta(days=3)),  # near due
        record(4, Status.SUPPLEMENT, NOW - timedelta(days=1)),  # clock stopped
        record(5, Status.PROCESSED, NOW + timedelta(days=1)),  # ready
        record(6, Status.RECEIVED, NOW + timedelta(days=20)),  # on track
        record(7, Status.RECEIVED, None),  # no due date: on track, last
    ]
    return tuple(BoardSnapshot.of(classify_all(records, CUTS), NOW).rows)


def test_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = BoardModel()
    qtmodeltester.check(model)
    model.set_rows(one_of_each())
    qtmodeltester.check(model)
    assert model.rowCount() == 7 and model.columnCount() == 7
    assert model.index(0, 0).data() == "000.00.06.H56-231002-0001"
    assert model.index(0, 5).data() == "09/10/2023 10:00"  # due, in office time
    assert model.index(6, 5).data() == "—"
    model.set_rows(())
    qtmodeltester.check(model)


def test_background_colour_per_urgency() -> None:
    model = BoardModel()
    rows = one_of_each()
    model.set_rows(rows)
    seen = {}
    for r, row in enumerate(rows):
        brush = model.index(r, 3).data(Qt.ItemDataRole.BackgroundRole)
        seen[row.urgency] = None if brush is None else QBrush(brush).color().name()
    assert seen == {
        u: (None if c is None else QColor(c).name()) for u, c in URGENCY_COLOURS.items()
    }
    assert seen[Urgency.OVERDUE] != seen[Urgency.DUE_TODAY] != seen[Urgency.NEAR_DUE]
    assert model.index(0, 6).data() == "Quá hạn"


def test_header_sort_maps_to_sort_keys(qtbot: Any) -> None:
    model = BoardModel()
    asked: list[tuple[SortKey, bool]] = []
    model.sort_requested.connect(lambda key, desc: asked.append((key, desc)))
    model.sort(COLUMN_OF_SORT[SortKey.DUE], Qt.SortOrder.DescendingOrder)
    model.sort(0, Qt.SortOrder.AscendingOrder)
    model.sort(4, Qt.SortOrder.AscendingOrder)
    model.sort(1, Qt.SortOrder.AscendingOrder)  # the name: no key of its own
    assert asked == [
        (SortKey.DUE, True),
        (SortKey.CODE, False),
        (SortKey.RECEIVED, False),
        (SortKey.URGENCY, False),
    ]


# -- the screen on the real services ------------------------------------------------------

UNIT = UnitSetup("000.00.06.H56", "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa")
HEALTH_CARD = "1.014137"  # 5 working days
CONTRACT = "2.001035"  # 2 working days


def person(name: str, id_number: str) -> Person:
    return Person(name, id_number, address="Thanh Hóa", kind=ApplicantKind.CITIZEN)


@dataclass
class Board:
    ctx: Any
    clock: Clock
    admin: Any
    codes: dict[str, str]
    ids: dict[str, int]
    runner: TaskRunner
    qtbot: Any

    def controller(self, **kwargs: Any) -> BoardController:
        c = BoardController(self.ctx, self.runner, self.admin, **kwargs)
        self.qtbot.addWidget(c.view)
        c.view.show()  # the board reads its snapshot once shown, and refreshes while shown
        self.qtbot.waitUntil(lambda: c.snapshot is not None)
        return c


@pytest.fixture
def board(qtbot: Any, tmp_path: Path) -> Iterator[Board]:
    clock = Clock(NOW)
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    plan = [  # name, procedure, received on (office time, 09:00)
        ("overdue", HEALTH_CARD, datetime(2023, 10, 2, 9, tzinfo=OFFICE_TZ), "Lê Thị Hoa"),
        ("today", CONTRACT, datetime(2023, 10, 10, 9, tzinfo=OFFICE_TZ), "Trần Văn Nam"),
        ("near", HEALTH_CARD, datetime(2023, 10, 9, 9, tzinfo=OFFICE_TZ), "Phạm Thị Lan"),
        ("track", HEALTH_CARD, datetime(2023, 10, 12, 9, tzinfo=OFFICE_TZ), "Đỗ Văn Đức"),
        ("supplement", CONTRACT, datetime(2023, 10, 11, 9, tzinfo=OFFICE_TZ), "Vũ Thị Mai"),
        ("ready", HEALTH_CARD, datetime(2023, 10, 11, 9, tzinfo=OFFICE_TZ), "Hoàng Văn Tú"),
    ]
    codes, ids = {}, {}
    for n, (key, procedure, at, name) in enumerate(plan):
        clock.now = at
        d = ctx.reception.receive(
            IntakeDraft(procedure, person(name, f"0381950012{n:02d}")), admin
        ).value
        codes[key], ids[key] = d.code, d.id
    clock.now = NOW
    ctx.lifecycle.request_supplement(ids["supplement"], admin, ("Hợp đồng",), "Thiếu")
    ctx.lifecycle.hand_over(ids["ready"], admin, "Phòng Kinh tế")
    ctx.lifecycle.result_received(ids["ready"], admin)
    ctx.lifecycle.withdraw(
        ctx.reception.receive(IntakeDraft(CONTRACT, person("X", "038195001299")), admin).value.id,
        admin,
        "Rút",
    )
    runner = TaskRunner()
    yield Board(ctx, clock, admin, codes, ids, runner, qtbot)
    runner.shutdown()


def shown(c: BoardController) -> list[str]:
    return [r.code for r in c.model.rows()]


def test_board_counts_colours_filters_and_sort(board: Board) -> None:
    c = board.controller()
    b = board.codes
    # The default order is by urgency; the withdrawn dossier is not on the board.
    assert shown(c) == [
        b["overdue"],
        b["today"],
        b["near"],
        b["supplement"],
        b["ready"],
        b["track"],
    ]
    buttons = c.view.urgency_buttons
    assert buttons[Urgency.OVERDUE].text() == "Quá hạn (1)"
    assert buttons[Urgency.SUPPLEMENT].text() == "Chờ bổ sung (1)"
    assert buttons[Urgency.ON_TRACK].text() == "Còn hạn (1)"
    assert c.view.summary.text().startswith("Hiển thị 6 / 6 hồ sơ")
    brush = c.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert QBrush(brush).color() == QColor(URGENCY_COLOURS[Urgency.OVERDUE] or "")

    buttons[Urgency.OVERDUE].click()
    buttons[Urgency.DUE_TODAY].click()
    assert shown(c) == [b["overdue"], b["today"]]
    buttons[Urgency.OVERDUE].click()
    buttons[Urgency.DUE_TODAY].click()
    assert len(shown(c)) == 6

    c.view.text.setText("le thi hoa")  # without diacritics
    assert shown(c) == [b["overdue"]]
    c.view.text.setText("Đức")
    assert shown(c) == [b["track"]]
    c.view.text.clear()

    v = c.view
    v.status.setCurrentIndex(v.status.findData(int(Status.PROCESSED)))
    assert shown(c) == [b["ready"]]
    v.status.setCurrentIndex(0)
    v.procedure.setCurrentIndex(v.procedure.findData(CONTRACT))
    assert shown(c) == [b["today"], b["supplement"]]
    v.procedure.setCurrentIndex(0)

    v.table.sortByColumn(COLUMN_OF_SORT[SortKey.RECEIVED], Qt.SortOrder.DescendingOrder)
    assert c.filter.sort is SortKey.RECEIVED and c.filter.descending
    assert shown(c)[0] == b["track"] and shown(c)[-1] == b["overdue"]
    v.table.sortByColumn(COLUMN_OF_SORT[SortKey.CODE], Qt.SortOrder.AscendingOrder)
    assert shown(c) == sorted(shown(c))

    with board.qtbot.waitSignal(c.open_requested) as opened:
        v.table.doubleClicked.emit(c.model.index(2, 1))
    assert opened.args == [shown(c)[2]]
    c.stop()


def test_refresh_after_a_change_and_on_the_timer(board: Board) -> None:
    c = board.controller()
    b = board.codes
    board.ctx.lifecycle.request_supplement(board.ids["track"], board.admin, ("Ảnh",), "Thiếu ảnh")
    c.on_data_changed(ChangeSet.of("print", codes=(b["track"],)))  # a print moves nothing
    assert c.loading is False
    with board.qtbot.waitSignal(c.refreshed):
        c.on_data_changed(ChangeSet.of("dossier", codes=(b["track"],)))
    assert c.view.urgency_buttons[Urgency.SUPPLEMENT].text() == "Chờ bổ sung (2)"
    assert c.view.urgency_buttons[Urgency.ON_TRACK].text() == "Còn hạn (0)"
    c.view.hide()  # hidden: a change only marks the board stale, shown again it refreshes
    c.on_data_changed(ChangeSet.of("dossier"))
    assert c.stale and not c.loading
    with board.qtbot.waitSignal(c.refreshed):
        c.view.show()
    assert not c.stale
    c.stop()

    # The timer alone picks up changes (and the time of day moving on).
    timed = board.controller(refresh_ms=50)
    board.ctx.lifecycle.hand_over(board.ids["today"], board.admin, "Phòng Kinh tế")
    board.ctx.lifecycle.result_received(board.ids["today"], board.admin)
    board.qtbot.waitUntil(
        lambda: timed.view.urgency_buttons[Urgency.READY].text() == "Có kết quả, chờ trả (2)",
        timeout=5000,
    )
    assert b["today"] not in [r.code for r in timed.model.rows() if r.urgency is Urgency.DUE_TODAY]
    timed.stop()


def test_filter_change_over_100000_rows(board: Board) -> None:
    """The screen's filter path over a large snapshot (its speed is measured by
    bench/board_bench.py, not asserted here)."""
    c = board.controller()
    c.stop()
    names = ("Lê Thị Hoa", "Nguyễn Văn Bình", "Trần Thị Mai")
    records = [
        record(i, Status.RECEIVED, NOW + timedelta(hours=i % 500 - 100), names[i % 3])
        for i in range(100_000)
    ]
    c.snapshot = BoardSnapshot.of(classify_all(records, CUTS), NOW)
    wanted = frozenset({Urgency.DUE_TODAY, Urgency.OVERDUE})
    c.set_filter(BoardFilter(urgencies=wanted))
    c.view.text.setText("0042")
    expected = [r.id for r in c.snapshot.rows if r.urgency in wanted and "0042" in r.haystack]
    assert 0 < len(expected) < 100_000
    shown = [r.id for r in c.model.rows()]
    assert sorted(shown) == sorted(expected)
