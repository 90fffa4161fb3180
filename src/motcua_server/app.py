"""FastAPI application factory of the reference sync server (issue 7)."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import traceback
from datetime import timedelta
from typing import Any

import anyio
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from motcua_desk.sync import protocol as p
from motcua_desk.sync.held import HELD_PATH, HeldRequest, HeldResponse
from motcua_server import devices, ingest
from motcua_server.config import ServerSettings
from motcua_server.db import make_engine
from motcua_server.devices import ROTATE_HEADER, Authenticated
from motcua_server.held import held as held_events
from motcua_server.schema import BEARER, operation, reply
from motcua_server.security import (
    AuthFailedError,
    RateLimitedError,
    RateLimiter,
    client_address,
    parse_networks,
)

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
                # The client went away mid-request: nothing to answer, nothing went wrong here.
                log.info("client disconnected before its request was read")
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


def log_fault(exc: BaseException) -> None:
    """Log a server fault by its type and code locations only.

    Exception messages are left out: they can quote data (a database error carries the SQL
    parameters, i.e. a citizen's name). The full exception goes to DEBUG.
    """
    stack = traceback.extract_tb(exc.__traceback__)
    where = "; ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in stack[-8:])
    log.error("server fault %s, request rolled back (at %s)", type(exc).__name__, where)
    log.debug("server fault detail", exc_info=exc)


class SyncServerApp(FastAPI):
    """FastAPI that logs a crash itself, safely, instead of handing it to the ASGI server.

    Starlette answers a crash with the 500 handler and then re-raises it so the server can log
    it; uvicorn would log the message and the full traceback. It stops here.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except ClientDisconnect:
            log.info("client disconnected before the reply was sent")
        except Exception as exc:  # already answered with 500 by the handler
            log_fault(exc)


def _parse_json(raw: bytes) -> object:
    def refuse(const: str) -> None:
        raise ValueError(const)

    def number(text: str) -> float | int:
        # JSON has one number type: ``5.0`` is the integer 5 (as JSON Schema's "integer" says).
        value = float(text)
        if not math.isfinite(value):  # 1e400
            raise ValueError(text)
        return int(value) if value.is_integer() and abs(value) <= 2**53 else value

    try:
        return json.loads(raw.decode("utf-8"), parse_constant=refuse, parse_float=number)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise p.ProtocolError(path="$", reason="invalid_json") from exc


def create_app(settings: ServerSettings, engine: Engine | None = None) -> FastAPI:
    """Build the app; the engine comes from ``settings.db_url`` unless given."""
    eng = (
        engine
        if engine is not None
        else make_engine(settings.db_url, settings.db_pool_size, settings.db_pre_ping)
    )
    push_slots = asyncio.Semaphore(max(1, settings.push_concurrency))
    # Parsing and validating pushes is pure CPU: a few threads keep the cores busy, while more
    # would only queue ahead of pulls and leases for the shared worker threads and the GIL.
    parse_slots = anyio.CapacityLimiter(max(1, settings.parse_concurrency))
    limiter = RateLimiter(eng, settings.enrol_rate_limit, settings.enrol_rate_window_s)
    proxies = parse_networks(settings.trusted_proxies)
    max_age = timedelta(days=settings.token_max_age_days)
    app = SyncServerApp(title="motcua sync server", version=str(p.PROTOCOL_VERSION))
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
        return error(500, "server_error")  # logged by SyncServerApp (log_fault)

    def version(request: Request) -> None:
        p.check_version(request.headers.get(p.HEADER))

    def token_of(request: Request) -> str | None:
        version(request)
        auth = request.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None

    def authenticate(token: str | None) -> Authenticated:
        return devices.authenticate(eng, token, max_age)

    async def device_of(request: Request) -> Authenticated:
        return await run_in_threadpool(authenticate, token_of(request))

    def answer(who: Authenticated, content: dict[str, Any]) -> JSONResponse:
        headers = {ROTATE_HEADER: "due"} if who.rotation_due else None
        return JSONResponse(content, headers=headers)

    async def json_body(request: Request) -> object:
        return _parse_json(await request.body())

    @app.get("/api/v1/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "protocol": p.PROTOCOL_VERSION, "min_supported": p.MIN_SUPPORTED}

    @app.post(
        "/api/v1/enrol",
        openapi_extra=operation(auth=False, request=p.EnrolRequest),
        responses=reply(p.EnrolResponse, 401, 413, 422, 429),
    )
    async def enrol(request: Request) -> JSONResponse:
        version(request)
        peer = request.client.host if request.client else None
        key = "enrol:" + client_address(peer, request.headers.get("x-forwarded-for"), proxies)
        await run_in_threadpool(limiter.check, key)
        req = p.EnrolRequest.from_dict(await json_body(request))
        try:
            res = await run_in_threadpool(ingest.enrol, eng, req)
        except AuthFailedError:
            await run_in_threadpool(limiter.fail, key)  # only failures count
            raise
        return JSONResponse(res.to_dict())

    @app.post(
        "/api/v1/sync/push",
        openapi_extra=operation(auth=True, request=p.PushRequest),
        responses=reply(p.PushResponse, 401, 403, 409, 413, 422, rotate=True),
    )
    async def push(request: Request) -> JSONResponse:
        token = token_of(request)
        raw = await request.body()  # already buffered by BodyLimit, whoever sent it

        def parse() -> tuple[Authenticated, p.PushRequest, list[ingest.Prepared] | None]:
            """The device, the request, and what ingest decides without the database (``None``
            when the request is not the device's own)."""
            who = authenticate(token)
            req = p.PushRequest.from_dict(_parse_json(raw))
            return who, req, ingest.prepare(req) if req.device_id == who.device.id else None

        # Authentication, parsing, validation and hashing: one trip to a worker thread, before
        # the bounded part (each trip costs the event loop; issue 17).
        who, req, prepared = await anyio.to_thread.run_sync(parse, limiter=parse_slots)
        if prepared is None:
            return error(403, "device_mismatch")
        async with push_slots:
            res = await run_in_threadpool(ingest.push, eng, who.device, who.unit, req, prepared)
        return answer(who, res.to_dict())

    @app.get(
        "/api/v1/sync/pull",
        openapi_extra=operation(auth=True),
        responses=reply(p.PullResponse, 401, 422, rotate=True),
    )
    async def pull(
        request: Request,
        cursor: int = Query(0, ge=0, le=p.MAX_SEQ),  # the change log's 32-bit ids
        limit: int = Query(settings.pull_default_limit, ge=1, le=p.MAX_PULL),
    ) -> JSONResponse:
        token = token_of(request)

        def read() -> tuple[Authenticated, dict[str, Any]]:
            who = authenticate(token)
            return who, ingest.pull(eng, who.unit, cursor, limit).to_dict()

        who, res = await run_in_threadpool(read)  # one trip to a worker thread
        return answer(who, res)

    @app.post(
        HELD_PATH,
        openapi_extra=operation(auth=True, request=HeldRequest),
        responses=reply(HeldResponse, 401, 413, 422, rotate=True),
    )
    async def held(request: Request) -> JSONResponse:
        """Which of the device's events the server holds: a restore from backup shows here."""
        who = await device_of(request)
        req = HeldRequest.from_dict(await json_body(request))
        res = await run_in_threadpool(held_events, eng, who.unit, req)
        return answer(who, res.to_dict())

    @app.post(
        "/api/v1/codes/lease",
        openapi_extra=operation(auth=True, request=p.LeaseRequest),
        responses=reply(p.LeaseResponse, 401, 413, 422, rotate=True),
    )
    async def lease(request: Request) -> JSONResponse:
        who = await device_of(request)
        req = p.LeaseRequest.from_dict(await json_body(request))
        res = await run_in_threadpool(ingest.lease, eng, who.device, req)
        return answer(who, res.to_dict())

    @app.post(
        "/api/v1/device/token",
        openapi_extra=operation(auth=True),
        responses=reply(p.TokenResponse, 401, 413),
    )
    async def rotate_token(request: Request) -> JSONResponse:
        who = await device_of(request)
        res = await run_in_threadpool(devices.rotate, eng, who.device.id, who.token_hash)
        return JSONResponse(res.to_dict())

    @app.put(
        "/api/v1/device/offline-key",
        openapi_extra=operation(auth=True, request=p.OfflineKeyRequest),
        responses=reply(p.OfflineKeyRequest, 401, 413, 422, rotate=True),
    )
    async def offline_key(request: Request) -> JSONResponse:
        who = await device_of(request)
        req = p.OfflineKeyRequest.from_dict(await json_body(request))
        await run_in_threadpool(devices.register_offline_key, eng, who.device.id, req)
        return answer(who, req.to_dict())

    from motcua_server.blobs import blob_router
    from motcua_server.blobstore import make_blob_store

    store = make_blob_store(settings.blob_store, settings.blob_dir, eng)
    app.include_router(blob_router(eng, store, device_of))
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            schema.setdefault("components", {})["securitySchemes"] = BEARER
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def uvicorn_config(app: ASGIApp | str, host: str, port: int, **kw: Any) -> Any:
    """How ``serve`` runs the app. uvicorn's own X-Forwarded-For handling is off (it trusts
    127.0.0.1 by default): the app decides whose header to believe (``trusted_proxies``)."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, proxy_headers=False, log_level="warning", **kw)


def serve_workers(settings: ServerSettings, host: str, port: int, workers: int, **kw: Any) -> None:
    """Run ``workers`` uvicorn worker processes on one port, each building the app from
    ``settings`` (passed through the environment, see ``motcua_server.asgi``)."""
    import os

    from uvicorn.supervisors import Multiprocess

    from motcua_server.asgi import SETTINGS_ENV, settings_to_env

    os.environ[SETTINGS_ENV] = settings_to_env(settings)
    config = uvicorn_config(
        "motcua_server.asgi:app_from_env", host, port, factory=True, workers=workers, **kw
    )
    sock = config.bind_socket()
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
