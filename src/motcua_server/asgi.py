"""The app as an import string for ``serve --workers N``: ``motcua_server.asgi:app_from_env``.

uvicorn starts each worker process afresh (spawn) and builds the app there, so the settings
cross the process boundary in one environment variable (JSON of :class:`ServerSettings`); the
parent has already migrated the database. Every worker opens its own engine and pool: the
workers share nothing but the database (see ``docs/server-scale.md``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import json
import os
import signal
import sys
from typing import Any

from motcua_server.config import ServerSettings

SETTINGS_ENV = "MOTCUA_SERVER_SETTINGS"


def settings_to_env(settings: ServerSettings) -> str:
    return json.dumps(dataclasses.asdict(settings))


def settings_from_env(text: str) -> ServerSettings:
    raw = json.loads(text)
    fields = {f.name for f in dataclasses.fields(ServerSettings)}
    known: dict[str, Any] = {
        k: (tuple(v) if isinstance(v, list) else v) for k, v in raw.items() if k in fields
    }
    return ServerSettings(**known)


def _die_with_parent() -> None:
    """Linux: a worker gets SIGTERM when the ``serve`` process that started it dies, even by
    SIGKILL, so no orphaned worker keeps serving (or holding the port) on its own."""
    if not sys.platform.startswith("linux"):
        return
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return
    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(libc_name, use_errno=True)
    libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
    if os.getppid() == 1:  # the parent died before the call above
        os.kill(os.getpid(), signal.SIGTERM)


def app_from_env() -> Any:
    """uvicorn factory (``factory=True``): the app of the settings in ``MOTCUA_SERVER_SETTINGS``."""
    from motcua_server.app import create_app

    text = os.environ.get(SETTINGS_ENV)
    if text is None:
        raise RuntimeError(f"{SETTINGS_ENV} is not set: start workers with 'serve --workers N'")
    _die_with_parent()
    return create_app(settings_from_env(text))
