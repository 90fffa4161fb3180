"""Clerk accounts: argon2 hashes, roles, policy, authentication."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, text

from motcua_desk.storage import (
    DuplicateError,
    NotFoundError,
    Passwords,
    Role,
    UnitOfWork,
    WeakPasswordError,
    make_uow_factory,
)
from motcua_desk.storage.passwords import fast_hasher
from motcua_desk.storage.repositories.users import InvalidUsernameError

from .conftest import FakeClock

Factory = Callable[[], UnitOfWork]


def test_create_and_authenticate(uow_factory: Factory, engine: Engine) -> None:
    with uow_factory() as uow:
        u = uow.users.create("CanBo1", "Cán bộ Một", "mật khẩu 123", Role.SUPERVISOR)
        uow.commit()
    assert (u.username, u.role, u.active) == ("canbo1", Role.SUPERVISOR, True)
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$") and "mật" not in stored
    with uow_factory() as uow:
        assert uow.users.authenticate("canbo1", "mật khẩu 123") == u
        assert uow.users.authenticate(" CANBO1 ", "mật khẩu 123") == u
        assert uow.users.authenticate("canbo1", "wrong password") is None
        assert uow.users.authenticate("nobody", "mật khẩu 123") is None
        assert uow.users.authenticate("", "x") is None


def test_username_unique_casefolded(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        uow.users.create("hoa", "Hoa", "password1", Role.CLERK)
        with pytest.raises(DuplicateError):
            uow.users.create("HOA", "Hoa 2", "password1", Role.CLERK)
        with pytest.raises(InvalidUsernameError):
            uow.users.create("two words", "X", "password1", Role.CLERK)


def test_password_policy(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        with pytest.raises(WeakPasswordError) as info:
            uow.users.create("hoa", "Hoa", "1234567", Role.CLERK)
        assert info.value.data == {"min_length": 8}
        uow.users.create("hoa", "Hoa", "12345678", Role.CLERK)
        with pytest.raises(WeakPasswordError):
            uow.users.set_password("hoa", "short")


def test_inactive_user_refused_and_password_change(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        uow.users.create("hoa", "Hoa", "password1", Role.CLERK)
        uow.users.set_active("hoa", False)
        assert uow.users.authenticate("hoa", "password1") is None
        uow.users.set_active("hoa", True)
        uow.users.set_password("hoa", "password2")
        assert uow.users.authenticate("hoa", "password1") is None
        assert uow.users.authenticate("hoa", "password2") is not None
        assert uow.users.set_role("hoa", Role.ADMIN).role is Role.ADMIN
        with pytest.raises(NotFoundError):
            uow.users.set_active("ghost", False)


def test_list_get_count(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        uow.users.create("b", "B", "password1", Role.CLERK)
        uow.users.create("a", "A", "password1", Role.ADMIN)
        assert [u.username for u in uow.users.list()] == ["a", "b"]
        got = uow.users.get("A")
        assert got is not None and got.role is Role.ADMIN
        assert uow.users.get("zz") is None
        assert uow.users.count() == 2


def test_rehash_when_parameters_change(engine: Engine, clock: FakeClock) -> None:
    old = make_uow_factory(engine, clock=clock, passwords=Passwords(fast_hasher()))
    with old() as uow:
        uow.users.create("hoa", "Hoa", "password1", Role.CLERK)
        uow.commit()
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    new = make_uow_factory(engine, clock=clock, passwords=Passwords(stronger))

    def stored() -> str:
        with engine.connect() as conn:
            return str(conn.execute(text("SELECT password_hash FROM users")).scalar_one())

    before = stored()
    with new() as uow:
        assert uow.users.authenticate("hoa", "password1") is not None
        uow.commit()
    after = stored()
    assert after != before and "t=2" in after and "t=1" in before
    with new() as uow:
        assert uow.users.authenticate("hoa", "password1") is not None


def test_corrupt_hash_does_not_authenticate(uow_factory: Factory, engine: Engine) -> None:
    with uow_factory() as uow:
        uow.users.create("hoa", "Hoa", "password1", Role.CLERK)
        uow.commit()
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET password_hash = 'garbage'"))
    with uow_factory() as uow:
        assert uow.users.authenticate("hoa", "password1") is None
