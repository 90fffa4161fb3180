"""Finding dossiers: by code with the whole timeline, by search criteria, and the status board."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter

from motcua_desk.domain.board import BoardSnapshot, OpenDossier, classify_all, thresholds
from motcua_desk.domain.dossier import Dossier, DossierEvent, Status
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.domain.postal import S10_RE
from motcua_desk.domain.text import normalize
from motcua_desk.services.calendar_service import CalendarService
from motcua_desk.services.clock import office_midnight, to_local
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.storage.repositories.day_closes import DayClose
from motcua_desk.storage.repositories.print_jobs import PrintJob
from motcua_desk.storage.repositories.returns import Rating, ReturnRecord
from motcua_desk.storage.uow import UnitOfWork, reading


def is_item_code_shape(text: str) -> bool:
    """Whether ``text`` looks like a UPU S10 item number (the check digit is not checked: an
    item stored under a carrier's own code is still found)."""
    return S10_RE.match(text) is not None


@dataclass(frozen=True)
class DossierFile:
    """A dossier with everything the counter knows of it, for the lookup screen."""

    dossier: Dossier
    timeline: tuple[DossierEvent, ...]
    print_jobs: tuple[PrintJob, ...]
    return_record: ReturnRecord | None = None
    rating: Rating | None = None
    received_day_close: DayClose | None = None


@dataclass(frozen=True)
class SearchCriteria:
    """``text`` matches code, applicant name (with or without diacritics), ID number, phone.

    ``date_from``/``date_to`` are office dates, both inclusive, on the reception date.
    """

    text: str = ""
    procedure_code: str = ""
    status: Status | None = None
    date_from: date | None = None
    date_to: date | None = None
    limit: int = 200


#: Changes stamped up to this long before the last one read are read again: a wall clock that
#: steps back must not hide a change from the board.
_REFRESH_MARGIN = timedelta(minutes=5)


class LookupService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        settings: SettingsStore,
        calendar: CalendarService,
        clock: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._settings = settings
        self._calendar = calendar
        self._clock = clock
        self._board_lock = threading.Lock()
        self._board_cache: dict[int, OpenDossier] = {}
        self._board_agency: str | None = None
        self._board_mark: datetime | None = None

    def open_by_code(self, code: str) -> DossierFile | None:
        """The dossier with this code (typed or scanned; case and spaces forgiven), or None.

        A postal item number (S10) finds the dossier it carried, so an envelope the post
        brings back is traced at once (issue 13).
        """
        wanted = normalize(code)
        if not wanted:
            raise ValidationFailedError({"code": "required"})
        with reading(self._uow_factory) as uow:
            d = uow.dossiers.by_code(wanted)
            if d is None:
                d = self._by_item_code(uow, wanted)
            if d is None:
                return None
            return self._file(uow, d)

    @staticmethod
    def _by_item_code(uow: UnitOfWork, text: str) -> Dossier | None:
        compact = "".join(text.split()).upper()
        if not is_item_code_shape(compact):
            return None
        item = uow.postal.item_by_code(compact)
        if item is None or item.dossier_id is None:
            return None
        return uow.dossiers.get(item.dossier_id)

    def open_by_id(self, dossier_id: int) -> DossierFile:
        with reading(self._uow_factory) as uow:
            return self._file(uow, uow.dossiers.get(dossier_id))

    @staticmethod
    def _file(uow: UnitOfWork, d: Dossier) -> DossierFile:
        assert d.id is not None
        return DossierFile(
            dossier=d,
            timeline=tuple(uow.dossiers.timeline(d.id)),
            print_jobs=tuple(uow.print_jobs.for_dossier(d.id)),
            return_record=uow.returns.for_dossier(d.id),
            rating=uow.returns.rating_for(d.id),
            received_day_close=uow.day_closes.get(to_local(d.received_at).date()),
        )

    def search(self, criteria: SearchCriteria) -> list[Dossier]:
        """Newest first, at most ``criteria.limit`` (1..1000)."""
        c = criteria
        if c.date_from and c.date_to and c.date_to < c.date_from:
            raise ValidationFailedError({"date_to": "before_date_from"})
        if not 1 <= c.limit <= 1000:
            raise ValidationFailedError({"limit": "out_of_range"})
        with reading(self._uow_factory) as uow:
            return uow.dossiers.search(
                c.text,
                status=c.status,
                date_from=office_midnight(c.date_from) if c.date_from else None,
                date_to=office_midnight(c.date_to + timedelta(days=1)) if c.date_to else None,
                procedure_code=normalize(c.procedure_code) or None,
                limit=c.limit,
            )

    def board(self, now: datetime | None = None, *, full: bool = False) -> BoardSnapshot:
        """Every open dossier of the unit with its urgency at ``now`` (default: the clock).

        The first call reads every open dossier; later calls read only dossiers changed since
        (by ``updated_at``, with a margin against clock steps) and merge them, then classify
        the whole set again, since urgency moves with the time of day. ``full`` forces a
        complete read.
        """
        at = to_local(now or self._clock())
        s = self._settings.current
        cuts = thresholds(at, self._calendar.calendar(), s.near_due_days)
        with self._board_lock:
            if full or self._board_agency != s.agency_id or self._board_mark is None:
                self._board_cache = {}
                since = None
            else:
                since = self._board_mark - _REFRESH_MARGIN
            with reading(self._uow_factory) as uow:
                records, gone, newest = uow.board.open_dossiers(s.agency_id, since)
            cache = self._board_cache
            for gone_id in gone:
                cache.pop(gone_id, None)
            cache.update(zip(map(itemgetter(0), records), records, strict=True))  # by id
            self._board_agency = s.agency_id
            self._board_mark = newest or self._board_mark or at
            rows = classify_all(cache.values(), cuts)
        return BoardSnapshot.of(rows, taken_at=at)
