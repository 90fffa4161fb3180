"""Server settings: a frozen dataclass built by the CLI or by tests, never read at import time."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_DB_URL = "sqlite:///motcua_server.db"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """Limits and the database URL of one server instance."""

    db_url: str = DEFAULT_DB_URL
    max_body_bytes: int = 2 * 1024 * 1024
    enrol_rate_limit: int = 5  # failed attempts per client address per window
    enrol_rate_window_s: float = 60.0
    # Proxies (addresses or networks) whose X-Forwarded-For is believed; nobody else's is.
    trusted_proxies: tuple[str, ...] = ()
    token_max_age_days: int = 90  # a device is asked to rotate an older token
    enrol_code_ttl_hours: int = 72
    pull_default_limit: int = 500
    blob_dir: str = "motcua_blobs"  # attachment files (issue 15), filesystem storage
    blob_store: str = "fs"  # "fs": files under blob_dir; "db": rows of the server database
    # Per worker process (issue 17): database connections, and push batches applied at once.
    # Pushes beyond the limit wait without holding a thread or a connection, so pulls and the
    # other requests always find both.
    db_pool_size: int = 10
    push_concurrency: int = 4
    # Push batches parsed and validated at once per worker (CPU only, before the database).
    parse_concurrency: int = 8
    db_pre_ping: bool = False  # test each pooled connection before use (one round trip)
