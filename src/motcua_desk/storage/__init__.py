"""SQLite storage: engine, migrations, unit of work and repositories returning frozen values.

Importing this package opens nothing; :func:`make_engine` and :func:`migrate` do the work.
"""

from .catalogue_import import (
    CatalogueImportError,
    ImportReport,
    import_catalogue,
    parse_catalogue,
    parse_catalogue_json,
)
from .engine import make_engine
from .errors import (
    DuplicateError,
    KnownStorageError,
    NotFoundError,
    StorageError,
    translate_error,
)
from .migrate import (
    MigrationResult,
    SchemaTooNewError,
    UnversionedDatabaseError,
    current_revision,
    head_revision,
    migrate,
)
from .passwords import Passwords, WeakPasswordError
from .repositories.audit import AuditEntry, AuditVerification
from .repositories.calendar import StoredCalendarDay
from .repositories.outbox import OutboxEvent, OutboxStats
from .repositories.print_jobs import PrintJob
from .repositories.sequences import (
    LeasedSequenceSource,
    LocalSequenceSource,
    SequenceExhaustedError,
)
from .repositories.users import Role, User
from .uow import UnitOfWork, make_uow_factory

__all__ = [
    "AuditEntry",
    "AuditVerification",
    "CatalogueImportError",
    "DuplicateError",
    "ImportReport",
    "KnownStorageError",
    "LeasedSequenceSource",
    "LocalSequenceSource",
    "MigrationResult",
    "NotFoundError",
    "OutboxEvent",
    "OutboxStats",
    "Passwords",
    "PrintJob",
    "Role",
    "SchemaTooNewError",
    "SequenceExhaustedError",
    "StorageError",
    "StoredCalendarDay",
    "UnitOfWork",
    "UnversionedDatabaseError",
    "User",
    "WeakPasswordError",
    "current_revision",
    "head_revision",
    "import_catalogue",
    "make_engine",
    "make_uow_factory",
    "migrate",
    "parse_catalogue",
    "parse_catalogue_json",
    "translate_error",
]
