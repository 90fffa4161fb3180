"""Command line of the reference server: ``python -m motcua_server <command>``."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from motcua_desk.domain.errors import DomainError
from motcua_server import admin
from motcua_server.config import DEFAULT_DB_URL, ServerSettings
from motcua_server.db import connection_budget, make_engine, upgrade
from motcua_server.deps import missing_message, missing_server_modules


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="motcua-server", description="motcua sync server")
    ap.add_argument("--db-url", default=DEFAULT_DB_URL, help="SQLAlchemy URL (SQLite default)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve", help="migrate, then serve HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--max-body-bytes", type=int, default=2 * 1024 * 1024)
    serve.add_argument(
        "--enrol-rate-limit", type=int, default=5, help="failed attempts/minute/address"
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDRESS[/BITS]",
        help="reverse proxy whose X-Forwarded-For is believed (repeatable); none by default",
    )
    serve.add_argument("--token-max-age-days", type=int, default=90)
    serve.add_argument(
        "--blob-dir", default="motcua_blobs", help="folder of attachment files (filesystem storage)"
    )
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="worker processes sharing the port and the database (PostgreSQL for more than one)",
    )
    serve.add_argument(
        "--blob-store",
        choices=("fs", "db"),
        default="fs",
        help="where attachment files live: fs = files under --blob-dir, db = the database",
    )
    serve.add_argument(
        "--db-pool-size",
        type=_positive,
        default=10,
        help="database connections per worker (workers x this <= PostgreSQL max_connections)",
    )
    serve.add_argument(
        "--parse-concurrency",
        type=_positive,
        default=8,
        help="push batches parsed and validated at once per worker; the others wait "
        "without holding a thread, so pulls and leases keep theirs",
    )
    serve.add_argument(
        "--db-pre-ping",
        action="store_true",
        help="test each database connection before use: for networks that cut idle "
        "connections (costs a round trip per request)",
    )
    serve.add_argument(
        "--push-concurrency",
        type=_positive,
        default=4,
        help="push batches applied at once per worker; more wait without holding a connection",
    )
    serve.add_argument("--ssl-certfile")
    serve.add_argument("--ssl-keyfile")
    sub.add_parser("init-db", help="create or upgrade the schema")
    unit = sub.add_parser("create-unit")
    unit.add_argument("agency_id")
    unit.add_argument("name")
    dev = sub.add_parser("enrol-device", help="print a one-time enrolment code")
    dev.add_argument("agency_id")
    dev.add_argument("name")
    dev.add_argument("--ttl-hours", type=int, default=72)
    rev = sub.add_parser("revoke-device", help="refuse a device's token from now on")
    rev.add_argument("device_id")
    rot = sub.add_parser("rotate-token", help="make a device replace its token at its next sync")
    rot.add_argument("device_id")
    cat = sub.add_parser("load-catalogue")
    cat.add_argument("file", type=Path)
    cal = sub.add_parser("load-calendar")
    cal.add_argument("file", type=Path)
    user = sub.add_parser("create-user")
    user.add_argument("agency_id")
    user.add_argument("username")
    user.add_argument("full_name")
    # Never on the command line: argv is visible to every user (ps) and kept in shell history.
    user.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin",
    )
    user.add_argument("--role", default="clerk", choices=sorted(admin.ROLES))
    imp = sub.add_parser("import-events", help="apply a counter's signed offline events file")
    imp.add_argument("file", type=Path)
    st = sub.add_parser("set-status", help="a processing department changes a dossier status")
    st.add_argument("agency_id")
    st.add_argument("code")
    st.add_argument("status", type=int)
    st.add_argument("--actor", default="processing")
    copy = sub.add_parser(
        "copy-blobs", help="copy every complete attachment file from one store to the other"
    )
    copy.add_argument("--from", dest="source", choices=("fs", "db"), required=True)
    copy.add_argument("--to", dest="target", choices=("fs", "db"), required=True)
    copy.add_argument("--blob-dir", default="motcua_blobs", help="the filesystem store's folder")
    clean = sub.add_parser("clean-uploads", help="drop attachment uploads nobody finished")
    clean.add_argument("--blob-store", choices=("fs", "db"), default="fs")
    clean.add_argument("--blob-dir", default="motcua_blobs", help="the filesystem store's folder")
    clean.add_argument(
        "--older-than-days", type=_positive, default=7, help="unfinished for at least this long"
    )
    gaps = sub.add_parser("code-gaps", help="leased dossier numbers a day's counters left unused")
    gaps.add_argument("agency_id")
    gaps.add_argument("day", type=date.fromisoformat)
    return ap


def _blob_command(args: argparse.Namespace, engine: Engine) -> int:
    from motcua_server.blobcopy import copy_blobs
    from motcua_server.blobstore import make_blob_store

    if args.cmd == "clean-uploads":
        store = make_blob_store(args.blob_store, args.blob_dir, engine)
        before = datetime.now(UTC) - timedelta(days=args.older_than_days)
        sys.stdout.write(f"dropped={store.drop_partials(before)}\n")
        return 0
    if args.source == args.target:
        raise admin.AdminError(reason="same_store", store=args.source)
    source = make_blob_store(args.source, args.blob_dir, engine)
    target = make_blob_store(args.target, args.blob_dir, engine)
    report = copy_blobs(source, target)
    sys.stdout.write(
        f"copied={report.copied} present={report.present} failed={len(report.failed)}\n"
    )
    for sha in report.failed:
        sys.stdout.write(f"failed {sha}\n")
    return 1 if report.failed else 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _load_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise admin.AdminError(reason="unreadable_file", file=str(path)) from exc


def _read_password(from_stdin: bool) -> str:
    """The new user's password from stdin (``--password-stdin``) or a prompt asked twice."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise admin.AdminError(reason="passwords_differ")
    return first


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    missing = missing_server_modules()
    if missing:  # installed without the ``server`` extra (a desk install)
        sys.stderr.write(missing_message(missing))
        return 3
    engine = make_engine(
        args.db_url, getattr(args, "db_pool_size", 10), getattr(args, "db_pre_ping", False)
    )
    try:
        upgrade(engine)
        if args.cmd == "serve":
            import uvicorn

            from motcua_server.app import create_app, serve_workers, uvicorn_config
            from motcua_server.security import parse_networks

            try:
                parse_networks(args.trusted_proxy)
            except ValueError as exc:
                raise admin.AdminError(reason="bad_trusted_proxy") from exc
            # Each worker keeps its own pool: more than PostgreSQL admits would fail requests
            # under load, long after the start. Refuse to start instead, saying the numbers.
            budget = connection_budget(engine)
            wanted = args.workers * args.db_pool_size
            if budget is not None and wanted > budget:
                raise admin.AdminError(
                    reason="too_many_connections",
                    workers=args.workers,
                    db_pool_size=args.db_pool_size,
                    needed=wanted,
                    available=budget,
                    hint="lower --workers or --db-pool-size, or raise max_connections",
                )
            settings = ServerSettings(
                db_url=args.db_url,
                max_body_bytes=args.max_body_bytes,
                enrol_rate_limit=args.enrol_rate_limit,
                trusted_proxies=tuple(args.trusted_proxy),
                token_max_age_days=args.token_max_age_days,
                blob_dir=args.blob_dir,
                blob_store=args.blob_store,
                db_pool_size=args.db_pool_size,
                push_concurrency=args.push_concurrency,
                parse_concurrency=args.parse_concurrency,
                db_pre_ping=args.db_pre_ping,
            )
            ssl = {"ssl_certfile": args.ssl_certfile, "ssl_keyfile": args.ssl_keyfile}
            if args.workers == 1:
                config = uvicorn_config(create_app(settings, engine), args.host, args.port, **ssl)
                uvicorn.Server(config).run()
            else:
                engine.dispose()  # migrated; each worker opens its own engine
                serve_workers(settings, args.host, args.port, args.workers, **ssl)
        elif args.cmd == "create-unit":
            admin.create_unit(engine, args.agency_id, args.name)
        elif args.cmd == "enrol-device":
            device_id, code = admin.enrol_device(engine, args.agency_id, args.name, args.ttl_hours)
            sys.stdout.write(f"device_id={device_id}\nenrolment_code={code}\n")
        elif args.cmd == "revoke-device":
            admin.revoke_device(engine, args.device_id)
        elif args.cmd == "rotate-token":
            admin.request_token_rotation(engine, args.device_id)
        elif args.cmd == "load-catalogue":
            n = admin.load_catalogue(engine, _load_json(args.file))
            sys.stdout.write(f"procedures={n}\n")
        elif args.cmd == "load-calendar":
            n = admin.load_calendar(engine, _load_json(args.file))
            sys.stdout.write(f"days={n}\n")
        elif args.cmd == "create-user":
            password = _read_password(args.password_stdin)
            admin.create_user(
                engine, args.agency_id, args.username, args.full_name, password, args.role
            )
        elif args.cmd == "import-events":
            from motcua_server.offline_import import import_events

            try:
                data = args.file.read_bytes()
            except OSError as exc:
                raise admin.AdminError(reason="unreadable_file", file=str(args.file)) from exc
            r = import_events(engine, data)
            sys.stdout.write(
                f"device={r.device_id} accepted={r.accepted} duplicates={r.duplicates} "
                f"rejected={r.rejected}\n"
            )
        elif args.cmd == "code-gaps":
            from motcua_server.codes import code_gaps

            for first, last, device_id in code_gaps(engine, args.agency_id, args.day):
                sys.stdout.write(f"{first}-{last} device={device_id}\n")
        elif args.cmd in ("copy-blobs", "clean-uploads"):
            return _blob_command(args, engine)
        elif args.cmd == "set-status":
            admin.set_status(engine, args.agency_id, args.code, args.status, args.actor)
    except DomainError as exc:
        sys.stderr.write(f"error: {exc.code} {exc.data}\n")
        return 2
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
