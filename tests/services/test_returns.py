"""Return of results at the counter; forms 04, 05, 06 and the return confirmation rendered."""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import ChecklistItem, PaperForm, Status
from motcua_desk.domain.errors import RuleViolationError, ValidationFailedError
from motcua_desk.domain.returns import (
    Collector,
    CollectorKind,
    CollectorMismatchError,
    Verification,
)
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.services.returns import ReturnInput

from .conftest import HOA, UNIT, FakeClock, push_to_server

CERTIFY_WILL = "2.001019"  # 2 working days, 50,000 đồng
PAPERS = (
    ChecklistItem("Dự thảo di chúc", form=PaperForm.ORIGINAL, received=True),
    ChecklistItem("Giấy tờ về tài sản", form=PaperForm.ORIGINAL, received=True),
    ChecklistItem("Căn cước (bản sao)", form=PaperForm.COPY, received=True),
)
APPLICANT = Collector(CollectorKind.APPLICANT, "", HOA.id_number, Verification.ID_CARD_QR)


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


def pdf_lines(pdf: bytes) -> list[str]:
    path = Path(__file__).resolve().parents[1] / "printing" / "decode.py"
    spec = importlib.util.spec_from_file_location("printing_decode_returns", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.pdf_lines(pdf)  # type: ignore[no-any-return]


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FakeClock(at(2026, 11, 23, 9, 0))
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    d = ctx.reception.receive(IntakeDraft(CERTIFY_WILL, HOA, checklist=PAPERS), admin).value
    return ctx, admin, clock, d


def ready(ctx, admin, clock, d):  # type: ignore[no-untyped-def]
    clock.now = at(2026, 11, 23, 14, 0)
    ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
    clock.now = at(2026, 11, 24, 16, 0)
    ctx.lifecycle.result_received(d.id, admin)
    clock.now = at(2026, 11, 25, 9, 0)


def test_not_ready_then_start(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    with pytest.raises(RuleViolationError) as err:
        ctx.returns.start(d.code)
    assert err.value.data["rule"] == "result_not_ready"
    ready(ctx, admin, clock, d)
    case = ctx.returns.start(d.code.lower())
    assert case.originals == ("Dự thảo di chúc", "Giấy tờ về tài sản")  # not the copy
    assert case.fee_due_vnd == 50_000 and not case.overdue


def test_wrong_collector_is_refused_and_nothing_changes(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    ready(ctx, admin, clock, d)
    stranger = Collector(CollectorKind.APPLICANT, "Lê Thị Hoa", "038195009999")
    with pytest.raises(CollectorMismatchError):
        ctx.returns.complete(d.id, ReturnInput(stranger, results=("Di chúc",)), admin)
    proxy_without_paper = Collector(CollectorKind.PROXY, "Trần Nam", "038090001122")
    with pytest.raises(ValidationFailedError) as err:
        ctx.returns.complete(d.id, ReturnInput(proxy_without_paper, results=("Di chúc",)), admin)
    assert "collector.authorisation" in err.value.fields
    assert ctx.lookup.open_by_id(d.id).dossier.status is Status.PROCESSED
    assert ctx.returns.record_for(d.id) == (None, None)


def test_input_checks(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    ready(ctx, admin, clock, d)
    cases = [
        (ReturnInput(APPLICANT, fee_collected_vnd=50_000, results=("x",)), "fee_receipt_no"),
        (ReturnInput(APPLICANT, fee_collected_vnd=-1, results=("x",)), "fee_collected_vnd"),
        (ReturnInput(APPLICANT, results=(" ",)), "results"),
        (ReturnInput(APPLICANT, results=("x",), rating={"attitude": 5}), "rating.attitude"),
        (
            ReturnInput(APPLICANT, results=("x",), originals_returned=("Sổ đỏ",)),
            "originals_returned",
        ),
    ]
    for entry, field in cases:
        with pytest.raises(ValidationFailedError) as err:
            ctx.returns.complete(d.id, entry, admin)
        assert field in err.value.fields
    assert ctx.lookup.open_by_id(d.id).dossier.status is Status.PROCESSED


def test_return_with_fee_rating_and_confirmation(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    ready(ctx, admin, clock, d)
    entry = ReturnInput(
        APPLICANT,
        fee_collected_vnd=50_000,
        fee_receipt_no="0001234",
        originals_returned=("Dự thảo di chúc",),
        results=("Di chúc đã chứng thực (02 bản)",),
        rating={"timeliness": 2, "attitude": 2, "costs": 1},
        rating_comment="Cán bộ nhiệt tình",
    )
    out = ctx.returns.complete(d.id, entry, admin)
    assert out.dossier.status is Status.RETURNED
    assert out.warnings == ("originals_kept",)
    assert out.record.fee_receipt_no == "0001234"
    assert out.record.collector_name == HOA.full_name
    record, rating = ctx.returns.record_for(d.id)
    assert record == out.record and rating is not None and rating.scores["costs"] == 1
    with pytest.raises(RuleViolationError) as err:
        ctx.returns.start(d.code)
    assert err.value.data["rule"] == "already_returned"
    with pytest.raises(RuleViolationError):
        ctx.returns.complete(d.id, entry, admin)
    doc = ctx.documents.render("return", out.dossier)
    text = "\n".join(pdf_lines(doc.pdf))
    for expected in ("Lê Thị Hoa", "Di chúc đã chứng thực (02 bản)", "0001234", "50.000"):
        assert expected in text, (expected, text)


def test_proxy_return_prints_the_authorisation(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    ready(ctx, admin, clock, d)
    proxy = Collector(
        CollectorKind.PROXY,
        "Trần Văn Nam",
        "038090001122",
        authorisation="Giấy ủy quyền số 12/UQ ngày 20/11/2026",
    )
    out = ctx.returns.complete(
        d.id, ReturnInput(proxy, 50_000, "0001235", results=("Di chúc",)), admin
    )
    text = "\n".join(pdf_lines(ctx.documents.render("return", out.dossier).pdf))
    assert "Trần Văn Nam" in text and "Giấy ủy quyền số 12/UQ" in text


def test_forms_04_05_06_render_from_the_timeline(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    clock.now = at(2026, 11, 23, 14, 0)
    ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
    control = "\n".join(pdf_lines(ctx.documents.render("control_slip", d).pdf))
    assert "Phòng Tư pháp" in control and "Nguyễn Văn An" in control
    ctx.lifecycle.apologise_and_extend(d.id, admin, at(2026, 11, 30, 9, 0), "Chờ xác minh tài sản")
    d2 = ctx.lookup.open_by_id(d.id).dossier
    apology = "\n".join(pdf_lines(ctx.documents.render("apology", d2).pdf))
    assert "Chờ xác minh tài sản" in apology and "30/11/2026" in apology
    assert "25/11/2026" in apology  # the original appointment
    ctx.lifecycle.withdraw(d.id, admin, "Công dân xin rút hồ sơ")
    stop = "\n".join(pdf_lines(ctx.documents.render("stop_notice", d2).pdf))
    assert "Công dân xin rút hồ sơ" in stop and d.code in stop.replace("\n", "")


def test_the_server_accepts_return_and_rating_events(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    ready(ctx, admin, clock, d)
    ctx.returns.complete(d.id, ReturnInput(APPLICANT, results=("Di chúc",)), admin)
    ctx.returns.rate(d.id, {"information": 1}, admin, "Hướng dẫn hơi nhanh", "citizen_screen")
    _server, report = push_to_server(ctx, tmp_path / "srv")
    assert report.accepted == 6  # received, three status changes, return, rating


def test_a_closed_day_takes_no_return_until_reopened(world) -> None:  # type: ignore[no-untyped-def]
    from motcua_desk.domain.errors import DayClosedError

    ctx, admin, clock, d = world
    ready(ctx, admin, clock, d)
    ctx.day_close.close(clock.now.date(), "admin", "mat-khau-2026", "Hết giờ", admin)
    with pytest.raises(DayClosedError):
        ctx.returns.complete(d.id, ReturnInput(APPLICANT, results=("Di chúc",)), admin)
    assert ctx.returns.record_for(d.id) == (None, None)
    ctx.day_close.reopen(clock.now.date(), "admin", "mat-khau-2026", "Công dân đến muộn")
    out = ctx.returns.complete(d.id, ReturnInput(APPLICANT, results=("Di chúc",)), admin)
    assert out.dossier.status is Status.RETURNED
