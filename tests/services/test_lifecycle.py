"""Transitions after intake (issue 5 back end), and the server accepting their events."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths
from motcua_desk.domain.dossier import Status
from motcua_desk.domain.errors import (
    IllegalTransitionError,
    RuleViolationError,
    ValidationFailedError,
)
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft

from .conftest import HOA, UNIT, FakeClock, push_to_server

HEALTH_CARD = "1.014137"  # 5 working days


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=OFFICE_TZ)


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    clock = FakeClock(at(2026, 4, 29, 10, 0))  # Wed 29/04/2026 (docs/domain.md §4 example 7)
    ctx = build_context(AppPaths(tmp_path / "d", tmp_path / "l"), clock)
    admin = ctx.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    d = ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), admin).value
    return ctx, admin, clock, d


def test_handover_result_and_forbidden_moves(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, _clock, d = world
    with pytest.raises(ValidationFailedError):
        ctx.lifecycle.hand_over(d.id, admin, " ")
    r = ctx.lifecycle.hand_over(d.id, admin, "Phòng Văn hóa - Xã hội")
    assert r.dossier.status is Status.PROCESSING
    with pytest.raises(IllegalTransitionError):
        ctx.lifecycle.hand_over(d.id, admin, "Phòng khác")
    assert ctx.lifecycle.result_received(d.id, admin).dossier.status is Status.PROCESSED
    with pytest.raises(IllegalTransitionError):  # a result exists: no more withdrawal
        ctx.lifecycle.withdraw(d.id, admin, "Công dân rút hồ sơ")


def test_supplement_late_warning_and_clock_restart(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    clock.now = at(2026, 5, 7, 8, 0)  # after the deadline of Wed 06/05/2026
    r = ctx.lifecycle.request_supplement(d.id, admin, ("Giấy chứng sinh",), "Thiếu bản chính")
    assert r.dossier.status is Status.SUPPLEMENT
    assert r.warnings == ("supplement_late",)
    clock.now = at(2026, 5, 11, 9, 10)  # complete on Mon 11/05/2026 09:10
    done = ctx.lifecycle.supplement_completed(d.id, admin)
    assert done.dossier.status is Status.RECEIVED
    assert done.dossier.due_at == at(2026, 5, 18, 9, 0)  # 5 working days from zero
    again = ctx.lifecycle.request_supplement(d.id, admin, ("Tờ khai",), "Sai thông tin")
    assert "second_supplement" in again.warnings
    assert again.dossier.supplement_requests == 2


def test_pause_clock_when_configured(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    ctx.settings_store.update(supplement_clock="pause")
    old_due = d.due_at
    clock.now = at(2026, 5, 4, 9, 0)  # Mon: requested
    ctx.lifecycle.request_supplement(d.id, admin, ("Tờ khai",), "Thiếu")
    clock.now = at(2026, 5, 6, 15, 0)  # Wed: completed, 2 working days waited
    done = ctx.lifecycle.supplement_completed(d.id, admin)
    assert old_due == at(2026, 5, 8, 10, 0)  # Fri 08/05: 30/04, 01/05 and a weekend skipped
    # Tue 05 and Wed 06 were waited: the due date moves by two working days, to Tue 12/05.
    assert done.dossier.due_at == at(2026, 5, 12, 10, 0)


def test_one_extension_only_and_not_too_late(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    assert d.due_at == at(2026, 5, 8, 10, 0)  # Fri 08/05/2026 (30/04, 01/05 holidays)
    clock.now = at(2026, 5, 8, 8, 0)  # the due day itself: too late for an apology
    with pytest.raises(RuleViolationError) as info:
        ctx.lifecycle.apologise_and_extend(d.id, admin, at(2026, 5, 14, 9), "Chờ xác minh")
    assert info.value.data["rule"] == "apology_too_late"
    clock.now = at(2026, 5, 7, 8, 0)  # one working day before: the latest allowed
    r = ctx.lifecycle.apologise_and_extend(d.id, admin, at(2026, 5, 14, 9), "Chờ xác minh")
    assert r.dossier.due_at == at(2026, 5, 14, 9) and r.dossier.extensions == 1
    with pytest.raises(RuleViolationError) as info:
        ctx.lifecycle.apologise_and_extend(d.id, admin, at(2026, 5, 20, 9), "Lần hai")
    assert info.value.data["rule"] == "second_extension"


def test_withdraw_and_stop_need_a_reason(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, _clock, d = world
    with pytest.raises(ValidationFailedError):
        ctx.lifecycle.withdraw(d.id, admin, "")
    assert ctx.lifecycle.withdraw(d.id, admin, "Công dân rút").dossier.status is Status.WITHDRAWN
    d2 = ctx.reception.receive(IntakeDraft(HEALTH_CARD, HOA), admin).value
    assert ctx.lifecycle.stop(d2.id, admin, "Không đủ điều kiện").dossier.status is Status.STOPPED


def test_the_server_accepts_every_event(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, clock, d = world
    ctx.lifecycle.request_supplement(d.id, admin, ("Tờ khai",), "Thiếu")
    clock.now = at(2026, 5, 4, 9, 0)
    ctx.lifecycle.supplement_completed(d.id, admin)
    ctx.lifecycle.apologise_and_extend(d.id, admin, at(2026, 5, 20, 9), "Chờ xác minh")
    ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
    ctx.lifecycle.result_received(d.id, admin)
    _server, report = push_to_server(ctx, tmp_path / "srv")
    assert report.accepted >= 7


def test_no_hand_over_while_papers_are_missing(world) -> None:  # type: ignore[no-untyped-def]
    ctx, admin, _clock, d = world
    ctx.lifecycle.request_supplement(d.id, admin, ("Ảnh 3x4",), "Thiếu ảnh")
    with pytest.raises(RuleViolationError) as err:
        ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp")
    assert err.value.data["rule"] == "supplement_pending"
    ctx.lifecycle.supplement_completed(d.id, admin)
    assert ctx.lifecycle.hand_over(d.id, admin, "Phòng Tư pháp").dossier.status is Status.PROCESSING
