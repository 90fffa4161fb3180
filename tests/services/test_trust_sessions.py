"""No one gets in where they do not belong, and the database never says "locked" to a clerk
(issue 14 §4 and the desk side of §5), against a real database file."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from motcua_desk.domain.errors import ValidationFailedError
from motcua_desk.services.accounts import (
    AccountLockedError,
    AuthFailedError,
    PermissionDeniedError,
)
from motcua_desk.services.context import AppContext
from motcua_desk.storage.repositories.users import MAX_FAILED_LOGINS, Role, User
from motcua_desk.storage.uow import ReadOnlyUnitOfWorkError, reading
from motcua_desk.sync import protocol as p

PASSWORD = "mat-khau-2026"


def _uow(ctx: AppContext):  # type: ignore[no-untyped-def]
    return ctx.reception._uow_factory  # noqa: SLF001


def _write_lock_free(ctx: AppContext) -> bool:
    """Whether another connection can take SQLite's write lock right now."""
    other = sqlite3.connect(ctx.paths.db_file, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_forged_or_stale_user_object_has_no_rights(ctx: AppContext, admin: User) -> None:
    ghost = User(9999, "ghost", "Không có", Role.ADMIN, True, admin.created_at)
    with pytest.raises(PermissionDeniedError):
        ctx.settings_admin.update(ghost, counter_name="Quầy giả")
    with pytest.raises(PermissionDeniedError):
        ctx.accounts.create_user(ghost, "admin2", "Quản trị giả", "mat-khau-gia-1", Role.ADMIN)
    # The right name with a forged id is not enough either.
    with pytest.raises(PermissionDeniedError):
        ctx.settings_admin.update(replace(admin, id=admin.id + 50), counter_name="Quầy giả")
    assert ctx.settings.counter_name == "Quầy số 1"
    assert [u.username for u in ctx.accounts.list_users()] == ["admin"]


def test_an_inactive_or_demoted_admin_loses_rights_in_an_open_session(
    ctx: AppContext, admin: User
) -> None:
    ctx.accounts.create_user(admin, "chi", "Trần Thị Chi", "mat-khau-chi-1", Role.ADMIN)
    chi = ctx.accounts.login("chi", "mat-khau-chi-1")
    ctx.settings_admin.update(chi, counter_name="Quầy 2")  # allowed while admin
    with _uow(ctx)() as uow:  # the server demotes her (a pulled user change)
        uow.users.set_role("chi", Role.CLERK)
        uow.commit()
    with pytest.raises(PermissionDeniedError):
        ctx.settings_admin.update(chi, counter_name="Quầy 3")
    with _uow(ctx)() as uow:
        uow.users.set_role("chi", Role.ADMIN)
        uow.users.set_active("chi", False)
        uow.commit()
    with pytest.raises(PermissionDeniedError):
        ctx.accounts.create_user(chi, "x_admin", "X", "mat-khau-x-123", Role.ADMIN)
    with pytest.raises(PermissionDeniedError):
        ctx.accounts.current(chi)
    assert ctx.settings.counter_name == "Quầy 2"


def test_lockout_after_wrong_passwords_and_a_supervisor_unlock(
    ctx: AppContext, admin: User
) -> None:
    ctx.accounts.create_user(admin, "hoa", "Lê Thị Hoa", "mat-khau-hoa-1", Role.CLERK)
    ctx.accounts.create_user(admin, "lanhdao", "Phạm Lãnh Đạo", "mat-khau-ld-1", Role.SUPERVISOR)
    for _ in range(MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthFailedError):
            ctx.accounts.login("hoa", "sai-mat-khau")
    with pytest.raises(AccountLockedError):
        ctx.accounts.login("hoa", "sai-mat-khau")
    with pytest.raises(AccountLockedError):  # the right password does not open a locked one
        ctx.accounts.login("hoa", "mat-khau-hoa-1")
    hoa_clerk = ctx.accounts.login("lanhdao", "mat-khau-ld-1")
    clerk = ctx.accounts.create_user(admin, "binh", "Bình", "mat-khau-binh-1", Role.CLERK)
    with pytest.raises(PermissionDeniedError):
        ctx.accounts.unlock_user(clerk, "hoa")
    ctx.accounts.unlock_user(hoa_clerk, "hoa")
    assert ctx.accounts.login("hoa", "mat-khau-hoa-1").username == "hoa"
    with _uow(ctx)() as uow:
        actions = [(e.actor, e.action) for e in uow.audit.entries() if e.entity_id == "hoa"]
        assert ("hoa", "account_locked") in actions
        assert ("hoa", "login_locked") in actions
        assert ("lanhdao", "unlock_user") in actions
        assert ("hoa", "login") in actions
        assert uow.audit.verify().ok


def test_a_good_login_resets_the_failure_count(ctx: AppContext, admin: User) -> None:
    for _ in range(3):
        for _ in range(MAX_FAILED_LOGINS - 1):
            with pytest.raises(AuthFailedError):
                ctx.accounts.login("admin", "sai")
        ctx.accounts.login("admin", PASSWORD)


def test_the_password_check_holds_no_write_lock(
    ctx: AppContext, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    with _uow(ctx)() as uow:
        passwords = uow.passwords
    real_verify = passwords.verify

    def verify(stored: str, password: str) -> bool:
        seen.append(_write_lock_free(ctx))  # another process saving during the ~0.1 s check
        return real_verify(stored, password)

    monkeypatch.setattr(passwords, "verify", verify)
    assert ctx.accounts.login("admin", PASSWORD).username == "admin"
    with pytest.raises(AuthFailedError):
        ctx.accounts.login("admin", "sai-mat-khau")
    assert seen == [True, True]


def test_reads_do_not_take_the_write_lock(ctx: AppContext, admin: User) -> None:
    with reading(_uow(ctx)) as uow:
        assert uow.users.count() == 1
        assert _write_lock_free(ctx)  # a save elsewhere proceeds during the read
        with pytest.raises(ReadOnlyUnitOfWorkError):
            uow.commit()
    with _uow(ctx)() as uow:
        uow.users.count()
        assert not _write_lock_free(ctx)  # a write unit of work does hold it


def test_pulled_users_without_hashes_are_tolerated(ctx: AppContext, admin: User) -> None:
    store = ctx.sync.store  # type: ignore[union-attr]
    store.apply_pull_page(
        [
            p.Change(1, "user", "hung", {"username": "hung", "full_name": "Hùng", "role": "clerk"}),
            p.Change(
                2,
                "user",
                "la",
                {
                    "username": "la",
                    "full_name": "Người đơn vị khác",
                    "role": "admin",
                    "agency_id": "000.00.99.X99",
                    "password_hash": "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                },
            ),
        ],
        2,
    )
    assert ctx.sync.health().conflicts == []  # type: ignore[union-attr]
    with _uow(ctx)() as uow:
        hung = uow.users.credentials("hung")
        other = uow.users.credentials("la")
    assert hung is not None and hung.password_hash == ""
    assert other is not None and other.password_hash == "" and not other.user.active
    with pytest.raises(AuthFailedError):
        ctx.accounts.login("hung", "")


def test_settings_refuse_plain_http_unless_loopback_or_allowed(
    ctx: AppContext, admin: User
) -> None:
    with pytest.raises(ValidationFailedError) as info:
        ctx.settings_admin.update(admin, server_url="http://motcua.example.vn")
    assert info.value.fields == {"server_url": "insecure_url"}
    ctx.settings_admin.update(admin, server_url="http://127.0.0.1:8765")
    ctx.settings_admin.update(admin, server_url="http://[::1]:8765")
    ctx.settings_admin.update(admin, server_url="http://10.0.0.5:8765", allow_insecure_http=True)
    assert ctx.settings.server_url == "http://10.0.0.5:8765"
