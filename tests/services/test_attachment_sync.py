"""A digitised paper goes to the provincial server with the sync and comes back to another
counter of the same unit for reuse (real desk services, real server app in-process)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PIL import Image

from motcua_desk.bootstrap import build_context
from motcua_desk.config import AppPaths, Settings
from motcua_desk.domain.digitisation import PaperMeta, Source
from motcua_desk.services.attachment_sync import AttachmentSync
from motcua_desk.services.context import AppContext
from motcua_desk.sync.blobs import BlobClient
from motcua_desk.sync.transport import HttpTransport

from .conftest import HOA, UNIT, FakeClock
from .test_digitisation import receive

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from sync_support import Server  # noqa: E402

from motcua_server import admin as server_admin  # noqa: E402
from motcua_server.config import ServerSettings  # noqa: E402


def connect(ctx: AppContext, server: Server, name: str) -> AttachmentSync:
    _, code = server_admin.enrol_device(server.engine, UNIT.agency_id, name)
    ctx.settings_store.update(server_url="http://test")

    def factory(s: Settings, token: str | None) -> HttpTransport:
        return HttpTransport(s.server_url, token, transport=server.transport())

    assert ctx.sync is not None
    ctx.sync._transport_factory = factory  # noqa: SLF001 - talk to the in-process server
    ctx.sync.enrol(code, name)

    def blobs(s: Settings, token: str) -> BlobClient:
        return BlobClient(s.server_url, token, transport=server.transport(), chunk_size=64 * 1024)

    assert ctx.attachment_sync is not None
    ctx.attachment_sync._client_factory = blobs  # noqa: SLF001 - the in-process server
    return ctx.attachment_sync


def test_paper_is_uploaded_once_and_reused_at_another_counter(
    ctx: AppContext, admin: Any, tmp_path: Path, clock: FakeClock
) -> None:
    server = Server(
        tmp_path / "srv",
        ServerSettings(db_url=f"sqlite:///{tmp_path / 'server.db'}", blob_dir=str(tmp_path / "b")),
    )
    server_admin.create_unit(server.engine, UNIT.agency_id, "Phường")
    sync1 = connect(ctx, server, "Quầy 1")
    d = receive(ctx, admin)
    assert d.id is not None and ctx.digitisation is not None
    png = tmp_path / "p.png"
    Image.new("L", (300, 400), 200).save(png, dpi=(200, 200))
    pages = ctx.digitisation.import_file(png)
    meta = PaperMeta("giay_chung_sinh", "12/GCS", "Bệnh viện Đa khoa tỉnh")
    att = ctx.digitisation.save(d.id, 1, pages, meta, "admin", Source.IMPORTED)
    assert ctx.sync is not None
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        assert [f.sha256 for f in uow.attachments.files_to_upload()] == [att.file_sha256]
    # One sync run: the attachment.put event is accepted, then the file goes up after it.
    assert ctx.sync.run_once().value.ok
    assert ctx.sync.health().rejected == []
    with ctx.reception._uow_factory() as uow:  # noqa: SLF001
        assert uow.attachments.files_to_upload() == []
    again = sync1.upload_pending()
    assert (again.uploaded, again.remaining, again.error_code) == (0, 0, None)  # exactly once

    # A second counter of the same unit, with its own database, is offered the paper.
    other = build_context(AppPaths(tmp_path / "d2", tmp_path / "l2"), clock)
    other.accounts.first_run(UNIT, "admin", "Nguyễn Văn An", "mat-khau-2026")
    sync2 = connect(other, server, "Quầy 2")
    offers = sync2.remote_offers(HOA.id_number)
    assert [(o.sync_id, o.sha256, o.meta.issuer) for o in offers] == [
        (att.sync_id, att.file_sha256, "Bệnh viện Đa khoa tỉnh")
    ]
    admin2 = other.accounts.login("admin", "mat-khau-2026")
    d2 = receive(other, admin2)
    assert d2.id is not None and other.digitisation is not None
    reused = sync2.reuse_remote(d2.id, 1, offers[0], "admin")
    assert reused.source is Source.REUSED and reused.reused_from == att.sync_id
    assert other.digitisation.store.verify(offers[0].sha256)
    assert sync2.remote_offers("001099000001") == []
