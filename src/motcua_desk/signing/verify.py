"""Checking the signatures of a PDF with pyHanko against the unit's configured trust roots.

"Intact" means the signed bytes are unchanged and nothing but allowed additions came after;
"trusted" means the signer's certificate chains to a configured root. Revocation is checked
only when the data is in the file or may be fetched (soft-fail offline).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.errors import NoDSSFoundError
from pyhanko_certvalidator import ValidationContext

from .certs import describe
from .errors import TrustRootsError, UnreadablePdfError


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    field_name: str
    intact: bool  # signed bytes unchanged, signature value valid, no forbidden later change
    trusted: bool  # chains to a configured trust root
    signer_name: str
    signer_sha256: str
    signed_at: datetime | None  # the signer's own clock (UTC)
    timestamp_at: datetime | None  # from a trusted timestamp (B-T and up)
    covers_document: bool  # no change at all after this signature
    #: The signer's certificate was revoked (by the revocation data in the file's DSS, or
    #: fetched when allowed).
    revoked: bool = False


def load_trust_roots(path: Path) -> tuple[bytes, ...]:
    """DER certificates from a PEM bundle or one DER file; raise when there are none."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TrustRootsError(path=str(path), reason="unreadable") from exc
    try:
        if pem.detect(raw):
            ders = tuple(
                der for kind, _h, der in pem.unarmor(raw, multiple=True) if kind == "CERTIFICATE"
            )
        else:
            ders = (raw,)
        for der in ders:
            x509.Certificate.load(der).native  # noqa: B018 - parse fully now
    except (ValueError, TypeError) as exc:
        raise TrustRootsError(path=str(path), reason="invalid") from exc
    if not ders:
        raise TrustRootsError(path=str(path), reason="empty")
    return ders


def _utc(dt: datetime | None) -> datetime | None:
    return dt.astimezone(UTC) if dt is not None else None


def verify_pdf(
    pdf: bytes,
    trust_roots: tuple[bytes, ...],
    *,
    crls: tuple[bytes, ...] = (),
    allow_fetching: bool = False,
) -> list[SignatureCheck]:
    """One :class:`SignatureCheck` per signature, in file order (empty for an unsigned PDF)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise UnreadablePdfError(detail=str(exc)[:200]) from exc
    roots = [x509.Certificate.load(d) for d in trust_roots]
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except (NoDSSFoundError, PdfError, ValueError, KeyError, TypeError):
        dss = None  # no validation data embedded (B-B / B-T)
    out: list[SignatureCheck] = []
    for sig in embedded:
        kwargs = {
            "trust_roots": roots,
            "crls": list(crls),
            "allow_fetching": allow_fetching,
            "revocation_mode": "soft-fail",
        }
        # B-LT: the CRLs and OCSP responses embedded at signing or upgrade count too.
        ctx = (
            dss.as_validation_context(kwargs) if dss is not None else ValidationContext(**kwargs)  # type: ignore[arg-type]
        )
        if sig.sig_object_type == "/DocTimeStamp":
            # A document time-stamp added later (an offline signature upgraded): it dates
            # every signature before it.
            try:
                doc_ts = validate_pdf_timestamp(sig, validation_context=ctx)
            except (PdfError, ValueError, KeyError, TypeError) as exc:
                raise UnreadablePdfError(detail=str(exc)[:200]) from exc
            if doc_ts.intact and doc_ts.valid:
                when = _utc(doc_ts.timestamp)
                out = [c if c.timestamp_at else replace(c, timestamp_at=when) for c in out]
            continue
        try:
            status = validate_pdf_signature(sig, signer_validation_context=ctx)
        except (PdfError, ValueError, KeyError, TypeError) as exc:
            raise UnreadablePdfError(detail=str(exc)[:200]) from exc
        cert = describe(status.signing_cert)
        docmdp_ok = status.docmdp_ok or status.modification_level is None
        ts = status.timestamp_validity
        out.append(
            SignatureCheck(
                field_name=str(sig.field_name),
                intact=bool(status.intact and status.valid and docmdp_ok),
                trusted=bool(status.trusted),
                signer_name=cert.subject_name,
                signer_sha256=cert.sha256,
                signed_at=_utc(status.signer_reported_dt),
                timestamp_at=_utc(ts.timestamp) if ts is not None and ts.intact else None,
                covers_document=status.coverage is not None
                and status.coverage.name == "ENTIRE_FILE",
                revoked=bool(status.revoked),
            )
        )
    return out
