"""Where the server keeps attachment files (issues 15 and 17): the storage port and its adapters.

A file is named by its SHA-256. While it is uploading it grows chunk by chunk, only at the exact
offset the store holds (:meth:`BlobStore.put_chunk`); once it holds the announced size,
:meth:`BlobStore.finalize` checks the hash and keeps it (or drops the partial bytes). Both
adapters keep the upload state where every worker process sees it (the shared folder or the
database), never in process memory:

- :class:`FilesystemBlobStore` (``serve --blob-store fs``, the default): ``<root>/aa/bb/<sha>``
  when complete, ``<root>/partial/<sha>`` while uploading; chunks and the final rename are
  serialised between processes by ``flock`` on one of 256 lock files.
- :class:`DatabaseBlobStore` (``--blob-store db``): rows of ``blobs`` (state) and
  ``blob_chunks`` (the bytes, one row per uploaded chunk) in the server database, PostgreSQL in
  production (SQLite works too); the ``blobs`` row is locked (``SELECT … FOR UPDATE``) while a
  chunk is added or the file is finalised.

An S3-compatible object store plugs in behind the same port; see docs/server-storage.md.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from motcua_desk.sync.blob_protocol import SHA256_RE
from motcua_server.db import is_sqlite, reading, transaction
from motcua_server.models import BlobChunkRow, BlobRow

BLOCK = 1 << 20  # read size when hashing or serving
STORES = ("fs", "db")


class BlobStore(Protocol):
    """The storage port of attachment files, keyed by SHA-256 (lowercase hex)."""

    def exists(self, sha256: str) -> bool:
        """The file is complete and checked."""
        ...

    def size(self, sha256: str) -> int | None:
        """Size of a complete file, else None."""
        ...

    def received(self, sha256: str) -> int:
        """Bytes held: the resume offset of an upload (the size once complete, 0 if unknown)."""
        ...

    def put_chunk(self, sha256: str, offset: int, data: bytes) -> int:
        """Append ``data`` if ``offset`` is exactly what is held (and the file is not complete);
        return the bytes held afterwards (unchanged when refused)."""
        ...

    def finalize(self, sha256: str) -> bool:
        """Check the held bytes against the name: keep the file (True) or drop them (False).
        True at once if the file is complete already."""
        ...

    def open(self, sha256: str) -> Iterator[bytes]:
        """The bytes of a complete file, in blocks (raises ``FileNotFoundError`` if absent)."""
        ...

    def complete_files(self) -> Iterator[str]:
        """The names of every complete file, in order."""
        ...

    def drop_partials(self, before: datetime) -> int:
        """Drop uploads left unfinished since before ``before``; return how many. A counter
        still sending one starts it again from 0 (the store answers 0 held)."""
        ...


# --------------------------------------------------------------------------- filesystem


if sys.platform != "win32":
    import fcntl

    def _flock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

else:  # pragma: no cover - the server runs on Linux; one process only on Windows

    def _flock(fd: int) -> None:
        return None


class FilesystemBlobStore:
    """Files in a folder; every worker of the server must see the same folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _final(self, sha: str) -> Path:
        return self.root / sha[:2] / sha[2:4] / sha

    def _partial(self, sha: str) -> Path:
        return self.root / "partial" / sha

    @contextmanager
    def _locked(self, sha: str) -> Iterator[None]:
        """Exclusive between processes for files whose names start with the same byte."""
        locks = self.root / "partial" / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        fd = os.open(locks / sha[:2], os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _flock(fd)  # released when the descriptor is closed
            yield
        finally:
            os.close(fd)

    def exists(self, sha256: str) -> bool:
        return self._final(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        try:
            return self._final(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def received(self, sha256: str) -> int:
        done = self.size(sha256)
        if done is not None:
            return done
        try:
            return self._partial(sha256).stat().st_size
        except FileNotFoundError:
            return 0

    def put_chunk(self, sha256: str, offset: int, data: bytes) -> int:
        with self._locked(sha256):
            held = self.received(sha256)
            if self.exists(sha256) or held != offset:
                return held
            with self._partial(sha256).open("ab") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
                return fh.tell()

    def finalize(self, sha256: str) -> bool:
        with self._locked(sha256):
            part = self._partial(sha256)
            if self.exists(sha256):
                part.unlink(missing_ok=True)
                return True
            if not part.is_file():
                return False
            h = hashlib.sha256()
            with part.open("rb") as fh:
                for block in iter(lambda: fh.read(BLOCK), b""):
                    h.update(block)
            if h.hexdigest() != sha256:
                part.unlink()
                return False
            final = self._final(sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(part, final)
            return True

    def open(self, sha256: str) -> Iterator[bytes]:
        with self._final(sha256).open("rb") as fh:
            yield from iter(lambda: fh.read(BLOCK), b"")

    def complete_files(self) -> Iterator[str]:
        for first in sorted(self.root.glob("[0-9a-f][0-9a-f]")):
            for second in sorted(first.glob("[0-9a-f][0-9a-f]")):
                for path in sorted(second.iterdir()):
                    name = path.name
                    if SHA256_RE.fullmatch(name) and name.startswith(first.name + second.name):
                        yield name

    def drop_partials(self, before: datetime) -> int:
        """Partial files not written since ``before`` (their modification time)."""
        folder = self.root / "partial"
        if not folder.is_dir():
            return 0
        cutoff = before.timestamp()
        dropped = 0
        for path in sorted(folder.iterdir()):
            if not SHA256_RE.fullmatch(path.name):
                continue  # the lock files' folder
            with self._locked(path.name):  # not while a chunk is being added
                try:
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                        dropped += 1
                except FileNotFoundError:
                    continue  # finished or dropped meanwhile
        return dropped


# --------------------------------------------------------------------------- database


class DatabaseBlobStore:
    """Files as rows of the server database: ``blobs`` holds the state, ``blob_chunks`` the
    bytes of each accepted chunk keyed by ``(sha256, offset)``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _insert_ignore(self, s: Session, sha: str) -> None:
        if is_sqlite(self.engine):
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
        now = datetime.now(UTC)
        s.execute(
            insert(BlobRow)
            .values(sha256=sha, received=0, complete=False, created_at=now)
            .on_conflict_do_nothing(index_elements=["sha256"])
        )

    def _lock(self, s: Session, sha: str) -> BlobRow | None:
        return s.scalars(select(BlobRow).where(BlobRow.sha256 == sha).with_for_update()).first()

    def _state(self, sha: str) -> tuple[int, bool] | None:
        with reading(self.engine) as s:
            row = s.execute(
                select(BlobRow.received, BlobRow.complete).where(BlobRow.sha256 == sha)
            ).first()
        return None if row is None else (int(row[0]), bool(row[1]))

    def exists(self, sha256: str) -> bool:
        state = self._state(sha256)
        return state is not None and state[1]

    def size(self, sha256: str) -> int | None:
        state = self._state(sha256)
        return state[0] if state is not None and state[1] else None

    def received(self, sha256: str) -> int:
        state = self._state(sha256)
        return 0 if state is None else state[0]

    def put_chunk(self, sha256: str, offset: int, data: bytes) -> int:
        with transaction(self.engine) as s:
            if offset == 0:
                self._insert_ignore(s, sha256)
            row = self._lock(s, sha256)
            if row is None:  # nothing held: only offset 0 starts a file
                return 0
            if row.complete or row.received != offset:
                return row.received
            if data:
                s.add(BlobChunkRow(sha256=sha256, offset=offset, data=data))
            row.received = offset + len(data)
            return row.received

    def _offsets(self, s: Session, sha: str) -> list[int]:
        return list(
            s.scalars(
                select(BlobChunkRow.offset)
                .where(BlobChunkRow.sha256 == sha)
                .order_by(BlobChunkRow.offset)
            )
        )

    def _chunk(self, s: Session, sha: str, offset: int) -> bytes:
        data = s.scalar(
            select(BlobChunkRow.data).where(
                BlobChunkRow.sha256 == sha, BlobChunkRow.offset == offset
            )
        )
        if data is None:
            raise FileNotFoundError(sha)
        return bytes(data)

    def finalize(self, sha256: str) -> bool:
        with transaction(self.engine) as s:
            row = self._lock(s, sha256)
            if row is None:
                return False
            if row.complete:
                return True
            h = hashlib.sha256()
            held = 0
            for offset in self._offsets(s, sha256):  # one chunk in memory at a time
                data = self._chunk(s, sha256, offset)
                held += len(data)
                h.update(data)
            if held != row.received or h.hexdigest() != sha256:
                s.execute(delete(BlobChunkRow).where(BlobChunkRow.sha256 == sha256))
                s.delete(row)
                return False
            row.complete = True
            row.completed_at = datetime.now(UTC)
            return True

    def open(self, sha256: str) -> Iterator[bytes]:
        with reading(self.engine) as s:
            if not s.scalar(select(BlobRow.complete).where(BlobRow.sha256 == sha256)):
                raise FileNotFoundError(sha256)
            offsets = self._offsets(s, sha256)
            first = self._chunk(s, sha256, offsets[0]) if offsets else b""
        yield first
        for offset in offsets[1:]:  # a short session per chunk: no transaction held while sending
            with reading(self.engine) as s:
                yield self._chunk(s, sha256, offset)

    def complete_files(self) -> Iterator[str]:
        with reading(self.engine) as s:
            names = list(
                s.scalars(
                    select(BlobRow.sha256)
                    .where(BlobRow.complete.is_(True))
                    .order_by(BlobRow.sha256)
                )
            )
        yield from names

    def drop_partials(self, before: datetime) -> int:
        """Unfinished files whose upload began before ``before``."""
        with transaction(self.engine) as s:
            stale = list(
                s.scalars(
                    select(BlobRow.sha256)
                    .where(BlobRow.complete.is_(False), BlobRow.created_at < before)
                    .with_for_update()
                )
            )
            if stale:
                s.execute(delete(BlobChunkRow).where(BlobChunkRow.sha256.in_(stale)))
                s.execute(delete(BlobRow).where(BlobRow.sha256.in_(stale)))
        return len(stale)


def make_blob_store(kind: str, blob_dir: str, engine: Engine) -> BlobStore:
    """The adapter ``serve --blob-store`` names."""
    if kind == "fs":
        return FilesystemBlobStore(Path(blob_dir))
    if kind == "db":
        return DatabaseBlobStore(engine)
    raise ValueError(kind)
