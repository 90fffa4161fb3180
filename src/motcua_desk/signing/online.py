"""Reaching a timestamp server (RFC 3161) for B-T/B-LT signatures when the counter is online."""

from __future__ import annotations

from typing import Any


def http_timestamper(url: str) -> Any:
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=5)
