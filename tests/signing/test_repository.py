"""The signed-documents repository on a real migrated SQLite file: frozen values, idempotent
queueing, the pending list, and Unicode titles of any length."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua_desk.storage.engine import make_engine
from motcua_desk.storage.errors import NotFoundError
from motcua_desk.storage.migrate import migrate
from motcua_desk.storage.repositories.signed_documents import Conversion, InvalidOriginError
from motcua_desk.storage.uow import make_uow_factory

AT = datetime(2026, 2, 12, 3, 15, tzinfo=UTC)


@pytest.fixture
def uow_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(tmp_path / "db.sqlite3")
    migrate(engine, tmp_path / "db.sqlite3", tmp_path / "backups")
    yield make_uow_factory(engine)
    engine.dispose()


def test_queue_sign_and_list(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        doc = uow.signed_documents.add_pending(
            dossier_id=None,
            doc_type="conversion",
            title="Giấy chứng sinh",
            source_path="/a.pdf",
            source_sha256="ab" * 32,
            at=AT,
            by="lan",
            conversion=Conversion("lan", AT, "original"),
        )
        again = uow.signed_documents.add_pending(
            dossier_id=None,
            doc_type="conversion",
            title="khác",
            source_path="/b.pdf",
            source_sha256="ab" * 32,
            at=AT,
            by="hoa",
        )
        uow.commit()
    assert again == doc  # same bytes, same type: one row
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.state = "signed"  # type: ignore[misc]
    assert doc.pending and doc.conversion == Conversion("lan", AT, "original")
    with uow_factory() as uow:
        failed = uow.signed_documents.mark_failed(doc.id, "token_removed")
        uow.commit()
    assert failed.pending and failed.last_error == "token_removed"
    with uow_factory() as uow:
        assert [d.id for d in uow.signed_documents.pending()] == [doc.id]
        done = uow.signed_documents.mark_signed(
            doc.id,
            at=AT,
            by="lan",
            signer_name="Nguyễn Thị Lan",
            signer_cert_sha256="cd" * 32,
            level="B-B",
            signed_path="/a.signed.pdf",
            signed_sha256="ef" * 32,
        )
        uow.commit()
    assert done.state == "signed" and done.last_error is None and done.signed_at == AT
    with uow_factory() as uow:
        assert uow.signed_documents.pending() == []
        assert uow.signed_documents.get(doc.id) == done
        with pytest.raises(NotFoundError):
            uow.signed_documents.get(doc.id + 1)


def test_bad_origin_refused(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow, pytest.raises(InvalidOriginError):
        uow.signed_documents.add_pending(
            dossier_id=None,
            doc_type="conversion",
            title="x",
            source_path="/x.pdf",
            source_sha256="00" * 32,
            at=AT,
            by="lan",
            conversion=Conversion("lan", AT, "photo"),
        )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=5000))
def test_any_unicode_title_round_trips(uow_factory, title: str) -> None:  # type: ignore[no-untyped-def]
    digest = f"{abs(hash(title)):064x}"[:64]
    with uow_factory() as uow:
        doc = uow.signed_documents.add_pending(
            dossier_id=None,
            doc_type="conversion",
            title=title,
            source_path="/t.pdf",
            source_sha256=digest,
            at=AT,
            by="lan",
        )
        uow.commit()
    with uow_factory() as uow:
        assert uow.signed_documents.get(doc.id).title == title
