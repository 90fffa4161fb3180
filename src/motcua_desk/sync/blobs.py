"""Client side of attachment file transfer: resumable chunked upload, download, reuse lookup.

See :mod:`motcua_desk.sync.blob_protocol`. A dropped connection raises :class:`NetworkError`
after the bytes already confirmed; the next :meth:`BlobClient.upload` asks the server how much
it holds and sends only the rest.
"""

from __future__ import annotations

import hashlib
import json
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from motcua_desk.sync import protocol as p
from motcua_desk.sync.blob_protocol import CHUNK_SIZE, SHA256_RE, UploadState
from motcua_desk.sync.errors import AuthError, NetworkError, SyncError


class BlobTransferError(SyncError):
    """The server refused a file (hash mismatch, bad request); ``data['reason']`` says why."""

    code = "blob_transfer_failed"


class BlobClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        ca_bundle: str | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        chunk_size: int = CHUNK_SIZE,
    ) -> None:
        verify: ssl.SSLContext | bool = True
        if ca_bundle:
            verify = ssl.create_default_context(cafile=ca_bundle)
        self._client = httpx.Client(
            base_url=base_url,
            headers={p.HEADER: str(p.PROTOCOL_VERSION), "Authorization": f"Bearer {token}"},
            verify=verify,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            follow_redirects=False,
        )
        self._chunk = chunk_size
        self.bytes_sent = 0  # for tests and benches: what went over the wire

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> BlobClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _request(self, method: str, url: str, **kw: Any) -> httpx.Response:
        try:
            res = self._client.request(method, url, **kw)
        except httpx.TransportError as exc:
            raise NetworkError(reason=type(exc).__name__) from exc
        if res.status_code in (401, 403):
            raise AuthError(reason="unauthorized", http_status=res.status_code)
        if res.status_code == 429 or res.status_code >= 500:
            raise NetworkError(reason="server", http_status=res.status_code)
        return res

    def state(self, sha256: str) -> UploadState:
        res = self._request("GET", f"/api/v1/blobs/{sha256}/upload")
        if res.status_code != 200:
            raise BlobTransferError(reason="state", http_status=res.status_code)
        return UploadState.from_dict(_json(res.content))

    def upload(
        self, sha256: str, path: Path, on_progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Send the part of ``path`` the server lacks; returns when the server holds it all."""
        if not SHA256_RE.match(sha256):
            raise BlobTransferError(reason="bad_hash")
        total = path.stat().st_size
        state = self.state(sha256)
        offset = 0 if state.complete else state.received
        if state.complete:
            offset = total  # held already: an empty chunk claims it for this unit
        with path.open("rb") as fh:
            while True:
                fh.seek(offset)
                data = fh.read(self._chunk) if offset < total else b""
                self.bytes_sent += len(data)
                res = self._request(
                    "PUT",
                    f"/api/v1/blobs/{sha256}/upload",
                    params={"offset": offset, "total": total},
                    content=data,
                    headers={"Content-Type": "application/octet-stream"},
                )
                body = _json(res.content)
                if res.status_code != 200:
                    try:
                        err = p.ErrorReply.from_dict(body)
                        code, detail = err.code, err.detail
                    except p.ProtocolError:
                        code, detail = "refused", {}
                    if res.status_code == 409 and isinstance(detail.get("received"), int):
                        offset = int(detail["received"])  # the server holds this much: go on
                        continue
                    raise BlobTransferError(reason=code, http_status=res.status_code)
                state = UploadState.from_dict(body)
                if on_progress is not None:
                    on_progress(state.received, total)
                if state.complete:
                    return
                offset = state.received

    def download(self, sha256: str, dest: Path) -> None:
        """Fetch a file this unit holds; checks the hash before keeping it."""
        res = self._request("GET", f"/api/v1/blobs/{sha256}")
        if res.status_code != 200:
            raise BlobTransferError(reason="download", http_status=res.status_code)
        if hashlib.sha256(res.content).hexdigest() != sha256:
            raise BlobTransferError(reason="hash_mismatch")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(res.content)

    def applicant_papers(self, id_number: str) -> list[dict[str, Any]]:
        res = self._request("GET", "/api/v1/attachments", params={"id_number": id_number})
        if res.status_code != 200:
            raise BlobTransferError(reason="lookup", http_status=res.status_code)
        body = _json(res.content)
        found = body.get("attachments") if isinstance(body, dict) else None
        return [a for a in found if isinstance(a, dict)] if isinstance(found, list) else []


def _json(raw: bytes) -> object:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
