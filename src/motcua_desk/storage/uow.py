"""Unit of work: one short Session, its repositories, and an explicit commit.

``with uow_factory() as uow: ...; uow.commit()`` - leaving the block without ``commit()`` (or
through an exception) rolls everything back, so a change and its outbox event are written
together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .errors import KnownStorageError, translate_error
from .passwords import Passwords
from .repositories.attachments import AttachmentRepository
from .repositories.audit import AuditRepository
from .repositories.board import BoardRepository
from .repositories.calendar import CalendarRepository
from .repositories.day_closes import DayCloseRepository
from .repositories.dossiers import DossierRepository
from .repositories.outbox import OutboxRepository
from .repositories.postal import PostalRepository
from .repositories.print_jobs import PrintJobRepository
from .repositories.procedures import ProcedureRepository
from .repositories.returns import ReturnRepository
from .repositories.sequences import SequenceRepository
from .repositories.sync_state import SyncStateRepository
from .repositories.users import UserRepository

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class UnitOfWork:
    """Not thread-safe: create, use and close it on one thread (the db lane)."""

    def __init__(
        self, engine: Engine, *, clock: Clock = utc_now, passwords: Passwords | None = None
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._passwords = passwords or Passwords()
        self._session: Session | None = None
        self._committed = False

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside its 'with' block")
        return self._session

    def __enter__(self) -> UnitOfWork:
        s = Session(self._engine, expire_on_commit=False, autoflush=True)
        self._session = s
        self._committed = False
        self.dossiers = DossierRepository(s, self._clock)
        self.procedures = ProcedureRepository(s)
        self.users = UserRepository(s, self._clock, self._passwords)
        self.audit = AuditRepository(s)
        self.outbox = OutboxRepository(s, self._clock)
        self.sequences = SequenceRepository(s, self._clock)
        self.calendar = CalendarRepository(s)
        self.print_jobs = PrintJobRepository(s)
        self.sync_state = SyncStateRepository(s)
        self.postal = PostalRepository(s)
        self.board = BoardRepository(s)
        self.returns = ReturnRepository(s)
        self.day_closes = DayCloseRepository(s)
        self.attachments = AttachmentRepository(s, self._clock)
        return self

    def commit(self) -> None:
        try:
            self.session.commit()
        except Exception as exc:
            translated = translate_error(exc)
            if isinstance(translated, KnownStorageError):
                raise translated from exc
            raise
        self._committed = True

    def rollback(self) -> None:
        self.session.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if not self._committed or exc is not None:
                session.rollback()
        finally:
            session.close()
            self._session = None


def make_uow_factory(
    engine: Engine, *, clock: Clock = utc_now, passwords: Passwords | None = None
) -> Callable[[], UnitOfWork]:
    """A factory for fresh units of work sharing ``engine``, ``clock`` and password hasher."""
    shared = passwords or Passwords()

    def factory() -> UnitOfWork:
        return UnitOfWork(engine, clock=clock, passwords=shared)

    return factory
