"""Moving attachment files between the stores, and dropping abandoned uploads (issue 17).

An IT officer who moves a province from files to the database (or back) copies every file with
``motcua-server copy-blobs``; uploads nobody finished are dropped with ``clean-uploads``.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sync_support import Server

from motcua_server.__main__ import main
from motcua_server.blobcopy import copy_blobs, copy_file
from motcua_server.blobstore import BlobStore, DatabaseBlobStore, FilesystemBlobStore
from motcua_server.db import transaction
from motcua_server.models import BlobRow

MiB = 1 << 20


def _files() -> dict[str, bytes]:
    contents = [
        b"",
        "Giấy khai sinh — bản sao".encode(),
        os.urandom(MiB),  # exactly one block
        os.urandom(2 * MiB + 12_345),  # three blocks, the last short
    ]
    return {hashlib.sha256(c).hexdigest(): c for c in contents}


def _put(store: BlobStore, data: bytes, chunk: int = 700_000) -> str:
    sha = hashlib.sha256(data).hexdigest()
    store.put_chunk(sha, 0, data[:chunk])
    for start in range(chunk, len(data), chunk):
        assert store.put_chunk(sha, start, data[start : start + chunk]) == min(
            len(data), start + chunk
        )
    assert store.finalize(sha)
    return sha


def _read(store: BlobStore, sha: str) -> bytes:
    return b"".join(store.open(sha))


def _stores(server: Server, tmp_path: Path) -> dict[str, BlobStore]:
    return {"fs": FilesystemBlobStore(tmp_path / "blobs"), "db": DatabaseBlobStore(server.engine)}


@pytest.mark.parametrize(("source", "target"), [("fs", "db"), ("db", "fs")])
def test_copy_moves_every_complete_file_once(
    server: Server, tmp_path: Path, source: str, target: str
) -> None:
    stores = _stores(server, tmp_path)
    files = _files()
    for data in files.values():
        _put(stores[source], data)
    unfinished = os.urandom(3000)
    stores[source].put_chunk(hashlib.sha256(unfinished).hexdigest(), 0, unfinished[:1000])

    report = copy_blobs(stores[source], stores[target])
    assert (report.copied, report.present, report.failed) == (len(files), 0, ())
    assert sorted(stores[target].complete_files()) == sorted(files)
    for sha, data in files.items():
        assert _read(stores[target], sha) == data
        assert stores[target].size(sha) == len(data)
    # The unfinished upload is not a file: not copied.
    assert not stores[target].exists(hashlib.sha256(unfinished).hexdigest())

    again = copy_blobs(stores[source], stores[target])
    assert (again.copied, again.present, again.failed) == (0, len(files), ())


@pytest.mark.parametrize("target", ["fs", "db"])
def test_an_interrupted_copy_resumes_where_it_stopped(
    server: Server, tmp_path: Path, target: str
) -> None:
    stores = _stores(server, tmp_path)
    source = stores["fs" if target == "db" else "db"]
    data = os.urandom(2 * MiB + 77)
    sha = _put(source, data)
    # The copy was cut off after 1 MiB and 5 bytes had reached the target.
    stores[target].put_chunk(sha, 0, data[: MiB + 5])
    assert copy_file(source, stores[target], sha)
    assert _read(stores[target], sha) == data


def test_a_target_holding_wrong_bytes_fails_and_is_reported(server: Server, tmp_path: Path) -> None:
    stores = _stores(server, tmp_path)
    data = os.urandom(5000)
    sha = _put(stores["fs"], data)
    stores["db"].put_chunk(sha, 0, b"x" * 100)  # a partial that is not this file's start
    report = copy_blobs(stores["fs"], stores["db"])
    assert report.failed == (sha,) and report.copied == 0
    # The bad partial was dropped by the check: a second run copies the file.
    assert copy_blobs(stores["fs"], stores["db"]).copied == 1
    assert _read(stores["db"], sha) == data


@pytest.mark.parametrize("kind", ["fs", "db"])
def test_clean_uploads_drops_only_old_unfinished_ones(
    server: Server, tmp_path: Path, kind: str
) -> None:
    store = _stores(server, tmp_path)[kind]
    done = _put(store, os.urandom(4000))
    old, fresh = os.urandom(4000), os.urandom(4000)
    old_sha, fresh_sha = (hashlib.sha256(d).hexdigest() for d in (old, fresh))
    store.put_chunk(old_sha, 0, old[:1000])
    store.put_chunk(fresh_sha, 0, fresh[:1000])
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    if kind == "fs":
        stamp = ten_days_ago.timestamp()
        os.utime(tmp_path / "blobs" / "partial" / old_sha, (stamp, stamp))
    else:
        with transaction(server.engine) as s:
            s.execute(
                update(BlobRow).where(BlobRow.sha256 == old_sha).values(created_at=ten_days_ago)
            )

    assert store.drop_partials(datetime.now(UTC) - timedelta(days=7)) == 1
    assert store.received(old_sha) == 0  # the counter starts that upload again from 0
    assert store.received(fresh_sha) == 1000
    assert store.exists(done)
    assert store.drop_partials(datetime.now(UTC) - timedelta(days=7)) == 0
    # Restarted from 0, the dropped upload completes normally.
    assert _put(store, old) == old_sha


def test_commands(
    sqlite_server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_server.settings.db_url
    blob_dir = str(tmp_path / "blobs")
    files = _files()
    fs = FilesystemBlobStore(Path(blob_dir))
    for data in files.values():
        _put(fs, data)
    args = ["--db-url", url, "copy-blobs", "--from", "fs", "--to", "db", "--blob-dir", blob_dir]
    assert main(args) == 0
    assert capsys.readouterr().out == f"copied={len(files)} present=0 failed=0\n"
    assert main(args) == 0
    assert capsys.readouterr().out == f"copied=0 present={len(files)} failed=0\n"
    same = ["--db-url", url, "copy-blobs", "--from", "db", "--to", "db"]
    assert main(same) == 2
    assert "same_store" in capsys.readouterr().err
    clean = ["--db-url", url, "clean-uploads", "--blob-dir", blob_dir, "--older-than-days", "1"]
    assert main(clean) == 0
    assert capsys.readouterr().out == "dropped=0\n"
