"""Dossier, applicant, checklist and the status state machine.

Statuses use the national portal's codes (the national public-service portal's status codes) so that sync and reports need no
mapping table. Values are frozen dataclasses: they cross threads and live in Qt models.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from .errors import IllegalTransitionError
from .fees import FeeTiming


class Status(enum.IntEnum):
    """Dossier status, numbered as the national portal numbers them."""

    NEW = 1  # Mới đăng ký
    RECEIVED = 2  # Được tiếp nhận
    REFUSED = 3  # Không được tiếp nhận
    PROCESSING = 4  # Đang xử lý
    SUPPLEMENT = 5  # Yêu cầu bổ sung giấy tờ
    PAYMENT_DUE = 6  # Yêu cầu thực hiện nghĩa vụ tài chính
    WITHDRAWN = 7  # Công dân yêu cầu rút hồ sơ
    STOPPED = 8  # Dừng xử lý
    PROCESSED = 9  # Đã xử lý xong
    RETURNED = 10  # Đã trả kết quả


#: Allowed moves. Terminal statuses have no entry.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.RECEIVED, Status.REFUSED, Status.SUPPLEMENT}),
    Status.RECEIVED: frozenset(
        {
            Status.PROCESSING,
            Status.SUPPLEMENT,
            Status.REFUSED,
            Status.PAYMENT_DUE,
            Status.PROCESSED,
            Status.WITHDRAWN,
            Status.STOPPED,
        }
    ),
    Status.PROCESSING: frozenset(
        {
            Status.SUPPLEMENT,
            Status.REFUSED,
            Status.PAYMENT_DUE,
            Status.PROCESSED,
            Status.WITHDRAWN,
            Status.STOPPED,
        }
    ),
    Status.SUPPLEMENT: frozenset(
        {Status.RECEIVED, Status.PROCESSING, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED}
    ),
    Status.PAYMENT_DUE: frozenset(
        {Status.PROCESSING, Status.PROCESSED, Status.WITHDRAWN, Status.STOPPED}
    ),
    Status.PROCESSED: frozenset({Status.RETURNED}),
}

TERMINAL: frozenset[Status] = frozenset(
    {Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED}
)


def can_transition(current: Status, target: Status) -> bool:
    """Whether the lifecycle allows moving from ``current`` to ``target``."""
    return target in TRANSITIONS.get(current, frozenset())


def check_transition(current: Status, target: Status) -> None:
    """Raise :class:`IllegalTransitionError` unless ``current -> target`` is allowed."""
    if not can_transition(current, target):
        raise IllegalTransitionError(current=int(current), target=int(target))


class Channel(enum.IntEnum):
    """How the dossier was submitted (portal code list)."""

    IN_PERSON = 1
    ONLINE = 2
    POSTAL = 3


class ReturnMethod(enum.Enum):
    """Where the citizen collects the result."""

    COUNTER = "counter"
    POST = "post"
    ONLINE = "online"


class ApplicantKind(enum.IntEnum):
    """Applicant type (portal code list)."""

    CITIZEN = 1
    ENTERPRISE = 2
    STATE_BODY = 3
    OTHER = 4


class Sex(enum.Enum):
    MALE = "male"
    FEMALE = "female"


class Regime(enum.Enum):
    """Rule set that governs forms and legal wording, chosen from the reception date."""

    ND61_2018 = "ND61_2018"
    ND118_2025 = "ND118_2025"


ND118_EFFECTIVE = date(2025, 7, 1)


def regime_for(received_on: date) -> Regime:
    """Rule set in force on ``received_on`` (NĐ 118/2025 from 01/07/2025)."""
    return Regime.ND118_2025 if received_on >= ND118_EFFECTIVE else Regime.ND61_2018


class PaperForm(enum.Enum):
    """The form in which a paper is handed over."""

    ORIGINAL = "original"  # bản chính
    CERTIFIED_COPY = "certified_copy"  # bản sao chứng thực
    COPY = "copy"  # bản photo / bản sao
    SHOWN = "shown"  # chỉ xuất trình


@dataclass(frozen=True, slots=True)
class Person:
    """A natural person or organisation named on a dossier (owner, submitter, proxy)."""

    full_name: str
    id_number: str = ""
    birth_date: date | None = None
    sex: Sex | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    kind: ApplicantKind = ApplicantKind.CITIZEN


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One required paper of the procedure and what was handed over."""

    name: str
    form: PaperForm = PaperForm.ORIGINAL
    copies: int = 1
    required: bool = True
    received: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Dossier:
    """A dossier as stored: the value repositories return and services pass around."""

    sync_id: str
    code: str
    agency_id: str
    procedure_code: str
    procedure_name: str
    applicant: Person
    received_at: datetime
    due_at: datetime | None
    status: Status
    channel: Channel = Channel.IN_PERSON
    return_method: ReturnMethod = ReturnMethod.COUNTER
    return_address: str = ""
    submitter: Person | None = None
    checklist: tuple[ChecklistItem, ...] = ()
    sets_count: int = 1
    fee_vnd: int | None = None
    clerk_username: str = ""
    regime: Regime = Regime.ND118_2025
    provisional_code: bool = False
    note: str = ""
    id: int | None = None
    extensions: int = 0
    supplement_requests: int = 0
    returned_at: datetime | None = None
    #: When the fee is collected (None: recorded before fees were tracked); what was paid at
    #: intake and the receipt number (Luật Phí và lệ phí 97/2015/QH13).
    fee_timing: FeeTiming | None = None
    fee_paid_vnd: int = 0
    fee_receipt_no: str = ""

    @property
    def missing_papers(self) -> tuple[ChecklistItem, ...]:
        """Required papers not yet handed over."""
        return tuple(i for i in self.checklist if i.required and not i.received)

    @property
    def is_complete(self) -> bool:
        return not self.missing_papers


@dataclass(frozen=True, slots=True)
class DossierEvent:
    """One entry of a dossier's timeline (also the outbox payload's source)."""

    kind: str
    at: datetime
    actor: str
    status_from: Status | None = None
    status_to: Status | None = None
    detail: dict[str, object] = field(default_factory=dict)


def transition(dossier: Dossier, target: Status) -> Dossier:
    """A copy of ``dossier`` in status ``target``; raises IllegalTransitionError if forbidden.

    Entering SUPPLEMENT counts a supplement request (more than one is late in the national
    index, NĐ 61/2018 Art. 15–22), so callers can warn the clerk.
    """
    check_transition(dossier.status, target)
    extra = dossier.supplement_requests + (1 if target is Status.SUPPLEMENT else 0)
    return replace(dossier, status=target, supplement_requests=extra)
