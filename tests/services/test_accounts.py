from __future__ import annotations

import pytest

from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.services.accounts import AuthFailedError, PermissionDeniedError, UnitSetup
from motcua_desk.storage.repositories.users import Role

from .conftest import UNIT


def test_first_run_needed_until_unit_and_admin_exist(ctx) -> None:
    assert ctx.accounts.needs_first_run()
    user = ctx.accounts.first_run(UNIT, "Admin", "Nguyễn Văn An", "mat-khau-2026")
    assert user.username == "admin" and user.role is Role.ADMIN
    assert not ctx.accounts.needs_first_run()
    assert ctx.settings.agency_id == "000.00.06.H56"
    assert 'agency_id = "000.00.06.H56"' in ctx.paths.settings_file.read_text(encoding="utf-8")


def test_first_run_reports_every_bad_field_and_saves_nothing(ctx) -> None:
    bad = UnitSetup("h56 lower", "", "", "", "")
    with pytest.raises(ValidationFailedError) as info:
        ctx.accounts.first_run(bad, "x", "", "short")
    assert info.value.fields == {
        "agency_id": "invalid_agency_id",
        "agency_name": "required",
        "managing_body": "required",
        "counter_name": "required",
        "place_name": "required",
        "username": "invalid_username",
        "full_name": "required",
        "password": "weak_password",
    }
    assert ctx.accounts.needs_first_run()
    assert ctx.settings.agency_id == ""


def test_second_first_run_is_refused(ctx, admin) -> None:
    with pytest.raises(PermissionDeniedError):
        ctx.accounts.first_run(UNIT, "other", "Người Khác", "mat-khau-2026")


def test_login_checks_password(ctx, admin) -> None:
    assert ctx.accounts.login("ADMIN ", "mat-khau-2026").username == "admin"
    with pytest.raises(AuthFailedError):
        ctx.accounts.login("admin", "sai-mat-khau")
    with pytest.raises(AuthFailedError):
        ctx.accounts.login("khong-co", "mat-khau-2026")


def test_only_admin_creates_users_and_supervisor_check(ctx, admin) -> None:
    clerk = ctx.accounts.create_user(
        admin, "canbo1", "Trần Thị Bình", "mat-khau-clerk", Role.CLERK
    ).value
    with pytest.raises(PermissionDeniedError):
        ctx.accounts.create_user(clerk, "canbo2", "X", "mat-khau-clerk", Role.CLERK)
    ctx.accounts.create_user(admin, "giamsat", "Phạm Văn Cường", "mat-khau-sup1", Role.SUPERVISOR)
    assert ctx.accounts.verify_supervisor("giamsat", "mat-khau-sup1").role is Role.SUPERVISOR
    with pytest.raises(PermissionDeniedError):
        ctx.accounts.verify_supervisor("canbo1", "mat-khau-clerk")


def test_admin_resets_a_password_and_locks_an_account(ctx, admin) -> None:
    ctx.accounts.create_user(admin, "canbo1", "Trần Thị Bình", "mat-khau-clerk", Role.CLERK)
    ctx.accounts.reset_password(admin, "canbo1", "mat-khau-moi-1")
    with pytest.raises(AuthFailedError):
        ctx.accounts.login("canbo1", "mat-khau-clerk")
    assert ctx.accounts.login("canbo1", "mat-khau-moi-1").username == "canbo1"
    with pytest.raises(ValidationFailedError):
        ctx.accounts.reset_password(admin, "canbo1", "ngan")
    locked = ctx.accounts.set_active(admin, "canbo1", False).value
    assert not locked.active
    with pytest.raises(AuthFailedError):
        ctx.accounts.login("canbo1", "mat-khau-moi-1")
    ctx.accounts.set_active(admin, "canbo1", True)
    assert ctx.accounts.login("canbo1", "mat-khau-moi-1").active


def test_only_admin_resets_or_locks_and_never_himself(ctx, admin) -> None:
    clerk = ctx.accounts.create_user(
        admin, "canbo1", "Trần Thị Bình", "mat-khau-clerk", Role.CLERK
    ).value
    with pytest.raises(PermissionDeniedError):
        ctx.accounts.reset_password(clerk, "admin", "mat-khau-moi-1")
    with pytest.raises(PermissionDeniedError):
        ctx.accounts.set_active(clerk, "admin", False)
    with pytest.raises(PermissionDeniedError):
        ctx.accounts.set_active(admin, "admin", False)
    assert ctx.accounts.login("admin", "mat-khau-2026").active
