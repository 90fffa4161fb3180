from __future__ import annotations

from datetime import date, datetime, time

import pytest

from motcua_desk.domain.calendar import CalendarDay, DayKind
from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.services.accounts import PermissionDeniedError
from motcua_desk.services.clock import OFFICE_TZ
from motcua_desk.services.reception import IntakeDraft
from motcua_desk.storage.repositories.users import Role

from .conftest import HOA, UNIT


def test_admin_changes_settings_with_audit_and_file(ctx, admin, tmp_path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    new = ctx.settings_admin.update(
        admin,
        cutoff="16:00",
        saturdays_count=True,
        code_pattern="{agency_id}-{yymmdd}-{seq:05d}",
        qr_lookup_template="https://dvc.example.vn/tra-cuu?ma={code}",
        server_url="https://motcua.example.vn",
        ca_bundle=str(bundle),
        paper_sizes={"receipt": "80mm"},
        printers={"receipt": "Quầy 1 - nhiệt"},
    )
    assert new.cutoff == time(16, 0) and new.saturdays_count
    assert ctx.settings is new or ctx.settings == new
    text = ctx.paths.settings_file.read_text(encoding="utf-8")
    assert 'cutoff = "16:00"' in text and "80mm" in text
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        (entry,) = [e for e in uow.audit.entries() if e.action == "settings.update"]
        assert entry.detail["changes"]["cutoff"] == ["15:00", "16:00"]
        assert uow.audit.verify().ok
    # The new pattern gives codes with five digits (a counter that syncs numbers from a lease).
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        uow.sequences.add_block("000.00.06.H56", date(2023, 10, 27), 1, 10)
        uow.commit()
    d = ctx.reception.receive(IntakeDraft("1.014137", HOA), admin)
    assert d.code.endswith("-231027-00001")


def test_every_bad_value_is_reported_and_nothing_saved(ctx, admin) -> None:
    before = ctx.paths.settings_file.read_text(encoding="utf-8")
    with pytest.raises(ValidationFailedError) as info:
        ctx.settings_admin.update(
            admin,
            cutoff="25:00",
            agency_id="h56 thường",
            code_pattern="{agency_id}-{seq}",
            qr_lookup_template="https://dvc.example.vn/tra-cuu",
            server_url="ftp://x",
            ca_bundle="/khong/co/tep.pem",
            paper_sizes={"receipt": "A3"},
            near_due_days=-1,
            supplement_clock="sometimes",
            colour="red",
        )
    assert info.value.fields == {
        "cutoff": "invalid_value",
        "agency_id": "invalid_agency_id",
        "code_pattern": "invalid_code_pattern",
        "qr_lookup_template": "missing_code_placeholder",
        "server_url": "invalid_url",
        "ca_bundle": "file_not_found",
        "paper_sizes": "invalid_paper",
        "near_due_days": "out_of_range",
        "supplement_clock": "invalid_value",
        "colour": "unknown_setting",
    }
    assert ctx.paths.settings_file.read_text(encoding="utf-8") == before


def test_only_admins_change_settings_and_calendar(ctx, admin) -> None:
    clerk = ctx.accounts.create_user(admin, "canbo1", "Trần Thị Bình", "mat-khau-clerk", Role.CLERK)
    with pytest.raises(PermissionDeniedError):
        ctx.settings_admin.update(clerk, cutoff="16:00")
    with pytest.raises(PermissionDeniedError):
        ctx.settings_admin.add_calendar_day(clerk, CalendarDay(date(2023, 10, 30), DayKind.HOLIDAY))


def test_holiday_override_moves_due_dates(ctx, admin) -> None:
    # domain.md example 1: Fri 27/10/2023 + 5 working days = Fri 03/11/2023 ...
    assert ctx.reception.preview_due("1.014137").due_at.date() == date(2023, 11, 3)
    ctx.settings_admin.add_calendar_day(
        admin, CalendarDay(date(2023, 10, 30), DayKind.HOLIDAY, "Nghỉ theo quyết định của tỉnh")
    )
    due = ctx.reception.preview_due("1.014137")
    assert due.due_at == datetime(2023, 11, 6, 9, 0, tzinfo=OFFICE_TZ)  # ... one day later
    assert [s.name for s in due.skipped if s.day == date(2023, 10, 30)] == [
        "Nghỉ theo quyết định của tỉnh"
    ]
    ctx.settings_admin.remove_calendar_day(admin, date(2023, 10, 30))
    assert ctx.reception.preview_due("1.014137").due_at.date() == date(2023, 11, 3)


def test_an_empty_unit_name_is_refused(ctx, admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailedError) as info:
        ctx.settings_admin.update(admin, agency_name="   ")
    assert info.value.fields == {"agency_name": "required"}
    assert ctx.settings.agency_name == UNIT.agency_name
