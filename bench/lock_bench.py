"""Saves per second while another process reads and logs in (issue 14 §4).

    .venv/bin/python bench/lock_bench.py [--seconds 4] [--reps 3]

Three modes, each run ``--reps`` times for ``--seconds``, medians reported:
- ``alone``: saves with nothing else running (the floor of this machine, same run);
- ``before``: a second process loops over reads and logins the way the first release did
  them, inside write transactions (BEGIN IMMEDIATE, argon2 under the lock);
- ``after``: the same loop through read-only units of work and ``AccountService.login``
  (password check outside any transaction).
Saves go through ``ReceptionService.receive``; "locked" counts saves that failed with
"database is locked" (busy_timeout 5 s).
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from motcua_desk.bootstrap import build_context  # noqa: E402
from motcua_desk.config import AppPaths  # noqa: E402
from motcua_desk.domain.dossier import Person  # noqa: E402
from motcua_desk.services.accounts import AuthFailedError, UnitSetup  # noqa: E402
from motcua_desk.services.reception import IntakeDraft  # noqa: E402
from motcua_desk.storage.errors import KnownStorageError  # noqa: E402
from motcua_desk.storage.uow import reading  # noqa: E402

UNIT = UnitSetup("000.00.06.H56", "UBND phường", "UBND tỉnh", "Quầy 1", "Thanh Hóa")
PASSWORD = "mat-khau-2026"
HOA = Person(
    "Lê Thị Hoa",
    id_number="038195001234",
    phone="0912 345 678",
    address="Số 12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
)


def _reader(data_dir: str, mode: str, stop: mp.Event, ready: mp.Event) -> None:  # type: ignore[valid-type]
    ctx = build_context(AppPaths(Path(data_dir), Path(data_dir) / "logs"), seed=False)
    factory = ctx.reception._uow_factory  # noqa: SLF001 - the bench drives the storage directly
    ready.set()  # type: ignore[attr-defined]
    n = 0
    while not stop.is_set():  # type: ignore[attr-defined]
        try:
            if mode == "before":
                with factory() as uow:  # first release: BEGIN IMMEDIATE for a read
                    uow.dossiers.count()
                with factory() as uow:  # and argon2 inside the write transaction
                    uow.users.authenticate("admin", PASSWORD if n % 2 else "sai")
                    uow.commit()
            else:
                with reading(factory) as uow:
                    uow.dossiers.count()
                with contextlib.suppress(AuthFailedError):
                    ctx.accounts.login("admin", PASSWORD if n % 2 else "sai")
                if n % 3 == 0:  # keep the account from locking: reset by a good login
                    ctx.accounts.login("admin", PASSWORD)
        except KnownStorageError:
            pass
        n += 1


def _saves(ctx, admin, seconds: float) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    done = locked = 0
    end = time.monotonic() + seconds
    start = time.monotonic()
    while time.monotonic() < end:
        try:
            ctx.reception.receive(IntakeDraft("1.014137", HOA), admin)
            done += 1
        except KnownStorageError:
            locked += 1
    return done / (time.monotonic() - start), locked


def run(mode: str, seconds: float) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="motcua-lockbench-") as tmp:
        paths = AppPaths(Path(tmp), Path(tmp) / "logs")
        ctx = build_context(paths)
        admin = ctx.accounts.first_run(UNIT, "admin", "Quản trị", PASSWORD)
        proc = None
        stop = mp.Event()
        if mode != "alone":
            ready = mp.Event()
            proc = mp.Process(target=_reader, args=(tmp, mode, stop, ready))
            proc.start()
            ready.wait(60)
        try:
            return _saves(ctx, admin, seconds)
        finally:
            stop.set()
            if proc is not None:
                proc.join(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    for mode in ("alone", "before", "after"):
        results = [run(mode, args.seconds) for _ in range(args.reps)]
        rates = [r for r, _ in results]
        locked = sum(n for _, n in results)
        print(  # noqa: T201 - bench output
            f"{mode:>6}: median {statistics.median(rates):6.1f} saves/s "
            f"(runs {', '.join(f'{r:.1f}' for r in rates)}), locked failures {locked}"
        )


if __name__ == "__main__":
    mp.set_start_method("spawn")
    main()
