"""Content-addressed file store for digitised papers.

A file lives at ``<root>/<aa>/<bb>/<sha256>`` where ``aa``/``bb`` are the first hex pairs of its
SHA-256, so the same file attached twice is stored once and a name never lies about its content.
Writes go to a temporary file in the same folder, are fsynced, then renamed into place: a power
cut leaves either the whole file or nothing. The database row (``stored_files``) is written by
the caller in its own transaction; a file without a row is harmless and swept by :meth:`orphans`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from motcua_desk.domain.digitisation import SHA256_RE

from .errors import StorageError

CHUNK = 1 << 20


class FileStoreError(StorageError):
    """A stored file is missing or does not match its hash; ``data['reason']`` says which."""

    code = "file_store_error"


@dataclass(frozen=True, slots=True)
class PutResult:
    sha256: str
    size: int
    created: bool  # False: the same content was already stored


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        if not SHA256_RE.match(sha256):
            raise FileStoreError(reason="bad_hash", sha256=sha256[:80])
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def put_bytes(self, data: bytes) -> PutResult:
        sha = hashlib.sha256(data).hexdigest()
        dest = self.path_of(sha)
        if dest.is_file():
            return PutResult(sha, len(data), False)
        self._write_atomic(dest, [data])
        return PutResult(sha, len(data), True)

    def put_file(self, src: Path) -> PutResult:
        """Copy ``src`` into the store (hashing while copying)."""
        dest_dir = self.root / "tmp"
        dest_dir.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=dest_dir, prefix="put-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, src.open("rb") as fh:
                for block in iter(lambda: fh.read(CHUNK), b""):
                    h.update(block)
                    size += len(block)
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            sha = h.hexdigest()
            dest = self.path_of(sha)
            if dest.is_file():
                return PutResult(sha, size, False)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest)
            return PutResult(sha, size, True)
        finally:
            tmp.unlink(missing_ok=True)

    def _write_atomic(self, dest: Path, blocks: Iterable[bytes]) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=".part-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                for b in blocks:
                    out.write(b)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)

    def open(self, sha256: str) -> BinaryIO:
        path = self.path_of(sha256)
        if not path.is_file():
            raise FileStoreError(reason="missing", sha256=sha256)
        return path.open("rb")

    def read(self, sha256: str) -> bytes:
        with self.open(sha256) as fh:
            return fh.read()

    def verify(self, sha256: str) -> bool:
        path = self.path_of(sha256)
        return path.is_file() and sha256_of(path) == sha256

    def all_hashes(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/??/*"):
            if SHA256_RE.match(path.name):
                yield path.name

    def orphans(self, referenced: set[str]) -> list[str]:
        return sorted(h for h in self.all_hashes() if h not in referenced)

    def mirror_to(self, other: FileStore, hashes: Iterable[str] | None = None) -> int:
        """Copy into ``other`` the files it lacks (all, or ``hashes``); returns how many.

        Used by backups: content addressing makes the copy incremental, each file once.
        """
        copied = 0
        for sha in hashes if hashes is not None else self.all_hashes():
            dest = other.path_of(sha)
            if dest.is_file():
                continue
            src = self.path_of(sha)
            if not src.is_file():
                raise FileStoreError(reason="missing", sha256=sha)
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_name(f".part-{sha}")
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
            copied += 1
        return copied
