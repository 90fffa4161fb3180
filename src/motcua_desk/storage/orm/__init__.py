"""ORM table definitions. Only the storage package sees these; repositories return domain values."""

from .attachments import AttachmentHistoryRow, AttachmentRow, StoredFileRow
from .base import Base, UTCDateTime
from .catalogue import CalendarDayRow, ProcedureRow
from .dossiers import ChecklistRow, DossierEventRow, DossierRow
from .ops import (
    AuditRow,
    BackupFileRow,
    CodeBlockRow,
    CodeSequenceRow,
    OutboxRow,
    PrintJobRow,
    SyncStateRow,
    UserRow,
)
from .postal import PostalAttemptRow, PostalBatchRow, PostalItemRow
from .returns import DayCloseRow, RatingRow, ReturnRow
from .signing import SignedDocumentRow

__all__ = [
    "AttachmentHistoryRow",
    "AttachmentRow",
    "AuditRow",
    "BackupFileRow",
    "Base",
    "CalendarDayRow",
    "ChecklistRow",
    "CodeBlockRow",
    "CodeSequenceRow",
    "DayCloseRow",
    "DossierEventRow",
    "DossierRow",
    "OutboxRow",
    "PostalAttemptRow",
    "PostalBatchRow",
    "PostalItemRow",
    "PrintJobRow",
    "ProcedureRow",
    "RatingRow",
    "ReturnRow",
    "SignedDocumentRow",
    "StoredFileRow",
    "SyncStateRow",
    "UTCDateTime",
    "UserRow",
]
