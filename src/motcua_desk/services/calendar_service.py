"""The unit's working-day calendar: stored days (seeded, admin-edited) plus settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from motcua_desk.config import Settings
from motcua_desk.domain.calendar import WorkCalendar
from motcua_desk.services.calendar_seed import build_calendar, load_overrides, seed_days
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.uow import UnitOfWork


class CalendarService:
    """Builds and caches the :class:`WorkCalendar`; rebuilt when settings or days change."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], settings: SettingsStore) -> None:
        self._uow_factory = uow_factory
        self._settings = settings
        self._lock = threading.Lock()
        self._cached: WorkCalendar | None = None
        settings.subscribe(self._on_settings_changed)

    def _on_settings_changed(self, _settings: Settings) -> None:
        self.invalidate()

    def invalidate(self) -> None:
        with self._lock:
            self._cached = None

    def ensure_seeded(self, years: list[int]) -> int:
        """Seed holidays for ``years`` when the table holds none of them; returns rows added."""
        with self._uow_factory() as uow:
            present = {d.day.year for d in uow.calendar.all()}
            wanted = [y for y in years if y not in present]
            if not wanted:
                return 0
            days = seed_days(wanted)
            for day in days:
                uow.calendar.upsert(day, source="seed")
            uow.commit()
        self.invalidate()
        return len(days)

    def calendar(self) -> WorkCalendar:
        with self._lock:
            if self._cached is None:
                with self._uow_factory() as uow:
                    days = uow.calendar.all()
                self._cached = build_calendar(days, self._settings.current)
            return self._cached

    def next_year_missing(self, today: date) -> bool:
        """True when next year's official schedule has not been approved yet.

        Seeded days of a year outside the bundled override table come from the ``holidays``
        package alone (lunar dates computed, swaps unknown), so they do not count as approved;
        an entry typed in by an administrator does.
        """
        year = today.year + 1
        if year in load_overrides().years:
            return False
        with self._uow_factory() as uow:
            stored = uow.calendar.stored()
        return not any(d.day.year == year and d.source == "admin" for d in stored)
