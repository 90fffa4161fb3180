"""``motcua-desk --self-test``: prove a build works end to end without a person.

Migrates the (fresh) database, sets up a unit and an account, receives a dossier, renders its
receipt and checks the PDF, then opens the main window offscreen. Exit code 0 means success.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from datetime import date

from motcua_desk.domain.dossier import ApplicantKind, Person, Sex
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.context import AppContext
from motcua_desk.services.reception import IntakeDraft

log = logging.getLogger(__name__)

SAMPLE_PERSON = Person(
    full_name="Nguyễn Thị Hằng",
    id_number="038195001234",
    birth_date=date(1995, 6, 15),
    sex=Sex.FEMALE,
    address="Số 1 Lê Lợi, Thanh Hóa",
    kind=ApplicantKind.CITIZEN,
)


def run_self_test(ctx: AppContext) -> int:
    """Return 0 when every step works; log and return 1 at the first failure."""
    try:
        if ctx.accounts.needs_first_run():
            ctx.accounts.first_run(
                UnitSetup(
                    "000.00.00.H00", "Bộ phận Một cửa (tự kiểm tra)", "UBND", "Quầy 1", "Hà Nội"
                ),
                "selftest",
                "Tự Kiểm Tra",
                "selftest-password",
            )
        user = ctx.accounts.login("selftest", "selftest-password")
        procedure = next(p for p in ctx.catalogue.search("") if p.processing_days is not None)
        draft = IntakeDraft(
            procedure.code,
            SAMPLE_PERSON,
            checklist=tuple(
                replace(i, received=True) for i in ctx.reception.checklist_for(procedure)
            ),
        )
        dossier = ctx.reception.receive(draft, user).value
        doc = ctx.documents.render("receipt", dossier)
        if not doc.pdf.startswith(b"%PDF") or b"Liberation" not in doc.pdf:
            raise RuntimeError("receipt PDF is not a PDF with the bundled fonts")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from motcua_desk.ui.selftest import smoke_test_window

        smoke_test_window(ctx, user)
    except Exception:
        log.exception("self-test failed")
        print("SELF-TEST FAILED (see the log)")  # noqa: T201
        return 1
    print(f"SELF-TEST OK: {dossier.code}, {len(doc.pdf)} bytes")  # noqa: T201
    return 0
