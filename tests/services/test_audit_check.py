"""The audit chain verified on demand (issue 14 §5), by an administrator or supervisor only."""

from __future__ import annotations

import sqlite3

import pytest

from motcua_desk.services.accounts import PermissionDeniedError
from motcua_desk.services.context import AppContext
from motcua_desk.storage.repositories.users import Role, User


def test_a_broken_chain_is_reported_and_only_to_privileged_users(
    ctx: AppContext, admin: User
) -> None:
    assert ctx.audit is not None
    assert ctx.audit.verify(admin).ok
    clerk = ctx.accounts.create_user(admin, "hoa", "Lê Thị Hoa", "mat-khau-hoa-1", Role.CLERK)
    with pytest.raises(PermissionDeniedError):
        ctx.audit.verify(clerk)
    with sqlite3.connect(ctx.paths.db_file) as conn:
        conn.execute("DROP TRIGGER audit_log_no_delete")
        conn.execute("DELETE FROM audit_log WHERE id = 1")
    result = ctx.audit.verify(admin)
    assert not result.ok and result.reason in ("gap", "chain_broken")
