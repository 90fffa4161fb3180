"""HTTP transport of the sync client (httpx, timeouts, configurable CA bundle)."""

from __future__ import annotations

import json
import logging
import ssl
from typing import Any

import httpx

from motcua_desk.sync import protocol as p
from motcua_desk.sync.errors import AuthError, ConflictError, NetworkError, SyncError
from motcua_desk.sync.held import HELD_PATH, HeldRequest, HeldResponse

log = logging.getLogger(__name__)

MAX_REPLY_BYTES = 16 * 1024 * 1024


class HttpTransport:
    """Talks to ``base_url`` with a device token; every failure becomes a typed error."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        ca_bundle: str | None = None,
        timeout: float = 15.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        verify: ssl.SSLContext | bool = True
        if ca_bundle:
            try:
                verify = ssl.create_default_context(cafile=ca_bundle)
            except (OSError, ssl.SSLError) as exc:
                raise SyncError("sync_ca_bundle", path=ca_bundle) from exc
        headers = {p.HEADER: str(p.PROTOCOL_VERSION)}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=base_url,
            headers=headers,
            verify=verify,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            follow_redirects=False,
        )
        #: Set when a reply asked this device to rotate its token (``p.ROTATE_HEADER``).
        self.rotation_due = False

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------------ calls

    def enrol(self, req: p.EnrolRequest) -> p.EnrolResponse:
        return p.EnrolResponse.from_dict(self._call("POST", "/api/v1/enrol", req.to_dict()))

    def push(self, req: p.PushRequest) -> p.PushResponse:
        return p.PushResponse.from_dict(self._call("POST", "/api/v1/sync/push", req.to_dict()))

    def pull(self, cursor: int, limit: int) -> p.PullResponse:
        params = {"cursor": cursor, "limit": limit}
        return p.PullResponse.from_dict(self._call("GET", "/api/v1/sync/pull", None, params))

    def lease(self, req: p.LeaseRequest) -> p.LeaseResponse:
        return p.LeaseResponse.from_dict(self._call("POST", "/api/v1/codes/lease", req.to_dict()))

    def held(self, req: HeldRequest) -> HeldResponse:
        return HeldResponse.from_dict(self._call("POST", HELD_PATH, req.to_dict()), asked=req)

    def rotate_token(self) -> p.TokenResponse:
        """Ask for a new token; later calls of this transport use it."""
        res = p.TokenResponse.from_dict(self._call("POST", "/api/v1/device/token"))
        self._client.headers["Authorization"] = f"Bearer {res.token}"
        self.rotation_due = False
        return res

    def register_offline_key(self, req: p.OfflineKeyRequest) -> None:
        p.OfflineKeyRequest.from_dict(
            self._call("PUT", "/api/v1/device/offline-key", req.to_dict())
        )

    def health(self) -> dict[str, Any]:
        body = self._call("GET", "/api/v1/health")
        if not isinstance(body, dict):
            raise p.ProtocolError(path="$", reason="not_object")
        return body

    # ------------------------------------------------------------------ plumbing

    def _call(
        self,
        method: str,
        url: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> object:
        try:
            content = None if body is None else json.dumps(body, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json"} if content is not None else None
            res = self._client.request(method, url, content=content, params=params, headers=headers)
        except httpx.TransportError as exc:  # connect, read, write, timeouts, protocol errors
            raise NetworkError(reason=type(exc).__name__) from exc
        if len(res.content) > MAX_REPLY_BYTES:
            raise p.ProtocolError(path="$", reason="reply_too_large")
        if res.headers.get(p.ROTATE_HEADER):
            self.rotation_due = True
        if res.status_code == 200:
            return _json(res.content)
        _raise_for(res)
        raise AssertionError("unreachable")  # pragma: no cover


def _json(raw: bytes) -> object:
    def refuse(const: str) -> None:
        raise ValueError(const)

    try:
        return json.loads(raw.decode("utf-8"), parse_constant=refuse)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise p.ProtocolError(path="$", reason="invalid_json") from exc


def _raise_for(res: httpx.Response) -> None:
    status = res.status_code
    try:
        err = p.ErrorReply.from_dict(_json(res.content))
        code, detail = err.code, err.detail
    except p.ProtocolError:
        code, detail = "unparseable_error", {}
    if status in (401, 403):
        raise AuthError(reason=code, http_status=status)
    if status == 409:
        raise ConflictError(reason=code, **detail)
    if status == 426:
        raise p.VersionError(reason=detail.get("reason", code), http_status=status)
    if status == 429 or status >= 500:
        raise NetworkError(
            reason=code, http_status=status, retry_after=res.headers.get("Retry-After")
        )
    raise p.ProtocolError(path=str(detail.get("path", "$")), reason=code, http_status=status)
