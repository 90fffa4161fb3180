"""Render a real receipt (Mẫu 01) through the services and save page 1 as PNG for the README.

.venv/bin/python docs/screenshots/make_receipt.py   # needs pdftoppm (poppler-utils)
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ApplicantKind, Person, Sex
from motcua_desk.services.accounts import UnitSetup
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft

HERE = Path(__file__).resolve().parent


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="motcua-shot-"))
    ctx = build_context(
        AppPaths(base / "data", base / "logs"),
        lambda: datetime(2026, 2, 12, 10, 15, tzinfo=OFFICE_TZ),
    )
    ctx.settings_store.update(
        qr_lookup_template="https://dichvucong.thanhhoa.gov.vn/tra-cuu?ma={code}"
    )
    clerk = ctx.accounts.first_run(
        UnitSetup(
            "000.00.06.H56",
            "Bộ phận Tiếp nhận và Trả kết quả phường Hạc Thành",
            "UBND PHƯỜNG HẠC THÀNH",
            "Quầy số 1",
            "Thanh Hóa",
        ),
        "hangnt",
        "Nguyễn Thị Hằng",
        "mat-khau-2026",
    )
    procedure = ctx.catalogue.get("1.001193")
    assert procedure is not None
    papers = tuple(replace(i, received=True) for i in ctx.reception.checklist_for(procedure))
    applicant = Person(
        full_name="Lê Thị Hoa",
        id_number="038195001234",
        birth_date=date(1995, 6, 15),
        sex=Sex.FEMALE,
        phone="0912345678",
        address="Số 12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
        kind=ApplicantKind.CITIZEN,
    )
    dossier = ctx.reception.receive(IntakeDraft(procedure.code, applicant, checklist=papers), clerk)
    doc = ctx.documents.render("receipt", dossier)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "110",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(doc.path),
            str(HERE / "receipt"),
        ],
        check=True,
    )
    print(HERE / "receipt.png")  # noqa: T201


if __name__ == "__main__":
    main()
