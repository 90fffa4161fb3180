"""Attachment files on the server (issue 15): a storage port, its filesystem adapter, and the
upload/download endpoints (protocol in ``motcua_desk.sync.blob_protocol``).

Uploads resume: a partial file grows only by whole chunks at the exact offset it holds. A file
completes when it holds the announced size and its SHA-256 matches its name; it is then kept once
for every unit. ``blob_owners`` says which units hold it: only their devices may download it.
PostgreSQL large objects or an object store can replace :class:`FilesystemBlobStorage` behind
:class:`BlobStorage` (the scale issue).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from motcua_desk.sync import protocol as p
from motcua_desk.sync.blob_protocol import MAX_BLOB, SHA256_RE, UploadState
from motcua_server.models import BlobOwner, Device, EventRow, Unit


class BlobStorage(Protocol):
    def received(self, sha256: str) -> int: ...
    def complete(self, sha256: str) -> bool: ...
    def append(self, sha256: str, offset: int, data: bytes) -> int: ...
    def finish(self, sha256: str) -> bool: ...
    def discard(self, sha256: str) -> None: ...
    def read(self, sha256: str) -> Iterator[bytes]: ...


class FilesystemBlobStorage:
    """``<root>/aa/bb/<sha>`` when complete, ``<root>/partial/<sha>`` while uploading."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _final(self, sha: str) -> Path:
        return self.root / sha[:2] / sha[2:4] / sha

    def _partial(self, sha: str) -> Path:
        return self.root / "partial" / sha

    def complete(self, sha256: str) -> bool:
        return self._final(sha256).is_file()

    def received(self, sha256: str) -> int:
        if self.complete(sha256):
            return self._final(sha256).stat().st_size
        part = self._partial(sha256)
        return part.stat().st_size if part.is_file() else 0

    def append(self, sha256: str, offset: int, data: bytes) -> int:
        part = self._partial(sha256)
        part.parent.mkdir(parents=True, exist_ok=True)
        with part.open("ab") as fh:
            # Two worker processes may receive the same chunk (a retry): one appends it.
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0, os.SEEK_END)
            if fh.tell() != offset:
                return fh.tell()
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            return fh.tell()

    def finish(self, sha256: str) -> bool:
        part = self._partial(sha256)
        h = hashlib.sha256()
        try:
            fh = part.open("rb")
        except FileNotFoundError:
            return self.complete(sha256)  # another worker finished it just now
        with fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        if h.hexdigest() != sha256:
            part.unlink()
            return False
        final = self._final(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(part, final)
        except FileNotFoundError:
            return self.complete(sha256)  # another worker moved it first
        return True

    def discard(self, sha256: str) -> None:
        self._partial(sha256).unlink(missing_ok=True)

    def read(self, sha256: str) -> Iterator[bytes]:
        with self._final(sha256).open("rb") as fh:
            yield from iter(lambda: fh.read(1 << 20), b"")


DeviceOf = Callable[[Request], Awaitable[Any]]  # -> devices.Authenticated (.device, .unit)


async def _who(device_of: DeviceOf, request: Request) -> tuple[Device, Unit]:
    who = await device_of(request)
    if isinstance(who, tuple):
        return who[0], who[1]
    return who.device, who.unit


def _own(engine: Engine, unit: Unit, device: Device, sha: str, size: int) -> None:
    with Session(engine) as s, s.begin():
        if s.get(BlobOwner, (unit.id, sha)) is None:
            s.add(
                BlobOwner(
                    unit_id=unit.id,
                    sha256=sha,
                    size=size,
                    device_id=device.id,
                    created_at=datetime.now(UTC),
                )
            )


def _owned(engine: Engine, unit: Unit, sha: str) -> bool:
    with Session(engine) as s:
        return s.get(BlobOwner, (unit.id, sha)) is not None


def _applicant_papers(engine: Engine, unit: Unit, id_number: str) -> list[dict[str, Any]]:
    """The unit's digitised papers of one applicant, newest event per attachment."""
    with Session(engine) as s:
        rows = s.scalars(
            select(EventRow)
            .where(EventRow.unit_id == unit.id, EventRow.kind == "attachment.put")
            .order_by(EventRow.received_at)
        )
        latest: dict[str, dict[str, Any]] = {}
        for r in rows:
            payload = r.payload if isinstance(r.payload, dict) else {}
            if payload.get("applicant_id_number") == id_number and payload.get("sha256"):
                latest[r.aggregate_id] = payload
        removed = set(
            s.scalars(
                select(EventRow.aggregate_id).where(
                    EventRow.unit_id == unit.id, EventRow.kind == "attachment.removed"
                )
            )
        )
        owned = {o.sha256 for o in s.scalars(select(BlobOwner).where(BlobOwner.unit_id == unit.id))}
    return [v for k, v in latest.items() if k not in removed and v.get("sha256") in owned]


def blob_router(engine: Engine, storage: BlobStorage, device_of: DeviceOf) -> APIRouter:
    # Not in the OpenAPI document yet (raw-byte bodies; the schema fuzz covers the JSON API):
    # the endpoints are described in docs/sync-protocol.md, "Attachment files".
    router = APIRouter(include_in_schema=False)

    def bad(status: int, code: str, **detail: Any) -> JSONResponse:
        return JSONResponse(p.ErrorReply(code, detail).to_dict(), status_code=status)

    def check(sha: str) -> JSONResponse | None:
        return None if SHA256_RE.match(sha) else bad(422, "invalid_request", path="sha256")

    @router.get("/api/v1/blobs/{sha}/upload")
    async def upload_state(sha: str, request: Request) -> JSONResponse:
        await _who(device_of, request)
        if (refused := check(sha)) is not None:
            return refused
        received = await run_in_threadpool(storage.received, sha)
        complete = await run_in_threadpool(storage.complete, sha)
        return JSONResponse(UploadState(received, complete).to_dict())

    @router.put("/api/v1/blobs/{sha}/upload")
    async def upload_chunk(
        sha: str,
        request: Request,
        offset: int = Query(ge=0, le=MAX_BLOB),
        total: int = Query(ge=1, le=MAX_BLOB),
    ) -> JSONResponse:
        device, unit = await _who(device_of, request)
        if (refused := check(sha)) is not None:
            return refused
        data = await request.body()
        if await run_in_threadpool(storage.complete, sha):
            # Deduplicated: held already (from this unit or another); nothing more is read.
            await run_in_threadpool(_own, engine, unit, device, sha, total)
            return JSONResponse(UploadState(total, True).to_dict())
        if offset + len(data) > total:
            return bad(422, "invalid_request", path="offset")
        held = await run_in_threadpool(storage.append, sha, offset, data)
        if held != offset + len(data):
            return bad(409, "offset_mismatch", received=held)
        if held < total:
            return JSONResponse(UploadState(held, False).to_dict())
        if not await run_in_threadpool(storage.finish, sha):
            return bad(422, "hash_mismatch", path="sha256")
        await run_in_threadpool(_own, engine, unit, device, sha, total)
        return JSONResponse(UploadState(total, True).to_dict())

    @router.get("/api/v1/blobs/{sha}")
    async def download(sha: str, request: Request) -> Response:
        _, unit = await _who(device_of, request)
        if (refused := check(sha)) is not None:
            return refused
        if not await run_in_threadpool(_owned, engine, unit, sha):
            return bad(404, "not_found")  # another unit's file: as if it did not exist
        data = b"".join(await run_in_threadpool(lambda: list(storage.read(sha))))
        return Response(data, media_type="application/pdf")

    @router.get("/api/v1/attachments")
    async def applicant_papers(
        request: Request, id_number: str = Query(min_length=9, max_length=12, pattern=r"^\d+$")
    ) -> JSONResponse:
        _, unit = await _who(device_of, request)
        found = await run_in_threadpool(_applicant_papers, engine, unit, id_number)
        return JSONResponse({"attachments": found})

    return router
