"""Attachment files on the server (issue 15): the upload/download endpoints (protocol in
``motcua_desk.sync.blob_protocol``) over the storage port of ``motcua_server.blobstore``.

Uploads resume: a partial file grows only by whole chunks at the exact offset it holds. A file
completes when it holds the announced size and its SHA-256 matches its name; it is then kept once
for every unit. ``blob_owners`` says which units hold it: only their devices may download it.
These rules live here, so they are the same whichever store holds the bytes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from motcua_desk.sync import protocol as p
from motcua_desk.sync.blob_protocol import MAX_BLOB, SHA256_RE, UploadState
from motcua_server import papers
from motcua_server.blobstore import BlobStore
from motcua_server.db import reading
from motcua_server.models import BlobOwner, Device, Unit
from motcua_server.schema import (
    BLOB_CONTENT,
    BLOB_MEDIA_TYPE,
    BLOB_TEXT,
    PAPERS_CONTENT,
    operation,
    reply,
)

DeviceOf = Callable[[Request], Awaitable[Any]]  # -> devices.Authenticated (.device, .unit)


async def _who(device_of: DeviceOf, request: Request) -> tuple[Device, Unit]:
    who = await device_of(request)
    if isinstance(who, tuple):
        return who[0], who[1]
    return who.device, who.unit


def _own(engine: Engine, unit: Unit, device: Device, sha: str, size: int) -> None:
    try:
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
    except IntegrityError:
        # Claimed at the same moment by another request of the unit (another worker): held.
        if not _owned(engine, unit, sha):
            raise


def _owned(engine: Engine, unit: Unit, sha: str) -> bool:
    with reading(engine) as s:
        return s.get(BlobOwner, (unit.id, sha)) is not None


def blob_router(engine: Engine, storage: BlobStore, device_of: DeviceOf) -> APIRouter:
    """The four attachment endpoints; described in the OpenAPI document (``schema.py``)."""
    router = APIRouter()
    sha_path = Path(pattern=SHA256_RE.pattern, min_length=64, max_length=64)

    def bad(status: int, code: str, **detail: Any) -> JSONResponse:
        return JSONResponse(p.ErrorReply(code, detail).to_dict(), status_code=status)

    def unknown_query(request: Request, *known: str) -> JSONResponse | None:
        """A query parameter these endpoints do not know is refused, as the schema says."""
        extra = sorted(set(request.query_params) - set(known))
        return bad(422, "invalid_request", path=f"query.{extra[0]}") if extra else None

    @router.get(
        "/api/v1/blobs/{sha}/upload",
        openapi_extra=operation(auth=True),
        responses=reply(UploadState, 401, 404, 422, texts=BLOB_TEXT),
    )
    async def upload_state(request: Request, sha: str = sha_path) -> JSONResponse:
        await _who(device_of, request)
        if (refused := unknown_query(request)) is not None:
            return refused
        received = await run_in_threadpool(storage.received, sha)
        complete = await run_in_threadpool(storage.exists, sha)
        return JSONResponse(UploadState(received, complete).to_dict())

    @router.put(
        "/api/v1/blobs/{sha}/upload",
        openapi_extra=operation(auth=True, raw_body=True),
        responses=reply(UploadState, 401, 404, 409, 413, 422, texts=BLOB_TEXT),
    )
    async def upload_chunk(
        request: Request,
        sha: str = sha_path,
        offset: int = Query(ge=0, le=MAX_BLOB),
        total: int = Query(ge=1, le=MAX_BLOB),
    ) -> JSONResponse:
        device, unit = await _who(device_of, request)
        if (refused := unknown_query(request, "offset", "total")) is not None:
            return refused
        data = await request.body()
        held_size = await run_in_threadpool(storage.size, sha)
        if held_size is not None:
            # Deduplicated: held already (from this unit or another); nothing more is read.
            await run_in_threadpool(_own, engine, unit, device, sha, held_size)
            return JSONResponse(UploadState(held_size, True).to_dict())
        if offset + len(data) > total:
            return bad(422, "invalid_request", path="offset")
        held = await run_in_threadpool(storage.put_chunk, sha, offset, data)
        if held != offset + len(data):
            return bad(409, "offset_mismatch", received=held)
        if held < total:
            return JSONResponse(UploadState(held, False).to_dict())
        if not await run_in_threadpool(storage.finalize, sha):
            return bad(422, "hash_mismatch", path="sha256")
        await run_in_threadpool(_own, engine, unit, device, sha, total)
        return JSONResponse(UploadState(total, True).to_dict())

    @router.get(
        "/api/v1/blobs/{sha}",
        response_class=Response,
        openapi_extra=operation(auth=True),
        responses=reply(BLOB_CONTENT, 401, 404, 422, texts=BLOB_TEXT),
    )
    async def download(request: Request, sha: str = sha_path) -> Response:
        _, unit = await _who(device_of, request)
        if (refused := unknown_query(request)) is not None:
            return refused
        size = await run_in_threadpool(storage.size, sha)
        if size is None or not await run_in_threadpool(_owned, engine, unit, sha):
            return bad(404, "not_found")  # another unit's file: as if it did not exist
        return StreamingResponse(
            storage.open(sha),  # sync iterator: Starlette reads it in a worker thread
            media_type=BLOB_MEDIA_TYPE,
            headers={"Content-Length": str(size)},
        )

    @router.get(
        "/api/v1/attachments",
        openapi_extra=operation(auth=True),
        responses=reply(PAPERS_CONTENT, 401, 422, texts=BLOB_TEXT),
    )
    async def applicant_papers(
        request: Request,
        id_number: str = Query(min_length=9, max_length=12, pattern=r"^[0-9]+$"),
    ) -> JSONResponse:
        _, unit = await _who(device_of, request)
        if (refused := unknown_query(request, "id_number")) is not None:
            return refused
        found = await run_in_threadpool(papers.lookup, engine, unit.id, id_number)
        return JSONResponse({"attachments": found})

    return router
