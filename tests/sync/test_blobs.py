"""Attachment files to the provincial server: chunked resumable upload, dedup by hash, exactly
once, unit-scoped download, applicant lookup; against the real server app in-process."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx
import pytest
from sync_support import Server

from motcua_desk.sync.blobs import BlobClient, BlobTransferError
from motcua_server.config import ServerSettings

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


@pytest.fixture
def server(tmp_path: Path) -> Server:
    settings = ServerSettings(
        db_url=f"sqlite:///{tmp_path / 'server.db'}", blob_dir=str(tmp_path / "blobs")
    )
    return Server(tmp_path, settings)


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
