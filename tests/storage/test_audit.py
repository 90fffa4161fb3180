"""Audit log: hash chain, append-only triggers, and verify() pinpointing tampering."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from motcua_desk.storage import UnitOfWork
from motcua_desk.storage.repositories.audit import GENESIS_HASH

Factory = Callable[[], UnitOfWork]
AT = datetime(2026, 2, 12, 3, 0, tzinfo=UTC)


def _fill(uow_factory: Factory, n: int = 5) -> None:
    with uow_factory() as uow:
        for i in range(n):
            uow.audit.append(
                "canbo1",
                "dossier.received",
                "dossier",
                str(i + 1),
                {"code": f"X-{i}", "tên": "Lê Thị Hoa"},
                AT + timedelta(minutes=i),
            )
        uow.commit()


def _drop_triggers(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))


def test_chain_links_rows(uow_factory: Factory) -> None:
    _fill(uow_factory, 3)
    with uow_factory() as uow:
        entries = list(reversed(uow.audit.entries()))
        result = uow.audit.verify()
    assert [e.id for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].row_hash
    assert entries[2].prev_hash == entries[1].row_hash
    assert len({e.row_hash for e in entries}) == 3
    assert entries[0].detail == {"code": "X-0", "tên": "Lê Thị Hoa"}
    assert result.ok and result.checked == 3 and result.first_bad_id is None


def test_empty_log_verifies(uow_factory: Factory) -> None:
    with uow_factory() as uow:
        assert uow.audit.verify().ok


def test_entries_filter(uow_factory: Factory) -> None:
    _fill(uow_factory, 3)
    with uow_factory() as uow:
        assert [e.entity_id for e in uow.audit.entries(entity="dossier", entity_id="2")] == ["2"]
        assert uow.audit.count() == 3


def test_triggers_refuse_update_and_delete(uow_factory: Factory, engine: Engine) -> None:
    _fill(uow_factory, 2)
    for sql in ("UPDATE audit_log SET actor = 'x' WHERE id = 1", "DELETE FROM audit_log"):
        with pytest.raises(IntegrityError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    with uow_factory() as uow:
        assert uow.audit.count() == 2 and uow.audit.verify().ok


def test_verify_pinpoints_edited_row(uow_factory: Factory, engine: Engine) -> None:
    _fill(uow_factory)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(text("""UPDATE audit_log SET detail = '{"code":"Y"}' WHERE id = 3"""))
    with uow_factory() as uow:
        result = uow.audit.verify()
    assert (result.ok, result.first_bad_id, result.reason) == (False, 3, "content_modified")


def test_verify_catches_edit_with_rehash(uow_factory: Factory, engine: Engine) -> None:
    _fill(uow_factory)
    _drop_triggers(engine)
    with engine.begin() as conn:  # a careful forger recomputes row 2's own hash
        conn.execute(
            text(
                "UPDATE audit_log SET actor = 'admin', row_hash = 'f' || substr(row_hash, 2) WHERE id = 2"
            )
        )
    with uow_factory() as uow:
        result = uow.audit.verify()
    assert result.first_bad_id == 2 and not result.ok


def test_verify_catches_rewritten_hash_via_next_row(uow_factory: Factory, engine: Engine) -> None:
    from motcua_desk.storage.repositories.audit import row_hash

    _fill(uow_factory)
    _drop_triggers(engine)
    with uow_factory() as uow:
        e2 = [e for e in uow.audit.entries() if e.id == 2][0]
    forged = row_hash(
        e2.prev_hash,
        row_id=2,
        at=e2.at,
        actor="admin",
        action=e2.action,
        entity=e2.entity,
        entity_id=e2.entity_id,
        detail=e2.detail,
    )
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET actor = 'admin', row_hash = :h WHERE id = 2"), {"h": forged}
        )
    with uow_factory() as uow:
        result = uow.audit.verify()
    assert (result.first_bad_id, result.reason) == (3, "chain_broken")


def test_verify_catches_deleted_middle_row(uow_factory: Factory, engine: Engine) -> None:
    _fill(uow_factory)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 3"))
    with uow_factory() as uow:
        result = uow.audit.verify()
    assert (result.first_bad_id, result.reason, result.checked) == (4, "gap", 3)


def test_verify_catches_deleted_last_row(uow_factory: Factory, engine: Engine) -> None:
    _fill(uow_factory)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = 5"))
    with uow_factory() as uow:
        result = uow.audit.verify()
    assert (result.first_bad_id, result.reason) == (5, "tail_deleted")


def test_verify_catches_garbage_detail(uow_factory: Factory, engine: Engine) -> None:
    _fill(uow_factory)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET detail = 'not json' WHERE id = 1"))
    with uow_factory() as uow:
        assert uow.audit.verify().reason == "bad_detail"


def test_rolled_back_append_leaves_no_gap(uow_factory: Factory) -> None:
    _fill(uow_factory, 2)
    with uow_factory() as uow:
        uow.audit.append("x", "y", "z", "1", {}, AT)  # no commit
    _fill(uow_factory, 1)
    with uow_factory() as uow:
        result = uow.audit.verify()
        assert [e.id for e in uow.audit.entries()] == [3, 2, 1]
    assert result.ok and result.checked == 3
