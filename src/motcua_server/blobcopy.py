"""Moving attachment files between the server's stores, and dropping abandoned uploads.

``motcua-server copy-blobs --from fs --to db`` (or back) copies every complete file from one
store to the other, through the target's own upload path: each file is checked against its name
on arrival, a file already there is skipped, and a copy cut off halfway resumes where it
stopped. The source is left as it is; switch ``serve --blob-store`` once the copy reports no
failure. ``motcua-server clean-uploads`` drops uploads that nobody finished. See
docs/server-storage.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua_server.blobstore import BlobStore


@dataclass(frozen=True, slots=True)
class CopyReport:
    copied: int  # newly complete in the target
    present: int  # complete there already
    failed: tuple[str, ...]  # names whose copy did not check out (left for a rerun)


def copy_file(source: BlobStore, target: BlobStore, sha256: str) -> bool:
    """Copy one complete file the target lacks (:func:`copy_blobs` checks); resume from what
    the target holds. True once it is complete."""
    held = target.received(sha256)
    pos = 0
    for block in source.open(sha256):
        end = pos + len(block)
        if end <= held and block:
            pos = end  # the target has these bytes from an earlier, interrupted copy
            continue
        part = block[held - pos :] if pos < held else block
        start = max(pos, held)
        got = target.put_chunk(sha256, start, part)
        if got != start + len(part):
            return False  # somebody else is writing it, or the store refused: try again later
        held = got
        pos = end
    if pos == 0 and held == 0:  # an empty file: its upload still has to begin
        target.put_chunk(sha256, 0, b"")
    return target.finalize(sha256)


def copy_blobs(source: BlobStore, target: BlobStore) -> CopyReport:
    copied = present = 0
    failed: list[str] = []
    for sha in source.complete_files():
        if target.exists(sha):
            present += 1
        elif copy_file(source, target, sha):
            copied += 1
        else:
            failed.append(sha)
    return CopyReport(copied, present, tuple(failed))
