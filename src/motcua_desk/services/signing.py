"""Signing use cases: the clerk's token session, signing issued forms and digitised papers,
the "chờ ký" list, and checking signatures for the lookup.

Printing never waits for the token: a form is rendered, archived and printed unsigned; signing
is asked for afterwards (off the GUI thread). A document that cannot be signed now (no PIN
entered, token pulled out, certificate expired...) stays "chờ ký" with the reason's code, and
the clerk signs it later from the list. The PIN is handed to the token once and never kept.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua_desk.config import AppPaths
from motcua_desk.domain.text import normalize
from motcua_desk.services.clock import to_local, utc_now
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.services.signature_checks import DocumentCheck, check_documents
from motcua_desk.signing.errors import (
    CertificateExpiredError,
    CertificateNotYetValidError,
    PinLockedError,
    PinRequiredError,
    SigningError,
    TokenAbsentError,
    TokenModuleError,
    TokenRemovedError,
)
from motcua_desk.storage.repositories.signed_documents import Conversion, SignedDocument
from motcua_desk.storage.repositories.users import User
from motcua_desk.storage.uow import UnitOfWork

if TYPE_CHECKING:
    # pyHanko, python-pkcs11 and ReportLab load with the first signature, not at start-up.
    from motcua_desk.signing.certs import CertificateInfo
    from motcua_desk.signing.pades import SignRequest
    from motcua_desk.signing.port import SigningSession, TokenInfo, TokenPort

log = logging.getLogger(__name__)

CONVERSION = "conversion"
#: Forms the counter clerk signs (they carry the clerk's signature field). Mẫu 04 and 05 are
#: signed by the head of the processing agency, not with the clerk's token.
CLERK_SIGNED_FORMS = frozenset({"receipt", "supplement", "refusal", "return"})
CONVERSION_FIELD = "DauChuyenDoi"
_ORIGIN_WORDS = {"original": "bản chính", "copy": "bản sao"}
#: Errors after which the session is gone: the clerk must plug the token in and log in again.
_SESSION_LOST = (TokenRemovedError, TokenAbsentError, TokenModuleError, PinRequiredError)
#: Errors that would repeat for every other document too: signing the list stops there.
_STOPS_THE_LIST = (
    *_SESSION_LOST,
    CertificateExpiredError,
    CertificateNotYetValidError,
    PinLockedError,
)


def _conversion_reason(doc: SignedDocument, people: dict[str, str]) -> str:
    """The conversion mark's fields in the signature's /Reason as well as in the stamp:
    from the original or a copy, converted by whom, when."""
    conv = doc.conversion
    assert conv is not None
    who = people.get(conv.converted_by, conv.converted_by)
    origin = _ORIGIN_WORDS.get(conv.origin, conv.origin)
    when = f"{to_local(conv.converted_at):%H:%M %d/%m/%Y}"
    return (
        f"Chuyển đổi từ văn bản giấy ({origin}); người chuyển đổi: {who}; "
        f"thời điểm chuyển đổi: {when}"
    )


class LazyPkcs11Tokens:
    """The PKCS#11 adapter, imported on first use (start-up stays light)."""

    def __init__(self) -> None:
        self._port: TokenPort | None = None

    def _get(self) -> TokenPort:
        if self._port is None:
            from motcua_desk.signing.pkcs11_token import Pkcs11Tokens

            self._port = Pkcs11Tokens(utc_now)
        return self._port

    def tokens(self, module: str) -> list[TokenInfo]:
        return self._get().tokens(module)

    def certificates(self, module: str, token_label: str) -> list[CertificateInfo]:
        return self._get().certificates(module, token_label)

    def open(self, module: str, token_label: str, cert_id: str, pin: str) -> SigningSession:
        return self._get().open(module, token_label, cert_id, pin)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


class SigningService:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        settings: SettingsStore,
        paths: AppPaths,
        clock: Callable[[], datetime],
        tokens: TokenPort,
        *,
        timestamper_factory: Callable[[str], Any] | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._settings = settings
        self._paths = paths
        self._clock = clock
        self._tokens = tokens
        self._timestamper_factory = timestamper_factory
        self._session: SigningSession | None = None
        self._lock = threading.Lock()
        # One signature at a time: the print flow and the "chờ ký" page may both ask.
        self._sign_lock = threading.RLock()
        #: Called in the transaction that records a signature or its upgrade, with the signed
        #: bytes: a digitised paper's row takes its signed copy there (services/paper_signing).
        self.on_signed: list[Callable[[UnitOfWork, SignedDocument, bytes], None]] = []
        #: (upgraded, stopping code) of the last upgrade run, for the signatures page.
        self.last_upgrade: tuple[datetime, int, str | None] | None = None

    # ---- token session -----------------------------------------------------------------

    @property
    def configured(self) -> bool:
        s = self._settings.current
        return bool(s.signing_module and s.signing_cert_id)

    def wants(self, doc_type: str) -> bool:
        """Whether issued ``doc_type`` forms (or digitised papers: ``conversion``) are signed
        in this unit."""
        forms = {f.strip() for f in self._settings.current.signing_forms.split(",")}
        signable = doc_type in CLERK_SIGNED_FORMS or doc_type == CONVERSION
        return self.configured and doc_type in forms and signable

    @property
    def certificate(self) -> CertificateInfo | None:
        session = self._session
        return session.certificate if session is not None else None

    def tokens(self, module: str) -> list[TokenInfo]:
        return self._tokens.tokens(module)

    def certificates(self, module: str, token_label: str) -> list[CertificateInfo]:
        return self._tokens.certificates(module, token_label)

    def choose_token(self, clerk: User, module: str, token_label: str, cert_id: str) -> Any:
        """Use this module, token and certificate on this PC (the clerk's own token); the
        certificate must be on the token. Unit-wide choices (forms, trust roots, timestamp
        server) are administrator settings."""
        module = module.strip()
        if cert_id not in {c.cert_id for c in self._tokens.certificates(module, token_label)}:
            from motcua_desk.signing.errors import CertificateNotFoundError

            raise CertificateNotFoundError(cert_id=cert_id)
        self.logout()
        with self._uow_factory() as uow:
            uow.audit.append(
                actor=clerk.username,
                action="signing.token",
                entity="settings",
                entity_id="settings.toml",
                detail={"module": module, "token": token_label, "cert_id": cert_id},
                at=utc_now(),
            )
            uow.commit()
        return self._settings.update(
            signing_module=module, signing_token=token_label, signing_cert_id=cert_id
        )

    def configured_certificate(self) -> CertificateInfo:
        """The chosen certificate as the token shows it without a PIN; raises when the token
        is not plugged in, the certificate is gone, or it cannot sign today."""
        from motcua_desk.signing.certs import check_validity
        from motcua_desk.signing.errors import CertificateNotFoundError

        s = self._settings.current
        if not s.signing_module:
            raise TokenModuleError(module="", reason="not_configured")
        for cert in self._tokens.certificates(s.signing_module, s.signing_token):
            if cert.cert_id == s.signing_cert_id:
                check_validity(cert, utc_now())
                return cert
        raise CertificateNotFoundError(cert_id=s.signing_cert_id)

    def login(self, pin: str) -> CertificateInfo:
        """Open the configured token with ``pin`` (not kept) for the rest of the session."""
        s = self._settings.current
        if not s.signing_module:
            raise TokenModuleError(module="", reason="not_configured")
        # A token has one login state: the open session ends first (logging in again while it
        # is open fails with CKR_USER_ALREADY_LOGGED_IN).
        self.logout()
        session = self._tokens.open(s.signing_module, s.signing_token, s.signing_cert_id, pin)
        with self._lock:
            old, self._session = self._session, session
        if old is not None:
            old.close()
        return session.certificate

    def logout(self) -> None:
        with self._lock:
            old, self._session = self._session, None
        if old is not None:
            old.close()

    # ---- signing -----------------------------------------------------------------------

    def submit_rendered(self, doc: Any, clerk: User) -> SignedDocument | None:
        """After a form is rendered (and printed): queue its electronic copy when the unit signs
        that form type. ``doc`` is a ``RenderedDocument``."""
        if not self.wants(doc.doc_type):
            return None
        return self.submit_form(
            doc_type=doc.doc_type,
            dossier_id=doc.dossier_id,
            title=doc.dossier_code,
            pdf_path=Path(doc.path),
            clerk=clerk,
        )

    def submit_form(
        self, *, doc_type: str, dossier_id: int, title: str, pdf_path: Path, clerk: User
    ) -> SignedDocument:
        """Queue an issued form for signing and sign it now if the token is open.

        Never raises a token error: the form stays "chờ ký" with the reason's code.
        """
        data = pdf_path.read_bytes()
        with self._uow_factory() as uow:
            doc = uow.signed_documents.add_pending(
                dossier_id=dossier_id,
                doc_type=doc_type,
                title=normalize(title),
                source_path=str(pdf_path),
                source_sha256=hashlib.sha256(data).hexdigest(),
                at=utc_now(),
                by=clerk.username,
            )
            uow.commit()
        return self._try(doc, clerk)

    def submit_conversion(
        self,
        pdf: bytes,
        *,
        title: str,
        origin: str,
        clerk: User,
        dossier_id: int | None = None,
    ) -> SignedDocument:
        """Sign a digitised paper with its conversion mark: converted by whom, when, and from the
        original or a copy (Luật Giao dịch điện tử 2023 Art. 12). The unsigned bytes are kept
        so a paper that cannot be signed now is signed later."""
        digest = hashlib.sha256(pdf).hexdigest()
        path = self._paths.archive_dir / "unsigned" / f"{digest[:2]}" / f"{digest}.pdf"
        _write(path, pdf)
        with self._uow_factory() as uow:
            doc = uow.signed_documents.add_pending(
                dossier_id=dossier_id,
                doc_type=CONVERSION,
                title=normalize(title),
                source_path=str(path),
                source_sha256=digest,
                at=utc_now(),
                by=clerk.username,
                conversion=Conversion(clerk.username, utc_now(), origin),
            )
            uow.commit()
        return self._try(doc, clerk)

    def _try(self, doc: SignedDocument, clerk: User) -> SignedDocument:
        if self._session is None or not doc.pending:
            return doc
        try:
            return self.sign(doc.id, clerk)
        except SigningError as exc:
            log.info("document %s left pending: %s", doc.id, exc.code)
            with self._uow_factory() as uow:
                doc = uow.signed_documents.get(doc.id)
            return doc

    def pending(self) -> list[SignedDocument]:
        with self._uow_factory() as uow:
            return uow.signed_documents.pending()

    def sign(self, doc_id: int, clerk: User) -> SignedDocument:
        """Sign one pending document now; raise the token's typed error (the row remembers it)."""
        with self._sign_lock:
            return self._sign(doc_id, clerk)

    def _sign(self, doc_id: int, clerk: User) -> SignedDocument:
        with self._uow_factory() as uow:
            doc = uow.signed_documents.get(doc_id)
            people = {u.username: u.full_name for u in uow.users.list()}
        if not doc.pending:
            return doc
        session = self._session
        try:
            if session is None:
                raise PinRequiredError()
            source = Path(doc.source_path).read_bytes()
            signed, level = self._sign_bytes(session, source, doc, people)
        except SigningError as exc:
            if isinstance(exc, _SESSION_LOST):
                self._drop(session)
            with self._uow_factory() as uow:
                uow.signed_documents.mark_failed(doc.id, exc.code)
                uow.commit()
            raise
        digest = hashlib.sha256(signed).hexdigest()
        src = Path(doc.source_path)
        out = src.with_name(f"{src.stem}.signed-{digest[:12]}.pdf")
        _write(out, signed)
        cert = session.certificate
        with self._uow_factory() as uow:
            done = uow.signed_documents.mark_signed(
                doc.id,
                at=utc_now(),
                by=clerk.username,
                signer_name=cert.subject_name,
                signer_cert_sha256=cert.sha256,
                level=level,
                signed_path=str(out),
                signed_sha256=digest,
            )
            for hook in self.on_signed:
                hook(uow, done, signed)
            detail = {"doc_type": doc.doc_type, "sha256": digest, "level": level}
            if doc.dossier_id is not None:
                dossier = uow.dossiers.get(doc.dossier_id)
                uow.outbox.append("document.signed", dossier.sync_id, detail, at=utc_now())
            uow.audit.append(
                actor=clerk.username,
                action="document.sign",
                entity="signed_document",
                entity_id=str(doc.id),
                detail=detail,
                at=utc_now(),
            )
            uow.commit()
        return done

    def sign_all_pending(self, clerk: User) -> tuple[int, str | None]:
        """Sign every pending document; stop at the first token-level failure.

        Returns (how many were signed, the code that stopped it or None)."""
        done = 0
        for doc in self.pending():
            try:
                self.sign(doc.id, clerk)
            except SigningError as exc:
                if isinstance(exc, _STOPS_THE_LIST) or self._session is None:
                    return done, exc.code
                continue
            done += 1
        return done, None

    def _drop(self, session: SigningSession | None) -> None:
        with self._lock:
            if session is not None and self._session is session:
                self._session = None
        if session is not None:
            session.close()

    def _stamp_lines(
        self, session: SigningSession, doc: SignedDocument, people: dict[str, str]
    ) -> tuple[str, ...]:
        s = self._settings.current
        # The stamp shows the time the signature itself records (the machine's clock).
        stamp_time = f"{to_local(utc_now()):%H:%M %d/%m/%Y}"
        name = session.certificate.subject_name
        if doc.conversion is not None:
            who = people.get(doc.conversion.converted_by, doc.conversion.converted_by)
            origin = _ORIGIN_WORDS.get(doc.conversion.origin, doc.conversion.origin)
            return (
                f"BẢN ĐIỆN TỬ CHUYỂN ĐỔI TỪ {origin.upper()} GIẤY",
                f"Người chuyển đổi: {who}",
                f"Thời điểm chuyển đổi: {to_local(doc.conversion.converted_at):%H:%M %d/%m/%Y}",
                f"Ký số: {name}" + (f", {s.agency_name}" if s.agency_name else ""),
            )
        return (
            f"Ký bởi: {name}",
            s.signing_stamp_title,
            s.agency_name,
            f"Thời gian ký: {stamp_time}",
        )

    def _sign_bytes(
        self,
        session: SigningSession,
        source: bytes,
        doc: SignedDocument,
        people: dict[str, str],
    ) -> tuple[bytes, str]:
        from motcua_desk.printing.slips.sigfield import CLERK_SIGNATURE_FIELD
        from motcua_desk.printing.stamp import render_stamp
        from motcua_desk.signing.pades import LEVEL_BB, SignRequest

        lines = self._stamp_lines(session, doc, people)
        s = self._settings.current
        base = SignRequest(
            stamp=lambda w, h: render_stamp(lines, w, h),
            field_name=CONVERSION_FIELD if doc.conversion is not None else CLERK_SIGNATURE_FIELD,
            reason=_conversion_reason(doc, people) if doc.conversion else "Tiếp nhận hồ sơ",
            location=s.place_name,
        )
        upgraded = self._online_request(base)
        if upgraded is not None:
            try:
                return session.sign(source, upgraded), upgraded.level
            except SigningError as exc:
                if isinstance(exc, _SESSION_LOST):
                    raise
                # The timestamp server or revocation fetch failed: sign offline (B-B).
                log.warning("online signature upgrade failed (%s); signing B-B", exc.code)
        return session.sign(source, base), LEVEL_BB

    def upgrade_offline_signatures(self, clerk: User | None = None) -> tuple[int, str | None]:
        """Give signatures made offline (B-B) their time-stamp and validation data now that the
        timestamp server is reachable; no token needed. Stops at the first failure (still
        offline). Returns (how many were upgraded, the code that stopped it or None).

        Run after each successful sync (``clerk`` None: the audit names the sync) and from the
        signatures page."""
        with self._sign_lock:
            result = self._upgrade(clerk.username if clerk is not None else "sync")
        self.last_upgrade = (utc_now(), *result)
        return result

    def _upgrade(self, actor: str) -> tuple[int, str | None]:
        s = self._settings.current
        if not s.signing_tsa_url or self._timestamper_factory is None:
            return 0, "signing_tsa_not_configured"
        from motcua_desk.signing.pades import LEVEL_BB
        from motcua_desk.signing.upgrade import upgrade_signature

        with self._uow_factory() as uow:
            docs = uow.signed_documents.signed_at_level(LEVEL_BB)
        done = 0
        first_error: str | None = None
        for doc in docs:
            if doc.signed_path is None:
                continue
            try:
                context = self._validation_context()
                data, level = upgrade_signature(
                    Path(doc.signed_path).read_bytes(),
                    self._timestamper_factory(s.signing_tsa_url),
                    context,
                )
            except SigningError as exc:
                log.info("signature upgrade not done: %s", exc.code)
                log.debug("signature upgrade detail: %s", exc.data)
                if exc.data.get("network", False):
                    return done, exc.code  # still offline: the next sync run tries again
                # This document's own trouble (e.g. its certificate was revoked): skip it.
                first_error = first_error or exc.code
                continue
            except OSError:
                continue
            digest = hashlib.sha256(data).hexdigest()
            src = Path(doc.source_path)
            out = src.with_name(f"{src.stem}.signed-{digest[:12]}.pdf")
            _write(out, data)
            with self._uow_factory() as uow:
                upgraded = uow.signed_documents.mark_upgraded(
                    doc.id, level=level, signed_path=str(out), signed_sha256=digest
                )
                for hook in self.on_signed:
                    hook(uow, upgraded, data)
                uow.audit.append(
                    actor=actor,
                    action="document.sign_upgrade",
                    entity="signed_document",
                    entity_id=str(doc.id),
                    detail={"level": level, "sha256": digest},
                    at=utc_now(),
                )
                uow.commit()
            done += 1
        return done, first_error

    def _validation_context(self) -> Any:
        s = self._settings.current
        if not s.signing_trust_roots:
            return None
        from asn1crypto import x509
        from pyhanko_certvalidator import ValidationContext

        from motcua_desk.signing.verify import load_trust_roots

        roots = load_trust_roots(Path(s.signing_trust_roots))
        return ValidationContext(
            trust_roots=[x509.Certificate.load(r) for r in roots], allow_fetching=True
        )

    def _online_request(self, base: SignRequest) -> SignRequest | None:
        s = self._settings.current
        if not s.signing_tsa_url or self._timestamper_factory is None:
            return None
        context = self._validation_context()
        return replace(
            base,
            timestamper=self._timestamper_factory(s.signing_tsa_url),
            validation_context=context,
        )

    # ---- verification ------------------------------------------------------------------

    def check_dossier(self, dossier_id: int) -> list[DocumentCheck]:
        """Each signed or pending document of a dossier with the state of its signature."""
        with self._uow_factory() as uow:
            docs = uow.signed_documents.for_dossier(dossier_id)
        s = self._settings.current
        # A unit with a timestamp server works online: revocation (OCSP/CRL) is asked for too,
        # so a revoked certificate shows as such; offline it soft-fails to what the file holds.
        return check_documents(
            docs, s.signing_trust_roots, fetch_revocation=bool(s.signing_tsa_url)
        )
