"""Child of test_service_crash.py: receives dossiers through the real services until killed.

Each ``ReceptionService.receive`` is one unit of work (dossier, checklist, timeline, outbox
event, audit row, code sequence); the code is printed and flushed after it returns.
Usage: service_crash_child.py DATA_DIR TAG
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import Person
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=OFFICE_TZ)


def main() -> None:
    data = Path(sys.argv[1])
    tag = sys.argv[2]
    ctx = build_context(AppPaths(data, data / "logs"), lambda: NOW, seed=False)
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001 - no argon2 in the loop
        admin = uow.users.get("admin")
    assert admin is not None
    n = 0
    while True:
        n += 1
        person = Person(
            f"Người nộp {tag} {n}",
            id_number="038195001234",
            phone="0912345678",
            address="Số 12 Lê Lợi, phường Hạc Thành",
        )
        saved = ctx.reception.receive(IntakeDraft("1.014137", person), admin)
        sys.stdout.write(saved.code + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
