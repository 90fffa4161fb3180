"""Wire format of attachment file transfer (issue 15), shared by desk and server; stdlib only.

A file is named by its SHA-256. The client asks how much of it the server holds
(``GET /api/v1/blobs/{sha}/upload``), then sends the rest in chunks with
``PUT /api/v1/blobs/{sha}/upload?offset=N&total=T``. The server appends a chunk only when its
offset is exactly what it holds and the whole chunk arrived, so a dropped connection costs at
most the chunk in flight: the client asks again and resumes from the server's offset. When the
server holds ``total`` bytes it checks the hash and keeps the file once, whoever sent it.
``GET /api/v1/blobs/{sha}`` returns the file to devices of a unit that holds it, and
``GET /api/v1/attachments?id_number=`` lists the unit's digitised papers of an applicant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from motcua_desk.sync.validation import as_bool, as_int, as_obj, exact_keys

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
CHUNK_SIZE = 1024 * 1024  # under the server's 2 MiB request body limit
MAX_BLOB = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class UploadState:
    received: int
    complete: bool

    def to_dict(self) -> dict[str, Any]:
        return {"received": self.received, "complete": self.complete}

    @classmethod
    def from_dict(cls, raw: object) -> UploadState:
        d = as_obj(raw, "$")
        exact_keys(d, "$", {"received", "complete"})
        return cls(
            as_int(d["received"], "$.received", hi=MAX_BLOB), as_bool(d["complete"], "$.complete")
        )
