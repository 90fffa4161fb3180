"""Issue 13 §2: lifecycle rules (supplement at intake, refusal after appraisal, fees, status 6,
closed day), each against a real application context on a temporary SQLite file."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ChecklistItem, PaperForm, Status
from motcua_desk.domain.errors import (
    DayClosedError,
    IllegalTransitionError,
    RuleViolationError,
    ValidationFailedError,
)
from motcua_desk.domain.fees import FeeTiming
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.services.returns import ReturnInput

from .conftest import HOA, UNIT, FakeClock, push_to_server

HEALTH_CARD = "1.014137"  # 5 working days, no fee in the sample catalogue
CERTIFY_WILL = "2.001019"  # 2 working days, 50,000 đồng
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
    clock = FakeClock(at(2026, 2, 24, 10, 0))  # Tue 24/02/2026, after Tết
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    return ctx, admin, clock


def test_incomplete_at_intake_then_completed_gets_the_full_time_limit(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock = world
    d = ctx.reception.request_supplement(
        IntakeDraft(HEALTH_CARD, HOA), admin, ("Giấy chứng sinh",), "Thiếu bản chính"
    )
    assert d.status is Status.SUPPLEMENT and d.due_at is None
    clock.now = at(2026, 2, 26, 10, 15)  # complete on Thu 26/02/2026
    done = ctx.lifecycle.supplement_completed(d.id, admin)
    # 5 working days after Thu 26/02: Fri 27, Mon 02, Tue 03, Wed 04, Thu 05/03/2026.
    assert done.dossier.due_at == at(2026, 3, 5, 10, 0)
    # The new appointment slip says 5 working days and the new date.
    text = text_of(ctx.documents.render("receipt", done.dossier).pdf)
    assert "5 ngày làm việc" in text
    assert "05/03/2026" in text


def test_refusal_after_appraisal_is_the_result_with_reason_and_papers(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock = world
    d = ctx.reception.receive(IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS), admin)
    with pytest.raises(RuleViolationError) as info:  # not appraised yet: refuse at intake
        ctx.lifecycle.refuse_after_appraisal(d.id, admin, "Không đủ điều kiện")
    assert info.value.data["rule"] == "refusal_not_appraised"
    ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
    with pytest.raises(ValidationFailedError):
        ctx.lifecycle.refuse_after_appraisal(d.id, admin, " ")
    with pytest.raises(ValidationFailedError) as bad:
        ctx.lifecycle.refuse_after_appraisal(d.id, admin, "Lý do", ("Giấy lạ",))
    assert bad.value.fields == {"papers_returned": "unknown_paper"}
    clock.now = at(2026, 2, 25, 9, 0)
    r = ctx.lifecycle.refuse_after_appraisal(
        d.id, admin, "Tài sản đang tranh chấp", ("Dự thảo di chúc",)
    )
    assert r.dossier.status is Status.REFUSED
    refused = [e for e in ctx.lookup.open_by_id(d.id).timeline if e.status_to is Status.REFUSED]
    assert refused[-1].status_from is Status.PROCESSING
    assert refused[-1].detail["papers_returned"] == ["Dự thảo di chúc"]
    assert refused[-1].detail["papers_kept"] == ["Giấy tờ về tài sản"]
    text = text_of(ctx.documents.render("refusal", r.dossier).pdf)
    assert "Tài sản đang tranh chấp" in text and d.code in text
    with pytest.raises(IllegalTransitionError):  # refused is final
        ctx.lifecycle.result_received(d.id, admin)


def test_fee_paid_at_intake_on_slip_ledger_and_not_asked_again(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock = world
    draft = IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS, fee_timing=FeeTiming.AT_INTAKE)
    with pytest.raises(ValidationFailedError) as info:
        ctx.reception.receive(draft, admin)
    assert info.value.fields == {"fee_paid_vnd": "required", "fee_receipt_no": "required"}
    d = ctx.reception.receive(
        IntakeDraft(
            CERTIFY_WILL,
            HOA,
            checklist=PAPERS,
            fee_timing=FeeTiming.AT_INTAKE,
            fee_paid_vnd=50_000,
            fee_receipt_no="0001234",
        ),
        admin,
    )
    assert (d.fee_timing, d.fee_paid_vnd, d.fee_receipt_no) == (
        FeeTiming.AT_INTAKE,
        50_000,
        "0001234",
    )
    slip = text_of(ctx.documents.render("receipt", d).pdf)
    flat = " ".join(slip.split())
    assert "50.000 đồng; Thu trước (nộp khi nộp hồ sơ); biên lai số 0001234" in flat
    rows = ctx.ledger.rows(clock.now.date(), clock.now.date())
    assert [r.note for r in rows] == ["Đã thu phí: 50.000 đồng (biên lai số 0001234)"]
    ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
    ctx.lifecycle.result_received(d.id, admin)
    assert ctx.returns.start(d.code).fee_due_vnd == 0  # paid at intake: nothing due now


def test_fee_timings_exempt_no_fee_and_default(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, _clock = world
    exempt = ctx.reception.receive(
        IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS, fee_timing=FeeTiming.EXEMPT), admin
    )
    later = ctx.reception.receive(IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS), admin)
    free = ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), admin)
    assert exempt.fee_timing is FeeTiming.EXEMPT
    assert later.fee_timing is FeeTiming.AT_RETURN  # the unit's default
    assert free.fee_timing is FeeTiming.NO_FEE  # the catalogue says 0
    with pytest.raises(ValidationFailedError) as info:  # nothing is collected now
        ctx.reception.receive(
            IntakeDraft(
                CERTIFY_WILL, HOA, checklist=PAPERS, fee_timing=FeeTiming.EXEMPT, fee_paid_vnd=5
            ),
            admin,
        )
    assert info.value.fields == {"fee_paid_vnd": "fee_not_due_now"}
    assert "Miễn (đối tượng miễn phí, lệ phí)" in text_of(
        ctx.documents.render("receipt", exempt).pdf
    )
    for d in (exempt, later):
        ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
        ctx.lifecycle.result_received(d.id, admin)
    assert ctx.returns.start(exempt.code).fee_due_vnd == 0
    assert ctx.returns.start(later.code).fee_due_vnd == 50_000
    ctx.settings_store.update(default_fee_timing="at_intake")
    proposed = ctx.reception.fee_timing_for(IntakeDraft(CERTIFY_WILL, HOA), None)
    assert proposed is FeeTiming.AT_INTAKE


def test_payment_due_status_six_and_the_server_accepts_it(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, _clock = world
    d = ctx.reception.receive(IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS), admin)
    with pytest.raises(RuleViolationError) as info:
        ctx.lifecycle.payment_received(d.id, admin, 50_000, "0000001")
    assert info.value.data["rule"] == "no_payment_due"
    ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
    with pytest.raises(ValidationFailedError):
        ctx.lifecycle.request_payment(d.id, admin, 0)
    due = ctx.lifecycle.request_payment(d.id, admin, 50_000, "Lệ phí chứng thực")
    assert due.dossier.status is Status.PAYMENT_DUE
    with pytest.raises(ValidationFailedError):
        ctx.lifecycle.payment_received(d.id, admin, 50_000, "")
    paid = ctx.lifecycle.payment_received(d.id, admin, 50_000, "0000001")
    assert paid.dossier.status is Status.PROCESSING
    assert (paid.dossier.fee_paid_vnd, paid.dossier.fee_receipt_no) == (50_000, "0000001")
    ctx.lifecycle.result_received(d.id, admin)
    assert ctx.returns.start(d.code).fee_due_vnd == 0  # paid during processing
    d2 = ctx.reception.receive(IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS), admin)
    ctx.lifecycle.hand_over(d2.id, admin, "Phòng Tư pháp")
    ctx.lifecycle.refuse_after_appraisal(d2.id, admin, "Không đủ điều kiện")
    push_to_server(ctx, tmp_path / "srv")  # asserts nothing was rejected


def test_a_rating_on_a_closed_day_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.domain.returns import Collector, CollectorKind, Verification

    ctx, admin, clock = world
    d = ctx.reception.receive(IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS), admin)
    ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
    ctx.lifecycle.result_received(d.id, admin)
    who = Collector(CollectorKind.APPLICANT, "", HOA.id_number, Verification.ID_CARD_QR)
    ctx.returns.complete(d.id, ReturnInput(who, 50_000, "0000009", results=("Di chúc",)), admin)
    today = clock.now.date()
    ctx.day_close.close(today, "admin", "mat-khau-2026", "", admin)
    scores = {"timeliness": 2}
    with pytest.raises(DayClosedError):
        ctx.returns.rate(d.id, scores, admin)
    assert ctx.returns.record_for(d.id)[1] is None
    ctx.day_close.reopen(today, "admin", "mat-khau-2026", "Công dân đánh giá muộn")
    assert ctx.returns.rate(d.id, scores, admin).scores == scores
