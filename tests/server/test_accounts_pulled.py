"""A counter receives only the password verifiers it needs: its own unit's, current ones."""

from __future__ import annotations

import httpx
from sync_support import AGENCY_A, AGENCY_B, Server, ensure_unit

from motcua_desk.sync import protocol as p
from motcua_server import admin


def pulled_users(srv: Server, token: str) -> list[p.Change]:
    headers = {p.HEADER: "1", "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url="http://test", transport=srv.transport()) as c:
        res = c.get("/api/v1/sync/pull", params={"limit": 1000}, headers=headers)
    assert res.status_code == 200
    return [c for c in p.PullResponse.from_dict(res.json()).changes if c.entity == "user"]


def test_a_counter_gets_only_its_units_accounts(sqlite_server: Server) -> None:
    eng = sqlite_server.engine
    for agency in (AGENCY_A, AGENCY_B):
        ensure_unit(eng, agency)
    admin.create_user(eng, AGENCY_A, "hoa", "Lê Thị Hoa", "mat-khau-dai-1", "clerk")
    admin.create_user(eng, AGENCY_B, "nam", "Trần Văn Nam", "mat-khau-dai-2", "clerk")
    users = pulled_users(sqlite_server, sqlite_server.enrol(AGENCY_A).token)
    assert [u.key for u in users] == ["hoa"]


def test_old_password_hashes_are_not_sent_to_a_new_counter(sqlite_server: Server) -> None:
    eng = sqlite_server.engine
    ensure_unit(eng, AGENCY_A)
    for password in ("mat-khau-cu-2025", "mat-khau-moi-2026"):
        admin.create_user(eng, AGENCY_A, "hoa", "Lê Thị Hoa", password, "clerk")
    users = pulled_users(sqlite_server, sqlite_server.enrol(AGENCY_A).token)
    assert len(users) == 1
    from argon2 import PasswordHasher

    assert PasswordHasher().verify(users[0].data["password_hash"], "mat-khau-moi-2026")
