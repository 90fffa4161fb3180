"""Content-addressed file store and the attachment repository, on real files and SQLite."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua_desk.domain.digitisation import Attachment, OcrState, PaperMeta, Source
from motcua_desk.storage import UnitOfWork
from motcua_desk.storage.filestore import FileStore, FileStoreError

from .conftest import T0, FakeClock, make_dossier

SHA_A = hashlib.sha256(b"page one").hexdigest()


def test_same_content_is_stored_once(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "att")
    first = store.put_bytes(b"page one")
    src = tmp_path / "Giấy khai sinh.pdf"
    src.write_bytes(b"page one")
    second = store.put_file(src)
    assert first.sha256 == second.sha256 == SHA_A
    assert first.created and not second.created
    assert list(store.all_hashes()) == [SHA_A]
    assert store.path_of(SHA_A) == tmp_path / "att" / SHA_A[:2] / SHA_A[2:4] / SHA_A
    assert store.read(SHA_A) == b"page one"
    assert store.verify(SHA_A)
    assert not list((tmp_path / "att" / "tmp").iterdir())  # no temporary file left


def test_tampered_or_missing_file_is_detected(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "att")
    store.put_bytes(b"page one")
    store.path_of(SHA_A).write_bytes(b"page two")
    assert not store.verify(SHA_A)
    with pytest.raises(FileStoreError) as err:
        store.open("0" * 64)
    assert err.value.data["reason"] == "missing"


@given(st.text(max_size=200))
@settings(max_examples=200)
def test_hash_names_are_validated(name: str) -> None:
    store = FileStore(Path("/nonexistent"))
    if len(name) == 64 and all(c in "0123456789abcdef" for c in name):
        assert store.path_of(name).name == name
    else:
        with pytest.raises(FileStoreError):
            store.path_of(name)


def test_mirror_copies_only_what_is_missing(tmp_path: Path) -> None:
    live, backup = FileStore(tmp_path / "a"), FileStore(tmp_path / "b")
    live.put_bytes(b"one")
    assert live.mirror_to(backup) == 1
    live.put_bytes(b"two")
    assert live.mirror_to(backup) == 1
    assert live.mirror_to(backup) == 0
    assert sorted(backup.all_hashes()) == sorted(live.all_hashes())


def _attachment(dossier_id: int, position: int, sha: str | None, **kw: object) -> Attachment:
    values: dict[str, object] = {
        "dossier_id": dossier_id,
        "position": position,
        "source": Source.SCANNED if sha else Source.SHOWN_ONLY,
        "meta": PaperMeta("giay_khai_sinh", "123/KS", "UBND Phường Điện Biên", date(2020, 1, 5)),
        "digitised_by": "canbo1",
        "digitised_at": T0,
        "file_sha256": sha,
        "applicant_id_number": "038195001234",
    }
    values.update(kw)
    return Attachment(**values)  # type: ignore[arg-type]


def test_attach_replace_and_reuse_lookup(
    uow_factory: Callable[[], UnitOfWork], clock: FakeClock
) -> None:
    with uow_factory() as uow:
        d1 = uow.dossiers.add(make_dossier(1))
        d2 = uow.dossiers.add(make_dossier(2))
        assert d1.id is not None and d2.id is not None
        f = uow.attachments.register_file(SHA_A, 8, "application/pdf", 2)
        again = uow.attachments.register_file(SHA_A, 8, "application/pdf", 2)
        assert f == again
        a = uow.attachments.put(_attachment(d1.id, 0, SHA_A))
        uow.attachments.put(_attachment(d1.id, 1, None))
        uow.commit()
    assert dataclasses.is_dataclass(a)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.position = 3  # type: ignore[misc]
    assert a.pages == 2 and a.size == 8 and a.sync_id
    with uow_factory() as uow:
        rows = uow.attachments.for_dossier(d1.id)
        assert [(r.position, r.source) for r in rows] == [
            (0, Source.SCANNED),
            (1, Source.SHOWN_ONLY),
        ]
        # A rescan replaces the row's copy, never adds a second one.
        sha_b = hashlib.sha256(b"b").hexdigest()
        uow.attachments.register_file(sha_b, 1, "application/pdf", 1)
        uow.attachments.put(_attachment(d1.id, 0, sha_b))
        uow.commit()
    with uow_factory() as uow:
        rows = uow.attachments.for_dossier(d1.id)
        assert [r.file_sha256 for r in rows] == [sha_b, None]
        offers = uow.attachments.for_applicant("038195001234", exclude_dossier=d2.id)
        assert [o.file_sha256 for o in offers] == [sha_b]  # shown-only rows are not offered
        assert uow.attachments.for_applicant("") == []
        assert uow.attachments.for_applicant("038195001234", exclude_dossier=d1.id) == []
        # The old file stays stored (another row may use it) but is no longer referenced.
        assert uow.attachments.referenced_hashes() == {sha_b}
        assert [f.sha256 for f in uow.attachments.files_to_upload()] == [sha_b]
        uow.attachments.mark_uploaded(sha_b)
        uow.commit()
    with uow_factory() as uow:
        assert uow.attachments.files_to_upload() == []
        done = uow.attachments.set_ocr(rows[0].sync_id, OcrState.DONE, None)
        assert done.ocr_state is OcrState.DONE


def test_attachment_without_commit_is_not_kept(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        d = uow.dossiers.add(make_dossier(1))
        uow.commit()
    assert d.id is not None
    with uow_factory() as uow:
        uow.attachments.register_file(SHA_A, 8, "application/pdf", 1)
        uow.attachments.put(_attachment(d.id, 0, SHA_A))
    with uow_factory() as uow:
        assert uow.attachments.for_dossier(d.id) == []
        assert uow.attachments.file(SHA_A) is None
