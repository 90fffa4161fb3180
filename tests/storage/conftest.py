"""Fixtures for storage tests: real SQLite files in tmp_path, migrated with Alembic."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from motcua_desk.domain.dossier import ChecklistItem, Dossier, Person, Status
from motcua_desk.storage import Passwords, UnitOfWork, make_engine, make_uow_factory, migrate
from motcua_desk.storage.passwords import fast_hasher

ICT = timezone(timedelta(hours=7))
T0 = datetime(2026, 2, 12, 10, 15, tzinfo=ICT)


class FakeClock:
    """A settable clock; tests never read the real time."""

    def __init__(self, start: datetime = datetime(2026, 2, 12, 3, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "motcua.db"


@pytest.fixture
def engine(db_file: Path, tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(db_file)
    migrate(eng, db_file, tmp_path / "backups")
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def uow_factory(engine: Engine, clock: FakeClock) -> Callable[[], UnitOfWork]:
    return make_uow_factory(engine, clock=clock, passwords=Passwords(fast_hasher()))


def make_dossier(seq: int = 1, **overrides: Any) -> Dossier:
    base = Dossier(
        sync_id=str(uuid.uuid4()),
        code=f"000.00.06.H56-260212-{seq:04d}",
        agency_id="000.00.06.H56",
        procedure_code="1.001193",
        procedure_name="Thủ tục đăng ký khai sinh",
        applicant=Person(
            full_name="Lê Thị Hoa",
            id_number="038195001234",
            phone="0912345678",
            address="Số 12 Lê Lợi, Phường Điện Biên",
        ),
        received_at=T0,
        due_at=T0 + timedelta(days=14),
        status=Status.RECEIVED,
        checklist=(
            ChecklistItem("Tờ khai đăng ký khai sinh theo mẫu", received=True),
            ChecklistItem("Giấy chứng sinh", received=False),
        ),
        clerk_username="canbo1",
    )
    return replace(base, **overrides)
