"""Checking the signed documents of a dossier for the lookup: intact, trusted, who, when."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from motcua_desk.signing.errors import SigningError
from motcua_desk.storage.repositories.signed_documents import SignedDocument

if TYPE_CHECKING:
    from motcua_desk.signing.verify import SignatureCheck


@dataclass(frozen=True, slots=True)
class DocumentCheck:
    """A signed document as the lookup shows it; ``check`` is None for a pending one."""

    document: SignedDocument
    check: SignatureCheck | None
    error: str | None = None  # code when the file could not be checked


def check_documents(
    docs: list[SignedDocument], trust_roots_path: str, *, fetch_revocation: bool = False
) -> list[DocumentCheck]:
    """Validate each signed document's file with pyHanko against the configured roots; with
    ``fetch_revocation`` the signer's OCSP/CRL is also fetched (soft-fail when offline)."""
    from motcua_desk.signing.verify import load_trust_roots, verify_pdf

    roots: tuple[bytes, ...] | None = None
    out = []
    for doc in docs:
        if doc.pending or doc.signed_path is None:
            out.append(DocumentCheck(doc, None))
            continue
        try:
            if roots is None:
                roots = load_trust_roots(Path(trust_roots_path)) if trust_roots_path else ()
            checks = verify_pdf(
                Path(doc.signed_path).read_bytes(), roots, allow_fetching=fetch_revocation
            )
        except SigningError as exc:
            out.append(DocumentCheck(doc, None, exc.code))
            continue
        except OSError:
            out.append(DocumentCheck(doc, None, "signed_file_missing"))
            continue
        check = checks[-1] if checks else None
        out.append(DocumentCheck(doc, check, None if check else "signature_missing"))
    return out
