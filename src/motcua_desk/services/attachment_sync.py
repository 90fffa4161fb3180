"""Attachment files to and from the provincial server (issue 15).

The metadata travels as ``attachment.put`` outbox events with the rest of the sync; the bytes
travel here, after it: every stored file an attachment refers to and the server has not
confirmed is uploaded (resumable, deduplicated by hash), then marked uploaded so it is sent
exactly once. Reuse looks up the applicant's papers held by the unit on the server and fetches
the chosen one into the local store.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motcua_desk.config import Settings
from motcua_desk.domain.digitisation import Attachment, PaperMeta, Source
from motcua_desk.services.digitisation import PDF, put_attachment, row_dossier
from motcua_desk.services.settings_store import SettingsStore
from motcua_desk.services.sync_service import TOKEN_KEY, SyncNotConfiguredError
from motcua_desk.storage.filestore import FileStore
from motcua_desk.storage.uow import UnitOfWork, reading
from motcua_desk.sync.errors import SyncError

if TYPE_CHECKING:
    from motcua_desk.sync.blobs import BlobClient  # httpx: imported when first needed

log = logging.getLogger(__name__)

ClientFactory = Callable[[Settings, str], "BlobClient"]


@dataclass(frozen=True, slots=True)
class UploadReport:
    uploaded: int
    remaining: int
    error_code: str | None = None


@dataclass(frozen=True, slots=True)
class RemoteOffer:
    """A paper of this applicant digitised at another counter of the unit."""

    sync_id: str
    sha256: str
    meta: PaperMeta
    digitised_at: str
    pages: int


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


class AttachmentSync:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        store: FileStore,
        settings: SettingsStore,
        clock: Callable[[], datetime],
        client_factory: ClientFactory | None = None,
    ) -> None:
        self._uow = uow_factory
        self._store = store
        self._settings = settings
        self._clock = clock
        self._client_factory = client_factory or self._http

    @staticmethod
    def _http(settings: Settings, token: str) -> BlobClient:
        from motcua_desk.sync.blobs import BlobClient

        return BlobClient(settings.server_url, token, ca_bundle=settings.ca_bundle or None)

    def _client(self) -> BlobClient | None:
        settings = self._settings.current
        with reading(self._uow) as uow:
            token = uow.sync_state.get(TOKEN_KEY)
        if not settings.server_url or not token:
            return None
        return self._client_factory(settings, token)

    def upload_pending(self, limit: int = 100) -> UploadReport:
        """Upload files the server lacks; stops at the first network error (resumes later)."""
        client = self._client()
        if client is None:
            return UploadReport(0, 0, "sync_not_configured")
        uploaded = 0
        try:
            with reading(self._uow) as uow:
                todo = uow.attachments.files_to_upload(limit)
            for f in todo:
                try:
                    client.upload(f.sha256, self._store.path_of(f.sha256))
                except SyncError as exc:
                    log.info("attachment upload paused: %s", exc.code)
                    return UploadReport(uploaded, len(todo) - uploaded, exc.code)
                with self._uow() as uow:
                    uow.attachments.mark_uploaded(f.sha256)
                    uow.commit()
                uploaded += 1
            return UploadReport(uploaded, len(todo) - uploaded)
        finally:
            client.close()

    def remote_offers(self, id_number: str) -> list[RemoteOffer]:
        """The unit's papers of this applicant on the server (empty when offline)."""
        client = self._client()
        if client is None or not id_number:
            return []
        try:
            found = client.applicant_papers(id_number)
        except SyncError:
            return []
        finally:
            client.close()
        out = []
        for a in found:
            sha, sync_id = a.get("sha256"), a.get("sync_id")
            if not isinstance(sha, str) or not isinstance(sync_id, str):
                continue
            meta = PaperMeta(
                str(a.get("paper_type") or ""),
                str(a.get("number") or ""),
                str(a.get("issuer") or ""),
                _date(a.get("issued_on")),
                _date(a.get("valid_until")),
            )
            pages = a.get("pages")
            out.append(
                RemoteOffer(
                    sync_id,
                    sha,
                    meta,
                    str(a.get("digitised_at") or ""),
                    pages if isinstance(pages, int) else 0,
                )
            )
        return out

    def reuse_remote(
        self, dossier_id: int, position: int, offer: RemoteOffer, clerk: str
    ) -> Attachment:
        """Fetch the offered file (unless stored already) and attach it as reused."""
        if not self._store.has(offer.sha256):
            client = self._client()
            if client is None:
                raise SyncNotConfiguredError(missing="enrolment")
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    dest = Path(tmp) / "paper.pdf"
                    client.download(offer.sha256, dest)
                    self._store.put_file(dest)
            finally:
                client.close()
        now = self._clock()
        path = self._store.path_of(offer.sha256)
        with self._uow() as uow:
            dossier = row_dossier(uow, dossier_id, position)
            uow.attachments.register_file(offer.sha256, path.stat().st_size, PDF, offer.pages)
            uow.attachments.mark_uploaded(offer.sha256)  # the server has it
            att = put_attachment(
                uow,
                Attachment(
                    dossier_id=dossier_id,
                    position=position,
                    source=Source.REUSED,
                    meta=offer.meta,
                    digitised_by=clerk,
                    digitised_at=now,
                    file_sha256=offer.sha256,
                    reused_from=offer.sync_id,
                    applicant_id_number=dossier.applicant.id_number,
                ),
                dossier.sync_id,
                now,
            )
            uow.commit()
        return att
