"""Unit of work: one short Session, its repositories, and an explicit commit.

``with uow_factory() as uow: ...; uow.commit()`` - leaving the block without ``commit()`` (or
through an exception) rolls everything back, so a change and its outbox event are written
together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol, cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from .engine import read_only_engine
from .errors import KnownStorageError, StorageError, translate_error
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
from .repositories.signed_documents import SignedDocumentRepository
from .repositories.sync_state import SyncStateRepository
from .repositories.users import UserRepository

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class ReadOnlyUnitOfWorkError(StorageError):
    """A read unit of work was asked to commit: a bug in the calling service."""

    code = "read_only_unit_of_work"


class UnitOfWork:
    """Not thread-safe: create, use and close it on one thread (the db lane)."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock = utc_now,
        passwords: Passwords | None = None,
        read_only: bool = False,
    ) -> None:
        self._engine = read_only_engine(engine) if read_only else engine
        self.read_only = read_only
        self._clock = clock
        self._passwords = passwords or Passwords()
        self._session: Session | None = None
        self._committed = False

    @property
    def passwords(self) -> Passwords:
        return self._passwords

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
        self.signed_documents = SignedDocumentRepository(s)
        self.attachments = AttachmentRepository(s, self._clock)
        return self

    def commit(self) -> None:
        if self.read_only:
            raise ReadOnlyUnitOfWorkError()
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


class UowFactory(Protocol):
    """``factory()`` for a write unit of work, ``factory(read_only=True)`` for a read."""

    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...


def make_uow_factory(
    engine: Engine, *, clock: Clock = utc_now, passwords: Passwords | None = None
) -> Callable[..., UnitOfWork]:
    """A factory for fresh units of work sharing ``engine``, ``clock`` and password hasher.

    ``factory(read_only=True)`` begins DEFERRED and cannot commit: for lookups, lists and the
    password check of a login, which must not hold SQLite's single write lock (issue 14 §4).
    """
    shared = passwords or Passwords()

    def factory(*, read_only: bool = False) -> UnitOfWork:
        return UnitOfWork(engine, clock=clock, passwords=shared, read_only=read_only)

    return factory


def reading(factory: Callable[[], UnitOfWork]) -> UnitOfWork:
    """A read-only unit of work from ``factory`` (see :func:`make_uow_factory`).

    Services keep their ``Callable[[], UnitOfWork]`` type; a factory without the keyword
    (a test's) gives a normal unit of work.
    """
    make = cast(Callable[..., UnitOfWork], factory)
    try:
        return make(read_only=True)
    except TypeError:
        return factory()
