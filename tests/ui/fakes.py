"""In-memory services with the same methods as the lead's ``motcua_desk.services``.

They follow the documented contract (validation field names and codes, one dossier code per
save, print records) so the UI can be tested before and independently of the database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from motcua_desk.config import AppPaths, Settings
from motcua_desk.domain.dossier import (
    ChecklistItem,
    Dossier,
    Status,
)
from motcua_desk.domain.errors import DomainError, ValidationFailedError
from motcua_desk.domain.procedure import Procedure, RequiredDocument
from motcua_desk.domain.text import search_key
from motcua_desk.services.changes import DOSSIER, PRINT, Changed, ChangeSet
from motcua_desk.services.intake_rules import validate_draft


class AuthFailedError(DomainError):
    code = "auth_failed"


@dataclass(frozen=True)
class User:
    id: int
    username: str
    full_name: str
    role: str = "clerk"
    active: bool = True


@dataclass(frozen=True)
class RenderedDocument:
    doc_type: str
    dossier_id: int
    dossier_code: str
    pdf: bytes
    sha256: str
    path: Path
    paper: str
    printer: str


@dataclass(frozen=True)
class PrintJob:
    doc_type: str
    dossier_id: int
    printer: str
    outcome: str
    at: datetime
    clerk: str
    reprint_reason: str | None


CLERK = User(1, "hoa", "Lê Thị Hoa")
FIXED_NOW = datetime(2026, 2, 12, 10, 15)


def sample_procedures(count: int = 0) -> list[Procedure]:
    """Three realistic procedures, then ``count`` generated ones."""
    base = [
        Procedure(
            code="1.001193",
            name="Đăng ký khai sinh",
            field="Hộ tịch",
            level="Cấp xã",
            processing_days=0,
            fee_vnd=0,
            required_documents=(
                RequiredDocument("Tờ khai đăng ký khai sinh"),
                RequiredDocument("Giấy chứng sinh"),
                RequiredDocument("Giấy tờ tùy thân của người đi đăng ký", required=False),
            ),
        ),
        Procedure(
            code="2.000908",
            name="Chứng thực bản sao từ bản chính giấy tờ, văn bản",
            field="Chứng thực",
            level="Cấp xã",
            processing_days=1,
            fee_vnd=2000,
            required_documents=(RequiredDocument("Bản chính giấy tờ cần chứng thực"),),
        ),
        Procedure(
            code="1.004227",
            name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
            field="Xây dựng",
            level="Cấp tỉnh",
            processing_days=15,
            fee_vnd=75000,
            required_documents=(
                RequiredDocument("Đơn đề nghị cấp giấy phép xây dựng"),
                RequiredDocument("Bản vẽ thiết kế", copies=2),
            ),
        ),
    ]
    words = ("Cấp", "Đổi", "Đăng ký", "Xác nhận", "Thẩm định", "Gia hạn", "Điều chỉnh")
    things = ("giấy phép", "chứng chỉ", "hộ kinh doanh", "quyền sử dụng đất", "biển số", "hộ tịch")
    for i in range(count):
        base.append(
            Procedure(
                code=f"9.{i:06d}",
                name=f"{words[i % len(words)]} {things[(i // 7) % len(things)]} loại {i}",
                field="Tổng hợp",
                level="Cấp xã",
                processing_days=5,
                required_documents=(RequiredDocument("Tờ khai"),),
            )
        )
    return base


class FakeCatalogue:
    def __init__(self, procedures: list[Procedure]) -> None:
        self.procedures = procedures
        self._keys = [(search_key(p.name), p.code, p) for p in procedures]

    def search(self, query: str, limit: int = 50) -> list[Procedure]:
        key = search_key(query)
        if not key:
            return [p for *_, p in self._keys[:limit]]
        words = key.split()
        out = [
            p
            for name, code, p in self._keys
            if code.startswith(key) or all(w in name for w in words)
        ]
        return out[:limit]

    def get(self, code: str) -> Procedure | None:
        return next((p for p in self.procedures if p.code == code), None)


@dataclass
class Store:
    dossiers: list[Dossier] = field(default_factory=list)
    prints: list[PrintJob] = field(default_factory=list)
    seq: int = 0


class FakeReception:
    def __init__(
        self, catalogue: FakeCatalogue, store: Store, settings: Settings, clock: Any
    ) -> None:
        self.catalogue = catalogue
        self.store = store
        self.settings = settings
        self.clock = clock
        self.calls: list[str] = []

    def checklist_for(self, procedure: Procedure) -> tuple[ChecklistItem, ...]:
        return tuple(
            ChecklistItem(d.name, d.form, d.copies, d.required)
            for d in procedure.required_documents
        )

    def preview_due(self, procedure_code: str, received_at: datetime | None = None) -> datetime:
        proc = self.catalogue.get(procedure_code)
        days = proc.processing_days if proc and proc.processing_days else 0
        return (received_at or self.clock()) + timedelta(days=days)

    def validate(self, draft: Any) -> dict[str, str]:
        """The real rules (services.intake_rules), not a copy of them."""
        procedure = self.catalogue.get(draft.procedure_code)
        return validate_draft(draft, procedure, today_year=self.clock().year)

    def _store(self, draft: Any, clerk: Any, status: Status) -> Dossier:
        self.store.seq += 1
        now = draft.received_at or self.clock()
        proc = self.catalogue.get(draft.procedure_code)
        assert proc is not None
        dossier = Dossier(
            sync_id=f"sync-{self.store.seq}",
            code=f"{self.settings.agency_id}-{now:%y%m%d}-{self.store.seq:04d}",
            agency_id=self.settings.agency_id,
            procedure_code=proc.code,
            procedure_name=proc.name,
            applicant=draft.applicant,
            received_at=now,
            due_at=self.preview_due(proc.code, now),
            status=status,
            channel=draft.channel,
            return_method=draft.return_method,
            return_address=draft.return_address,
            submitter=draft.submitter,
            checklist=draft.checklist,
            sets_count=draft.sets_count,
            fee_vnd=proc.fee_vnd,
            clerk_username=clerk.username,
            note=draft.note,
            id=self.store.seq,
        )
        self.store.dossiers.append(dossier)
        return dossier

    def receive(self, draft: Any, clerk: Any) -> Changed[Dossier]:
        self.calls.append("receive")
        errors = self.validate(draft)
        if errors:
            raise ValidationFailedError(errors)
        stored = self._store(draft, clerk, Status.RECEIVED)
        return Changed(stored, ChangeSet.of(DOSSIER, codes=(stored.code,)))

    def request_supplement(
        self, draft: Any, clerk: Any, missing: tuple[str, ...], reason: str
    ) -> Changed[Dossier]:
        self.calls.append(f"supplement:{'|'.join(missing)}:{reason}")
        errors = self.validate(draft)  # as ReceptionService.request_supplement
        errors.pop("checklist", None)
        if errors.get("procedure") == "unknown_processing_time":
            del errors["procedure"]
        if not [m for m in missing if m.strip()]:
            errors["missing"] = "required"
        if errors:
            raise ValidationFailedError(errors)
        stored = self._store(draft, clerk, Status.SUPPLEMENT)
        return Changed(stored, ChangeSet.of(DOSSIER, codes=(stored.code,)))

    def refuse(self, draft: Any, clerk: Any, reason: str) -> Changed[Dossier]:
        self.calls.append(f"refuse:{reason}")
        errors: dict[str, str] = {}  # as ReceptionService.refuse
        if self.catalogue.get(draft.procedure_code) is None:
            errors["procedure"] = "required"
        if not draft.applicant.full_name.strip():
            errors["applicant.full_name"] = "required"
        if not reason.strip():
            errors["reason"] = "required"
        if errors:
            raise ValidationFailedError(errors)
        stored = self._store(draft, clerk, Status.REFUSED)
        return Changed(stored, ChangeSet.of(DOSSIER, codes=(stored.code,)))

    def get_by_code(self, code: str) -> Dossier | None:
        return next((d for d in self.store.dossiers if d.code == code), None)

    def unprinted_receipts(self) -> list[Dossier]:
        printed = {
            j.dossier_id
            for j in self.store.prints
            if j.doc_type == "receipt" and j.outcome != "failed"
        }
        return [
            d for d in self.store.dossiers if d.status is Status.RECEIVED and d.id not in printed
        ]


class FakeDocuments:
    def __init__(self, store: Store, settings: Settings, archive: Path, clock: Any) -> None:
        self.store = store
        self.settings = settings
        self.archive = archive
        self.clock = clock
        self.rendered: list[RenderedDocument] = []

    def render(
        self, doc_type: str, dossier: Dossier, *, layout: str | None = None
    ) -> RenderedDocument:
        from motcua_desk.printing.slips import receipt
        from motcua_desk.printing.slips.common import UnitHeader

        s = self.settings
        data = receipt.ReceiptData(
            dossier_code=dossier.code,
            header=UnitHeader(s.managing_body, s.agency_name, s.place_name),
            applicant=dossier.applicant,
            procedure_code=dossier.procedure_code,
            procedure_name=dossier.procedure_name,
            received_at=dossier.received_at,
            due_at=dossier.due_at or dossier.received_at,
            clerk_name=dossier.clerk_username,
            papers=tuple(i for i in dossier.checklist if i.received),
            submitter=dossier.submitter,
            qr_payload=f"https://dvc.example.vn/tra-cuu?ma={dossier.code}",
            note="" if doc_type == "receipt" else doc_type,
        )
        pdf = receipt.render(data, layout=layout or "A5")
        path = self.archive / f"{dossier.code}-{doc_type}.pdf"
        path.write_bytes(pdf)
        doc = RenderedDocument(
            doc_type,
            dossier.id or 0,
            dossier.code,
            pdf,
            hashlib.sha256(pdf).hexdigest(),
            path,
            s.paper_sizes.get(doc_type, "A5"),
            s.printers.get(doc_type, ""),
        )
        self.rendered.append(doc)
        return doc

    def record_print(
        self, doc: Any, *, printer: str, outcome: str, clerk: Any, reprint_reason: str | None = None
    ) -> Changed[PrintJob]:
        job = PrintJob(
            doc.doc_type,
            doc.dossier_id,
            printer,
            outcome,
            self.clock(),
            clerk.username,
            reprint_reason,
        )
        self.store.prints.append(job)
        return Changed(job, ChangeSet.of(PRINT, codes=(doc.dossier_code,)))

    def print_history(self, dossier_id: int) -> list[PrintJob]:
        return [j for j in self.store.prints if j.dossier_id == dossier_id]


class FakeAccounts:
    def __init__(self, first_run: bool = False) -> None:
        self._first_run = first_run
        self.users: dict[str, tuple[str, User]] = (
            {} if first_run else {"hoa": ("matkhau123", CLERK)}
        )
        self.unit: Any = None

    def needs_first_run(self) -> bool:
        return self._first_run

    def first_run(
        self, unit: Any, admin_username: str, admin_full_name: str, password: str
    ) -> User:
        self.unit = unit
        user = User(len(self.users) + 1, admin_username, admin_full_name, "admin")
        self.users[admin_username] = (password, user)
        self._first_run = False
        return user

    def list_users(self) -> list[User]:
        return [CLERK]

    def login(self, username: str, password: str) -> User:
        entry = self.users.get(username)
        if entry is None or entry[0] != password:
            raise AuthFailedError()
        return entry[1]


@dataclass(frozen=True)
class FakeContext:
    paths: AppPaths
    settings: Settings
    accounts: FakeAccounts
    catalogue: FakeCatalogue
    reception: FakeReception
    documents: FakeDocuments
    clock: Any
    store: Store
    db_revision: str = "fake"
    # The counter pages run on the real services (tests with a temporary database); a fake
    # context leaves them out, as the page list does for a context without them.
    postal: Any = None
    digitisation: Any = None
    paper_signing: Any = None
    attachment_sync: Any = None
    lookup: Any = None
    lifecycle: Any = None
    returns: Any = None
    reports: Any = None
    ledger: Any = None
    day_close: Any = None
    settings_admin: Any = None
    sync: Any = None
    signing: Any = None


def make_context(tmp: Path, *, first_run: bool = False, procedures: int = 0) -> FakeContext:
    paths = AppPaths(data_dir=tmp, log_dir=tmp / "logs")
    paths.ensure()
    settings = Settings(
        agency_id="000.00.06.H56",
        agency_name="Bộ phận Một cửa phường Hạc Thành",
        managing_body="UBND phường Hạc Thành",
        counter_name="Quầy số 1",
        place_name="Thanh Hóa",
        province="Thanh Hóa",
    )
    clock = lambda: FIXED_NOW  # noqa: E731
    store = Store()
    catalogue = FakeCatalogue(sample_procedures(procedures))
    return FakeContext(
        paths=paths,
        settings=settings,
        accounts=FakeAccounts(first_run),
        catalogue=catalogue,
        reception=FakeReception(catalogue, store, settings, clock),
        documents=FakeDocuments(store, settings, paths.archive_dir, clock),
        clock=clock,
        store=store,
    )


def with_settings(ctx: FakeContext, **changes: Any) -> FakeContext:
    return replace(ctx, settings=replace(ctx.settings, **changes))


class FakePrinterBackend:
    """Records jobs; ``fail`` makes the spooler refuse them."""

    thread_safe = True

    def __init__(self) -> None:
        self.jobs: list[tuple[bytes, str, str, str]] = []
        self.fail = False

    def print_pdf(self, pdf: bytes, *, printer: str, paper: str, title: str) -> Any:
        from motcua_desk.ui.printer import PrintFailedError, PrintResult

        if self.fail:
            raise PrintFailedError("printer_stopped", detail="printer offline")
        self.jobs.append((pdf, printer, paper, title))
        return PrintResult(printer=printer, job_id=f"fake-{len(self.jobs)}", backend="fake")

    def printers(self) -> list[str]:
        return ["fake-printer"]

    def default_printer(self) -> str:
        return "fake-printer"


class StepClock:
    """Monotonic clock for the scanner filter: advances ``step`` seconds per reading."""

    def __init__(self, step: float = 0.0) -> None:
        self.now = 1000.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@dataclass
class Clock:
    """A wall clock the test sets (office-time aware ``now``)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now
