"""A counter on the real services and a temporary SQLite database, for screen tests.

``RealCounter`` is the bootstrap's context (every attribute is the real service) plus ``store``:
what the database holds, read back through the real repositories, so a test asserts on what was
saved rather than on what a fake remembers. Only the printer and the scan clock stay fakes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import Dossier
from motcua_desk.storage.repositories.print_jobs import PrintJob
from motcua_desk.storage.uow import reading

from . import fakes

UNIT_ID = "000.00.06.H56"
ADMIN, ADMIN_PASSWORD = "admin", "mat-khau-2026"
BIRTH = "1.001193"  # same day, two required papers
BUILDING_PERMIT = "1.004227"  # 15 working days, 75.000 đồng


class Stored:
    """The saved dossiers and print jobs, oldest first, as the repositories return them."""

    def __init__(self, ctx: Any) -> None:
        self._uow = ctx.reception._uow_factory  # noqa: SLF001 - reading back in a test

    @property
    def dossiers(self) -> list[Dossier]:
        with reading(self._uow) as uow:
            return list(reversed(uow.dossiers.search(limit=1000)))

    @property
    def prints(self) -> list[PrintJob]:
        with reading(self._uow) as uow:
            jobs = [
                j for d in uow.dossiers.search(limit=1000) for j in uow.print_jobs.for_dossier(d.id)
            ]
        return sorted(jobs, key=lambda j: j.id)


class RealCounter:
    """The real context; ``store`` reads back what was saved."""

    def __init__(self, ctx: Any) -> None:
        self._ctx = ctx
        self.store = Stored(ctx)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ctx, name)

    def dossier(self, code: str) -> Any:
        """The dossier file (dossier and timeline) as lookup shows it."""
        return self._ctx.lookup.open_by_code(code)


def make_counter(tmp_path: Path) -> RealCounter:
    from motcua_desk.bootstrap import build_context
    from motcua_desk.services.accounts import UnitSetup

    ctx = build_context(AppPaths(tmp_path / "data", tmp_path / "logs"))
    unit = UnitSetup(UNIT_ID, "Bộ phận Một cửa", "UBND phường Hạc Thành", "Quầy 1", "Thanh Hóa")
    ctx.accounts.first_run(unit, ADMIN, "Nguyễn Văn An", ADMIN_PASSWORD)
    # A provincial procedure the bundled commune catalogue lacks, imported as a catalogue update
    # is: a fee, a processing time and a paper in two copies for the screen to show.
    permit = next(p for p in fakes.sample_procedures() if p.code == BUILDING_PERMIT)
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001 - test set-up
        uow.procedures.upsert_many([permit])
        uow.commit()
    ctx.catalogue.reload()
    return RealCounter(ctx)


def counter_window(
    qtbot: Any, counter: RealCounter, backend: Any, scan_clock: Any
) -> Iterator[Any]:
    from motcua_desk.ui.app import create_main_window
    from motcua_desk.ui.scanner import ScannerFilter

    clerk = counter.accounts.login(ADMIN, ADMIN_PASSWORD)
    scanner = ScannerFilter(None, clock=scan_clock)
    win = create_main_window(counter, clerk, backend=backend, scanner=scanner)
    win.intake.confirm = lambda _text: True
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.shutdown()
