"""The board's read on a real SQLite file: open dossiers of the unit as columns in id order,
what a later read with ``changed_since`` hands over, and the merge of the two equal to a new
full read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine, update

from motcua_desk.domain.board import NO_DUE, OpenColumns, haystack
from motcua_desk.domain.dossier import Status
from motcua_desk.domain.text import search_key
from motcua_desk.storage import UnitOfWork
from motcua_desk.storage.orm import DossierRow

from .conftest import T0, FakeClock, make_dossier

AGENCY = "000.00.06.H56"


def records(columns: OpenColumns) -> list[tuple[object, ...]]:
    return [columns.record(i) for i in range(len(columns))]


def full_read(uow_factory: Callable[[], UnitOfWork]) -> OpenColumns:
    with uow_factory() as uow:
        columns, gone, _ = uow.board.open_dossiers(AGENCY)
    assert gone == []
    return columns


def test_full_read_is_columns_in_id_order(uow_factory: Callable[[], UnitOfWork]) -> None:
    plan = [  # seq, status, due, agency, procedure name
        (3, Status.PROCESSING, T0 + timedelta(days=3), AGENCY, "Đăng ký khai sinh"),
        (1, Status.RECEIVED, None, AGENCY, "Đăng ký khai sinh (cũ)"),
        (2, Status.RETURNED, T0, AGENCY, "Đăng ký khai sinh"),  # closed: not on the board
        (4, Status.SUPPLEMENT, T0, "000.00.99.H56", "Đăng ký khai sinh"),  # another unit
        (5, Status.PROCESSED, T0 - timedelta(days=1), AGENCY, "Đăng ký khai sinh"),
    ]
    ids = {}
    with uow_factory() as uow:
        for seq, status, due, agency, name in plan:
            d = make_dossier(seq, status=status, due_at=due, agency_id=agency, procedure_name=name)
            ids[seq] = uow.dossiers.add(d).id
        uow.commit()
    cols = full_read(uow_factory)
    assert list(cols.ids) == sorted([ids[3], ids[1], ids[5]])
    by_seq = {seq: list(cols.ids).index(ids[seq]) for seq in (1, 3, 5)}
    assert cols.due[by_seq[1]] == NO_DUE
    assert cols.due[by_seq[3]] == (T0 + timedelta(days=3)).timestamp()
    assert cols.received[by_seq[5]] == T0.timestamp()
    assert cols.statuses[by_seq[5]] == Status.PROCESSED
    code = cols.codes[by_seq[3]]
    assert cols.haystacks[by_seq[3]] == haystack(
        code, search_key("Lê Thị Hoa"), "038195001234", "0912345678"
    )
    # One name per procedure code: the newest dossier's (the highest id) wins.
    assert cols.procedure_names == {"1.001193": "Đăng ký khai sinh"}


def test_changes_merged_equal_a_new_full_read(
    uow_factory: Callable[[], UnitOfWork], engine: Engine, clock: FakeClock
) -> None:
    with uow_factory() as uow:
        ids = [uow.dossiers.add(make_dossier(seq)).id for seq in range(1, 8)]
        uow.commit()
    before = full_read(uow_factory)
    with uow_factory() as uow:
        _, _, mark = uow.board.open_dossiers(AGENCY)
    assert mark is not None
    clock.advance(minutes=10)
    with uow_factory() as uow:
        new = uow.dossiers.add(make_dossier(20, status=Status.PROCESSING)).id
        uow.commit()
    later = mark + timedelta(minutes=10)
    with engine.begin() as conn:
        for dossier_id, status in ((ids[1], Status.RETURNED), (ids[4], Status.SUPPLEMENT)):
            conn.execute(
                update(DossierRow)
                .where(DossierRow.id == dossier_id)
                .values(status=int(status), updated_at=later)
            )
    with uow_factory() as uow:
        changed, gone, newest = uow.board.open_dossiers(AGENCY, mark + timedelta(minutes=1))
    assert gone == [ids[1]]
    assert list(changed.ids) == [ids[4], new]
    assert newest is not None and newest > mark
    merged = before.merged(changed, gone)
    assert records(merged) == records(full_read(uow_factory))
    assert merged.statuses[list(merged.ids).index(ids[4])] == Status.SUPPLEMENT
