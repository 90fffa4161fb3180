"""Canonical JSON helper, naive-time refusal, and use of the engine from a worker thread."""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

import pytest

from motcua_desk.storage import UnitOfWork, _json

from .conftest import make_dossier


class Colour(enum.Enum):
    RED = "red"


def test_dumps_is_canonical() -> None:
    a = _json.dumps({"b": 1, "a": "Hằng"})
    b = _json.dumps({"a": "Hằng", "b": 1})
    assert a == b == '{"a":"Hằng","b":1}'


def test_dumps_converts_times_enums_and_sets() -> None:
    ict = timezone(timedelta(hours=7))
    out = _json.dumps(
        {
            "t": datetime(2026, 2, 12, 10, 15, tzinfo=ict),
            "d": date(2026, 2, 12),
            "e": Colour.RED,
            "s": {3, 1},
            "tu": (1, 2),
        }
    )
    assert out == (
        '{"d":"2026-02-12","e":"red","s":[1,3],"t":"2026-02-12T03:15:00+00:00","tu":[1,2]}'
    )


def test_dumps_refuses_naive_and_unknown() -> None:
    with pytest.raises(TypeError):
        _json.dumps({"t": datetime(2026, 2, 12, 10, 15)})
    with pytest.raises(TypeError):
        _json.dumps({"x": object()})


@pytest.mark.parametrize("text", ["[1, 2]", '"x"', "3", "not json"])
def test_loads_object_refuses_non_objects(text: str) -> None:
    with pytest.raises(ValueError):
        _json.loads_object(text)


def test_audit_refuses_naive_time(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow, pytest.raises(ValueError):
        uow.audit.append("a", "b", "c", "d", {}, datetime(2026, 1, 1))  # noqa: DTZ001


def test_units_of_work_on_a_worker_thread(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:  # main thread, as bootstrap does after migrating
        uow.dossiers.add(make_dossier(1))
        uow.commit()
    results: list[object] = []

    def db_lane() -> None:
        try:
            with uow_factory() as uow:
                uow.dossiers.add(make_dossier(2))
                uow.commit()
            with uow_factory() as uow:
                results.append(uow.dossiers.count())
        except Exception as exc:  # surfaced by the assert below
            results.append(exc)

    worker = threading.Thread(target=db_lane)
    worker.start()
    worker.join(timeout=30)
    assert results == [2]
    with uow_factory() as uow:
        assert sorted(d.code[-4:] for d in uow.dossiers.search()) == ["0001", "0002"]
