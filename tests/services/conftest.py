"""A real application context on a temporary SQLite file, with a settable clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, Person, Sex
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.context import AppContext


@dataclass
class FakeClock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


UNIT = UnitSetup(
    agency_id="000.00.06.H56",
    agency_name="Bộ phận Tiếp nhận và Trả kết quả phường Hạc Thành",
    managing_body="UBND phường Hạc Thành",
    counter_name="Quầy số 1",
    place_name="Thanh Hóa",
    province="Thanh Hóa",
)

HOA = Person(
    full_name="Lê Thị Hoa",
    id_number="038195001234",
    birth_date=date(1995, 6, 15),
    sex=Sex.FEMALE,
    phone="0912 345 678",
    email="hoa@example.vn",
    address="Số 12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
    kind=ApplicantKind.CITIZEN,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2023, 10, 27, 9, 32, tzinfo=OFFICE_TZ))


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths(data_dir=tmp_path / "data", log_dir=tmp_path / "logs")


@pytest.fixture
def ctx(paths: AppPaths, clock: FakeClock) -> Iterator[AppContext]:
    yield build_context(paths, clock)


@pytest.fixture
def admin(ctx: AppContext):  # type: ignore[no-untyped-def]
    return ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
