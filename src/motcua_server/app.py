"""FastAPI application factory of the reference sync server (issue 7)."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from motcua_desk.sync import protocol as p
from motcua_server import ingest
from motcua_server.config import ServerSettings
from motcua_server.db import make_engine
from motcua_server.models import Device, Unit
from motcua_server.schema import body, reply
from motcua_server.security import AuthFailedError, RateLimitedError, RateLimiter

log = logging.getLogger(__name__)


def error(
    status: int, code: str, headers: dict[str, str] | None = None, **detail: Any
) -> JSONResponse:
    return JSONResponse(p.ErrorReply(code, detail).to_dict(), status_code=status, headers=headers)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, whatever Content-Length says."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                await error(413, "payload_too_large", limit=self.limit)(scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # disconnect: let the app see it
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await error(413, "payload_too_large", limit=self.limit)(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        buffered: list[Message] = [
            {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        ]

        async def replay() -> Message:
            return buffered.pop() if buffered else await receive()

        await self.app(scope, replay, send)


def _parse_json(raw: bytes) -> object:
    def refuse(const: str) -> None:
        raise ValueError(const)

    try:
        return json.loads(raw.decode("utf-8"), parse_constant=refuse)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise p.ProtocolError(path="$", reason="invalid_json") from exc


def create_app(settings: ServerSettings, engine: Engine | None = None) -> FastAPI:
    """Build the app; the engine comes from ``settings.db_url`` unless given."""
    eng = engine if engine is not None else make_engine(settings.db_url)
    limiter = RateLimiter(settings.enrol_rate_limit, settings.enrol_rate_window_s)
    app = FastAPI(title="motcua sync server", version=str(p.PROTOCOL_VERSION))
    app.state.engine = eng

    @app.exception_handler(p.VersionError)
    async def _version(_: Request, exc: p.VersionError) -> JSONResponse:
        detail = {
            **exc.data,
            "server_version": p.PROTOCOL_VERSION,
            "min_supported": p.MIN_SUPPORTED,
        }
        return error(426, "protocol_version", **detail)

    @app.exception_handler(p.ProtocolError)
    async def _protocol(_: Request, exc: p.ProtocolError) -> JSONResponse:
        return error(422, "invalid_request", **exc.data)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        loc = ".".join(str(x) for x in first.get("loc", ()))
        return error(422, "invalid_request", path=loc, reason=str(first.get("type", "invalid")))

    @app.exception_handler(AuthFailedError)
    async def _auth(_: Request, exc: AuthFailedError) -> JSONResponse:
        return error(401, "unauthorized", **exc.data)

    @app.exception_handler(RateLimitedError)
    async def _rate(_: Request, exc: RateLimitedError) -> JSONResponse:
        retry = str(exc.data.get("retry_after", 60))
        return error(429, "rate_limited", headers={"Retry-After": retry}, **exc.data)

    @app.exception_handler(ingest.EventIdReusedError)
    async def _reused(_: Request, exc: ingest.EventIdReusedError) -> JSONResponse:
        return error(409, "event_id_reused", **exc.data)

    @app.exception_handler(IntegrityError)
    @app.exception_handler(OperationalError)
    async def _retry(_: Request, exc: Exception) -> JSONResponse:
        log.warning("transient database error, batch rolled back: %s", type(exc).__name__)
        return error(503, "retry_later", headers={"Retry-After": "1"})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error(exc.status_code, "http_error", http_status=exc.status_code)

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("server fault, batch rolled back")
        return error(500, "server_error")

    def version(request: Request) -> None:
        p.check_version(request.headers.get(p.HEADER))

    async def device_of(request: Request) -> tuple[Device, Unit]:
        version(request)
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else None
        return await run_in_threadpool(ingest.authenticate, eng, token)

    async def json_body(request: Request) -> object:
        return _parse_json(await request.body())

    @app.get("/api/v1/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "protocol": p.PROTOCOL_VERSION, "min_supported": p.MIN_SUPPORTED}

    @app.post("/api/v1/enrol", openapi_extra=body(p.EnrolRequest), responses=reply(p.EnrolResponse))
    async def enrol(request: Request) -> JSONResponse:
        version(request)
        limiter.hit(request.client.host if request.client else "?")
        req = p.EnrolRequest.from_dict(await json_body(request))
        res = await run_in_threadpool(ingest.enrol, eng, req)
        return JSONResponse(res.to_dict())

    @app.post(
        "/api/v1/sync/push", openapi_extra=body(p.PushRequest), responses=reply(p.PushResponse)
    )
    async def push(request: Request) -> JSONResponse:
        device, unit = await device_of(request)
        req = p.PushRequest.from_dict(await json_body(request))
        if req.device_id != device.id:
            return error(403, "device_mismatch")
        res = await run_in_threadpool(ingest.push, eng, device, unit, req)
        return JSONResponse(res.to_dict())

    @app.get("/api/v1/sync/pull", responses=reply(p.PullResponse))
    async def pull(
        request: Request,
        cursor: int = Query(0, ge=0, le=2**53),
        limit: int = Query(settings.pull_default_limit, ge=1, le=p.MAX_PULL),
    ) -> JSONResponse:
        _, unit = await device_of(request)
        res = await run_in_threadpool(ingest.pull, eng, unit, cursor, limit)
        return JSONResponse(res.to_dict())

    @app.post(
        "/api/v1/codes/lease", openapi_extra=body(p.LeaseRequest), responses=reply(p.LeaseResponse)
    )
    async def lease(request: Request) -> JSONResponse:
        device, _ = await device_of(request)
        req = p.LeaseRequest.from_dict(await json_body(request))
        res = await run_in_threadpool(ingest.lease, eng, device, req)
        return JSONResponse(res.to_dict())

    from pathlib import Path

    from motcua_server.blobs import FilesystemBlobStorage, blob_router

    app.include_router(blob_router(eng, FilesystemBlobStorage(Path(settings.blob_dir)), device_of))
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    return app
