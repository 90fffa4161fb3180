"""Child process for test_crash.py: saves dossiers in a loop until killed.

Each iteration is one transaction holding the dossier, its checklist, its outbox event and an
audit row; after each commit the code is printed and flushed. Usage: crash_writer.py DB_FILE TAG
"""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from motcua_desk.domain.dossier import ChecklistItem, Dossier, Person, Status
from motcua_desk.storage import make_engine, make_uow_factory

ICT = timezone(timedelta(hours=7))
DAY = date(2026, 2, 12)
AGENCY = "000.00.06.H56"


def main() -> None:
    db_file = Path(sys.argv[1])
    tag = sys.argv[2]
    engine = make_engine(db_file)
    factory = make_uow_factory(engine)
    at = datetime(2026, 2, 12, 10, 0, tzinfo=ICT)
    while True:
        with factory() as uow:
            seq = uow.sequences.next_seq(AGENCY, DAY)
            dossier = uow.dossiers.add(
                Dossier(
                    sync_id=str(uuid.uuid4()),
                    code=f"{AGENCY}-260212-{seq:04d}",
                    agency_id=AGENCY,
                    procedure_code="1.001193",
                    procedure_name="Thủ tục đăng ký khai sinh",
                    applicant=Person(f"Người nộp {tag} {seq}", id_number="038195001234"),
                    received_at=at,
                    due_at=None,
                    status=Status.RECEIVED,
                    checklist=(ChecklistItem("Tờ khai"), ChecklistItem("Giấy chứng sinh")),
                )
            )
            uow.outbox.append(
                "dossier.received", dossier.sync_id, {"code": dossier.code}, datetime.now(UTC)
            )
            uow.audit.append(
                "crash", "dossier.received", "dossier", str(dossier.id), {}, datetime.now(UTC)
            )
            uow.commit()
        sys.stdout.write(dossier.code + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
