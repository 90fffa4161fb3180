"""Upgrading a signature made offline (B-B) once the counter is online again.

PAdES allows the time-stamp of B-T to be a document time-stamp added after the signature
(ETSI EN 319 142-1, B-T level). So no token is needed: the validation data of the signature
(certificates, CRL/OCSP as far as they can be fetched) goes into the document security store
first (B-LT), then a document time-stamp covers everything.
"""

from __future__ import annotations

import io
from typing import Any

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.signers import PdfTimeStamper
from pyhanko.sign.validation import add_validation_info

from .errors import SigningError, SigningFailedError, UnreadablePdfError
from .pades import LEVEL_BLT, LEVEL_BT

DOC_TIMESTAMP = "/DocTimeStamp"


def upgrade_signature(
    pdf: bytes, timestamper: Any, validation_context: Any = None
) -> tuple[bytes, str]:
    """Return the upgraded PDF and its level (B-LT with a validation context, else B-T)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = [s for s in reader.embedded_signatures if s.sig_object_type != DOC_TIMESTAMP]
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise UnreadablePdfError(detail=str(exc)[:200]) from exc
    if not signatures:
        raise UnreadablePdfError(detail="no signature to upgrade")
    try:
        data = pdf
        level = LEVEL_BT
        if validation_context is not None:
            buf = io.BytesIO()
            add_validation_info(signatures[-1], validation_context, output=buf)
            data = buf.getvalue()
            level = LEVEL_BLT
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = io.BytesIO()
        PdfTimeStamper(timestamper).timestamp_pdf(writer, "sha256", validation_context, output=out)
    except SigningError:
        raise
    except Exception as exc:  # noqa: BLE001 - network, TSA or validation trouble: stay B-B
        raise SigningFailedError(
            detail=f"{type(exc).__name__}: {exc}"[:300], network=_network(exc)
        ) from exc
    return out.getvalue(), level


def _network(exc: BaseException) -> bool:
    """Whether the failure is the network's (offline, server down: retry later) rather than
    this document's (e.g. a revoked certificate: the others can still be upgraded)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        # OSError covers refused connections, time-outs and pyHanko's TimestampRequestError.
        if isinstance(current, OSError | TimeoutError):
            return True
        if type(current).__module__.startswith("aiohttp"):
            return True
        current = current.__cause__ or current.__context__
    return False
