"""Attachment files to the provincial server: chunked resumable upload, dedup by hash, exactly
once, unit-scoped download, applicant lookup; against the real server app in-process."""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sync_support import Server, enrol_over_http, free_port, start_server_process

sys.path.insert(0, str(Path(__file__).parents[1] / "server"))
from live_support import PG_ENV, reset_pg  # noqa: E402

from motcua_desk.sync.blobs import BlobClient, BlobTransferError  # noqa: E402
from motcua_server.blobstore import make_blob_store  # noqa: E402
from motcua_server.config import ServerSettings  # noqa: E402
from motcua_server.db import make_engine, upgrade  # noqa: E402

CHUNK = 256 * 1024


class Drops(httpx.BaseTransport):
    """Drops the connection on chosen upload chunks: before the server saw it, or after."""

    def __init__(self, inner: httpx.BaseTransport, drop_before: set[int], drop_after: set[int]):
        self.inner, self.before, self.after = inner, drop_before, drop_after
        self.puts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            self.puts += 1
            if self.puts in self.before:
                raise httpx.WriteError("injected: connection dropped", request=request)
            if self.puts in self.after:
                res = self.inner.handle_request(request)
                res.read()
                raise httpx.ReadError("injected: reply lost", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def settings_for(db: str, store: str, tmp_path: Path) -> ServerSettings:
    """The server on each database and each blob store (PostgreSQL when it is running)."""
    url = f"sqlite:///{tmp_path / 'server.db'}"
    if db == "postgres":
        url = os.environ.get(PG_ENV, "")
        if not url:
            if os.environ.get("CI") == "true":
                pytest.fail(f"{PG_ENV} is required in CI")
            pytest.skip(f"{PG_ENV} not set (run scripts/start_postgres.sh)")
        reset_pg(url)
    return ServerSettings(db_url=url, blob_dir=str(tmp_path / "blobs"), blob_store=store)


BACKENDS = [
    pytest.param(("sqlite", "fs"), id="sqlite-fs"),
    pytest.param(("sqlite", "db"), id="sqlite-db"),
    pytest.param(("postgres", "fs"), id="postgres-fs", marks=pytest.mark.postgres),
    pytest.param(("postgres", "db"), id="postgres-db", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    db, store = request.param
    srv = Server(tmp_path, settings_for(db, store, tmp_path))
    yield srv
    srv.engine.dispose()


def client(server: Server, token: str, transport: httpx.BaseTransport | None = None) -> BlobClient:
    return BlobClient(
        "http://test", token, transport=transport or server.transport(), chunk_size=CHUNK
    )


def make_file(tmp_path: Path, size: int, name: str = "giấy tờ.pdf") -> tuple[Path, str]:
    data = os.urandom(size)
    path = tmp_path / name
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


def test_upload_resumes_after_drops_without_resending(server: Server, tmp_path: Path) -> None:
    a1 = server.enrol("000.00.06.H56", "Quầy 1")
    path, sha = make_file(tmp_path, 5 * CHUNK + 1000)
    flaky = Drops(server.transport(), drop_before={2}, drop_after={4})
    c = client(server, a1.token, flaky)
    sent = 0
    for _ in range(5):
        try:
            c.upload(sha, path)
            break
        except Exception as exc:  # NetworkError: the next call resumes
            assert getattr(exc, "code", "") == "sync_network"
        finally:
            sent += c.bytes_sent
            c.bytes_sent = 0
    size = path.stat().st_size
    # Each drop costs at most the chunk in flight.
    assert size <= sent <= size + 2 * CHUNK
    assert c.state(sha).complete
    with client(server, a1.token) as again:
        again.upload(sha, path)  # exactly once: nothing more is sent
        assert again.bytes_sent == 0
    out = tmp_path / "down.pdf"
    a2 = server.enrol("000.00.06.H56", "Quầy 2")
    with client(server, a2.token) as other_counter:
        other_counter.download(sha, out)
    assert out.read_bytes() == path.read_bytes()


def test_download_is_scoped_to_the_unit_and_dedup_claims(server: Server, tmp_path: Path) -> None:
    a = server.enrol("000.00.06.H56")
    b = server.enrol("000.00.07.H56")
    path, sha = make_file(tmp_path, 3000)
    with client(server, a.token) as ca:
        ca.upload(sha, path)
    with client(server, b.token) as cb:
        with pytest.raises(BlobTransferError) as err:
            cb.download(sha, tmp_path / "x")
        assert err.value.data["http_status"] == 404
        cb.upload(sha, path)  # held already: claimed for unit B without sending bytes
        assert cb.bytes_sent == 0
        cb.download(sha, tmp_path / "y")
    assert (tmp_path / "y").read_bytes() == path.read_bytes()


def test_wrong_content_is_refused_and_discarded(server: Server, tmp_path: Path) -> None:
    a = server.enrol("000.00.06.H56")
    path, _ = make_file(tmp_path, 1000)
    fake = hashlib.sha256(b"something else").hexdigest()
    with client(server, a.token) as c:
        with pytest.raises(BlobTransferError) as err:
            c.upload(fake, path)
        assert err.value.data["reason"] == "hash_mismatch"
        assert c.state(fake).received == 0
        with pytest.raises(BlobTransferError):
            c.upload("../../etc/passwd", path)


def test_requests_need_a_device_token(server: Server, tmp_path: Path) -> None:
    path, sha = make_file(tmp_path, 10)
    with client(server, "not-a-token") as c:
        with pytest.raises(Exception) as err:
            c.upload(sha, path)
        assert getattr(err.value, "code", "") == "sync_auth"


def test_an_upload_resumes_on_another_worker(server: Server, tmp_path: Path) -> None:
    """Upload state lives in the store, not in a process: a second app on the same database
    and folder (another worker) continues where the first one stopped."""
    dev = server.enrol("000.00.06.H56")
    path, sha = make_file(tmp_path, 3 * CHUNK + 17)
    c1 = client(server, dev.token, Drops(server.transport(), drop_before={3}, drop_after=set()))
    with pytest.raises(Exception) as err:
        c1.upload(sha, path)
    assert getattr(err.value, "code", "") == "sync_network"
    assert c1.bytes_sent == 3 * CHUNK  # two chunks held, the third lost on the way
    worker2 = Server(tmp_path / "w2", server.settings)
    try:
        assert worker2.settings.blob_dir == server.settings.blob_dir
        with client(worker2, dev.token) as c2:
            assert c2.state(sha).received == 2 * CHUNK
            c2.upload(sha, path)
            assert c2.bytes_sent == CHUNK + 17
            c2.download(sha, tmp_path / "back.pdf")
        assert (tmp_path / "back.pdf").read_bytes() == path.read_bytes()
    finally:
        worker2.engine.dispose()


def test_the_store_port_contract(server: Server) -> None:
    """Each adapter: chunks only at the held offset, nothing appended once complete, a wrong
    hash drops the partial bytes, reads return exactly what was checked."""
    store = make_blob_store(server.settings.blob_store, server.settings.blob_dir, server.engine)
    data = os.urandom(70_000)
    sha = hashlib.sha256(data).hexdigest()
    assert (store.exists(sha), store.size(sha), store.received(sha)) == (False, None, 0)
    assert store.put_chunk(sha, 5, data[:10]) == 0  # not where the file stands: refused
    assert store.put_chunk(sha, 0, data[:30_000]) == 30_000
    assert store.put_chunk(sha, 0, data[:30_000]) == 30_000  # a replay adds nothing
    assert store.put_chunk(sha, 30_001, data[30_001:]) == 30_000
    assert store.put_chunk(sha, 30_000, data[30_000:]) == 70_000
    assert not store.exists(sha) and store.received(sha) == 70_000
    assert store.finalize(sha) and store.finalize(sha)
    assert (store.exists(sha), store.size(sha), store.received(sha)) == (True, 70_000, 70_000)
    assert store.put_chunk(sha, 70_000, b"more") == 70_000  # complete: never grows
    assert b"".join(store.open(sha)) == data

    wrong = hashlib.sha256(b"other").hexdigest()
    assert store.put_chunk(wrong, 0, data[:1000]) == 1000
    assert not store.finalize(wrong)
    assert (store.exists(wrong), store.received(wrong)) == (False, 0)
    with pytest.raises(FileNotFoundError):
        b"".join(store.open(wrong))


def test_racing_chunks_are_appended_once(server: Server) -> None:
    """Several requests (threads here, worker processes in production) sending the same chunk
    at the same time: the file holds it once."""
    store = make_blob_store(server.settings.blob_store, server.settings.blob_dir, server.engine)
    data = os.urandom(2 * 200_000)
    sha = hashlib.sha256(data).hexdigest()
    barrier = threading.Barrier(6)

    def send(offset: int) -> int:
        barrier.wait()
        return store.put_chunk(sha, offset, data[offset : offset + 200_000])

    with ThreadPoolExecutor(6) as pool:
        assert set(pool.map(send, [0] * 6)) == {200_000}
    with ThreadPoolExecutor(6) as pool:
        assert set(pool.map(send, [200_000] * 6)) == {400_000}
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: store.finalize(sha), range(4))) == [True] * 4
    assert b"".join(store.open(sha)) == data


@pytest.mark.parametrize(
    "backend",
    [
        pytest.param(("sqlite", "fs"), id="sqlite-fs"),
        pytest.param(("sqlite", "db"), id="sqlite-db"),
        pytest.param(("postgres", "db"), id="postgres-db", marks=pytest.mark.postgres),
    ],
)
def test_two_server_processes_share_one_upload(backend: tuple[str, str], tmp_path: Path) -> None:
    """``serve --blob-store …`` in two real processes on one database (and folder): an upload
    started on one continues on the other, and the file is where the option says."""
    settings = settings_for(*backend, tmp_path)
    engine = make_engine(settings.db_url)
    upgrade(engine)
    opts = ["--blob-store", settings.blob_store, "--blob-dir", settings.blob_dir]
    ports = [free_port(), free_port()]
    procs = [start_server_process(settings.db_url, port, extra=opts) for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        dev = enrol_over_http(engine, urls[0], "000.00.06.H56", "Quầy 1")
        path, sha = make_file(tmp_path, 2 * CHUNK + 99)
        first = BlobClient(
            urls[0],
            dev.token,
            transport=Drops(httpx.HTTPTransport(), drop_before={3}, drop_after=set()),
            chunk_size=CHUNK,
        )
        with pytest.raises(Exception) as err:
            first.upload(sha, path)
        assert getattr(err.value, "code", "") == "sync_network"
        first.close()
        with BlobClient(urls[1], dev.token, chunk_size=CHUNK) as second:
            assert second.state(sha).received == 2 * CHUNK
            second.upload(sha, path)
            assert second.bytes_sent == 99
            second.download(sha, tmp_path / "back.pdf")
        assert (tmp_path / "back.pdf").read_bytes() == path.read_bytes()
        on_disk = Path(settings.blob_dir) / sha[:2] / sha[2:4] / sha
        with engine.connect() as conn:
            in_db = conn.execute(text("SELECT complete FROM blobs WHERE sha256 = :s"), {"s": sha})
            row = in_db.first()
        if settings.blob_store == "db":
            assert row is not None and bool(row[0]) and not on_disk.exists()
        else:
            assert row is None and on_disk.read_bytes() == path.read_bytes()
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        engine.dispose()
