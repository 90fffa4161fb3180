"""Issues 13/14 remaining gaps at the service layer: cooperating agencies on Mẫu 06, the postal
handover record's number, reads that do not take the write lock."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ChecklistItem, PaperForm
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft

from .conftest import HOA, UNIT, FakeClock

CERTIFY_WILL = "2.001019"
PAPERS = (
    ChecklistItem("Dự thảo di chúc", form=PaperForm.ORIGINAL, received=True),
    ChecklistItem("Giấy tờ về tài sản", form=PaperForm.ORIGINAL, received=True),
)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FakeClock(at(2026, 2, 24, 10, 0))
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    return ctx, admin, clock


def test_hand_over_names_cooperating_agencies_printed_on_mau_06(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, _ = world
    d = ctx.reception.receive(IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS), admin)
    r = ctx.lifecycle.hand_over(
        d.id,
        admin,
        "Phòng Tư pháp",
        "",
        (" Công an phường Hạc Thành ", "Phòng Tư pháp", "", "Chi cục Thuế khu vực"),
    )
    (handed,) = [
        e for e in ctx.lookup.open_by_id(d.id).timeline if e.detail.get("action") == "handed_over"
    ]
    assert handed.detail["cooperating"] == ["Công an phường Hạc Thành", "Chi cục Thuế khu vực"]
    text = " ".join(text_of(ctx.documents.render("control_slip", r.dossier).pdf).split())
    assert "Cơ quan phối hợp" in text
    assert "Công an phường Hạc Thành; Chi cục Thuế khu vực" in text
    assert "Cơ quan giải quyết hồ sơ: Phòng Tư pháp" in text


def test_hand_over_refuses_absurd_cooperating_lists(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, _ = world
    d = ctx.reception.receive(IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS), admin)
    with pytest.raises(ValidationFailedError) as info:
        ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp", "", ("x" * 201,))
    assert info.value.fields == {"cooperating": "too_long"}
    with pytest.raises(ValidationFailedError):
        ctx.lifecycle.hand_over(
            d.id, admin, "Phòng Tư pháp", "", [f"Cơ quan {i}" for i in range(11)]
        )
    with pytest.raises(ValidationFailedError) as bad:
        ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp", "", ("Phòng\x00A",))
    assert bad.value.fields == {"cooperating": "control_chars"}


def _post_one(ctx, admin, s10: str):  # type: ignore[no-untyped-def]
    from .test_postal import processed

    (code,) = processed(ctx, admin, 1)
    batch = ctx.postal.start_results_batch(admin)
    ctx.postal.scan(batch.id, code, admin)
    ctx.postal.scan(batch.id, s10, admin)
    record = ctx.postal.close_batch(
        batch.id, admin, postal_unit="Bưu điện Hạc Thành", postal_staff="Phạm Văn Bưu"
    ).value
    return " ".join(text_of(record.pdf).split())


def test_postal_handover_record_is_numbered_in_the_year(ctx, admin, clock) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.domain.postal import make_item_code

    s10 = [make_item_code("RR", f"{n:08d}") for n in range(32000001, 32000005)]
    assert "Số: 01/BBGN" in _post_one(ctx, admin, s10[0])
    assert "Số: 02/BBGN" in _post_one(ctx, admin, s10[1])
    ctx.settings_store.update(number_suffixes={"postal_handover": "BB-BC"})
    clock.now = datetime(2024, 1, 2, 9, 0, tzinfo=OFFICE_TZ)  # a new year starts again at 01
    assert "Số: 01/BB-BC" in _post_one(ctx, admin, s10[2])
